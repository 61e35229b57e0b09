-- Messages per vendor and type by outcome over $first_day..$last_day (KST): the demo's closing table.
SELECT
    vendor,
    coalesce(message_type, '-') AS type,
    count(*) AS messages,
    count(*) FILTER (WHERE status = 'delivered') AS delivered,
    count(*) FILTER (WHERE is_failed(status)) AS failed,
    count(*) FILTER (WHERE is_in_flight(status)) AS in_flight,
    count(*) FILTER (WHERE status = 'unknown') AS unknown,
    round(
        100.0 * delivery_rate(
            count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE is_decided(status))
        ),
        2
    ) AS delivery_rate_pct,
    sum(billed_units) AS billed_units,
    count(refunded_at) AS refunded
FROM delivery_outcomes
WHERE activity_date BETWEEN $first_day AND $last_day
GROUP BY ALL
ORDER BY ALL;
