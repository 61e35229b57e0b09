-- Refunds per KST day over the 30 days ending $day (Cafe24, the vendor that refunds): failed messages
-- refunded, still within the settle window without a refund, past it without one (refund_missing), and
-- delivered messages refunded all the same (refund_unexpected). Days without messages have no row.
SELECT
    activity_date,
    sum(refunded) AS refunded,
    sum(failed - refunded - refund_missing) AS awaiting_refund,
    sum(refund_missing) AS refund_missing,
    sum(refund_unexpected) AS refund_unexpected
FROM report_refunds_daily
WHERE activity_date BETWEEN CAST($day AS DATE) - 29 AND CAST($day AS DATE)
GROUP BY activity_date
ORDER BY activity_date;
