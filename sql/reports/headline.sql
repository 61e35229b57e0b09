-- The latest complete day's headline per vendor: messages, delivery rate, failures, billed units.
WITH latest AS (SELECT max(activity_date) AS day FROM report_delivery_daily WHERE activity_date < current_date)
SELECT
    d.activity_date AS day,
    d.vendor,
    sum(d.messages) AS messages,
    round(100.0 * sum(d.delivered) / nullif(sum(d.final_outcomes), 0), 2) AS delivery_rate_pct,
    sum(d.undelivered + d.rejected + d.expired) AS failed,
    sum(d.pending + d.scheduled) AS in_flight
FROM report_delivery_daily AS d
WHERE d.activity_date = (SELECT day FROM latest)
GROUP BY d.activity_date, d.vendor
ORDER BY d.vendor;
