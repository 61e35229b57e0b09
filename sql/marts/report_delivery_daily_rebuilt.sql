-- The rebuilt days' rows of report_delivery_daily: messages by status, the delivery rate over decided
-- messages, the share still in flight, and the delivery latency, per day, vendor, type and carrier.
SELECT
    activity_date,
    vendor,
    type_label AS message_type,
    carrier_label AS carrier,
    count(*) AS messages,
    count(*) FILTER (WHERE status = 'delivered') AS delivered,
    count(*) FILTER (WHERE status = 'undelivered') AS undelivered,
    count(*) FILTER (WHERE status = 'rejected') AS rejected,
    count(*) FILTER (WHERE status = 'expired') AS expired,
    count(*) FILTER (WHERE status = 'pending') AS pending,
    count(*) FILTER (WHERE status = 'scheduled') AS scheduled,
    count(*) FILTER (WHERE status = 'unknown') AS unknown,
    count(*) FILTER (WHERE is_decided(status)) AS final_outcomes,
    delivery_rate(
        count(*) FILTER (WHERE status = 'delivered'),
        count(*) FILTER (WHERE is_decided(status))
    ) AS delivery_rate,
    count(*) FILTER (WHERE is_in_flight(status)) / count(*) AS in_flight_share,
    quantile_cont(epoch(delivered_at - sent_at), 0.5) AS latency_p50_seconds,
    quantile_cont(epoch(delivered_at - sent_at), 0.95) AS latency_p95_seconds
FROM int_report_outcomes
GROUP BY activity_date, vendor, type_label, carrier_label
