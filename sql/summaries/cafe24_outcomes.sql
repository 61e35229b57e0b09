-- Cafe24 messages per type by vendor status, over $first_day..$last_day (KST): the demo's closing table.
SELECT
    message_type,
    count(*) AS messages,
    count(*) FILTER (WHERE send_status = 3) AS delivered,
    count(*) FILTER (WHERE send_status = 9) AS failed,
    count(*) FILTER (WHERE NOT is_final) AS pending,
    count(*) FILTER (WHERE send_status = 9 AND refunded_at IS NOT NULL) AS failed_refunded,
    round(100.0 * count(*) FILTER (WHERE send_status = 3) / nullif(count(*) FILTER (WHERE is_final), 0), 2)
        AS delivery_rate_pct
FROM cafe24_messages
WHERE activity_date BETWEEN $first_day AND $last_day
GROUP BY message_type
ORDER BY message_type;
