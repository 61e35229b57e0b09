-- Delivery rate per KST day and vendor over the 30 days ending $day (delivered / final outcomes; NULL on a
-- day without a final outcome). Days without messages have no row.
SELECT
    activity_date,
    vendor,
    delivery_rate(sum(delivered), sum(final_outcomes)) AS delivery_rate
FROM report_delivery_daily
WHERE activity_date BETWEEN CAST($day AS DATE) - 29 AND CAST($day AS DATE)
GROUP BY activity_date, vendor
ORDER BY activity_date, vendor;
