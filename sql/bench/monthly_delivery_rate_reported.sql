-- Benchmark query (bench/large_warehouse.py): the same monthly delivery rate (bench/monthly_delivery_rate),
-- read from the daily report table instead of every outcome.
SELECT
    date_trunc('month', activity_date) AS month,
    vendor,
    carrier,
    sum(messages) AS messages,
    delivery_rate(
        sum(delivered),
        sum(delivered + undelivered + rejected + expired)
    ) AS delivery_rate
FROM report_delivery_daily
GROUP BY ALL
ORDER BY ALL;
