-- The headline of one KST day ($day) per vendor: messages, delivery rate, failures, in flight, billed units.
SELECT
    d.activity_date AS day,
    d.vendor,
    sum(d.messages) AS messages,
    round(100.0 * sum(d.delivered) / nullif(sum(d.final_outcomes), 0), 2) AS delivery_rate_pct,
    sum(d.undelivered + d.rejected + d.expired) AS failed,
    sum(d.pending + d.scheduled) AS in_flight,
    (SELECT sum(b.billed_units) FROM report_billing_daily AS b WHERE b.activity_date = $day AND b.vendor = d.vendor)
        AS billed_units
FROM report_delivery_daily AS d
WHERE d.activity_date = $day
GROUP BY d.activity_date, d.vendor
ORDER BY d.vendor;
