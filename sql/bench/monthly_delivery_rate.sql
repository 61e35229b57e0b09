-- Benchmark query (bench/large_warehouse.py): what an analyst asks of the whole history, the delivery rate
-- per month, vendor and carrier, read from every outcome.
SELECT
    date_trunc('month', activity_date) AS month,
    vendor,
    coalesce(carrier, '(unknown)') AS carrier,
    count(*) AS messages,
    delivery_rate(
        count(*) FILTER (WHERE status = 'delivered'),
        count(*) FILTER (WHERE is_decided(status))
    ) AS delivery_rate
FROM delivery_outcomes
GROUP BY ALL
ORDER BY ALL;
