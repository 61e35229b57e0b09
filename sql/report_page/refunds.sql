-- Refunds per KST day over the 30 days ending each page's day, for the pages of $days (Cafe24, the vendor
-- that refunds): failed messages refunded, still within the settle window without a refund, past it without
-- one (refund_missing), and delivered messages refunded all the same (refund_unexpected). Days without
-- messages have no row.
SELECT
    pages.page_day,
    r.activity_date,
    sum(r.refunded) AS refunded,
    sum(r.failed - r.refunded - r.refund_missing) AS awaiting_refund,
    sum(r.refund_missing) AS refund_missing,
    sum(r.refund_unexpected) AS refund_unexpected
FROM unnest(CAST($days AS DATE[])) AS pages (page_day)
INNER JOIN report_refunds_daily AS r ON r.activity_date BETWEEN pages.page_day - 29 AND pages.page_day
GROUP BY pages.page_day, r.activity_date
ORDER BY pages.page_day, r.activity_date;
