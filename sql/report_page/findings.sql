-- The finance findings of $day, one row each whether or not any message has it: how many messages, their
-- billed units, and the first $first_rows of them (oldest first) with the recipient masked. Which message has
-- which finding is the finance_findings rule (sql/schema/065_rules.sql) that the report tables count, as of
-- $now with $settle_hours, so the page agrees with the tables built with the same.
WITH flagged AS (
    SELECT
        unnest(finance_findings(
            vendor, status, refunded_at, billed_units, is_settled(activity_date, $settle_hours, $now)
        )) AS finding,
        *
    FROM delivery_outcomes
    WHERE activity_date = $day
)

SELECT
    f.finding,
    count(m.message_key) AS messages,
    coalesce(sum(m.billed_units), 0) AS billed_units,
    coalesce(
        list(
            {
                'vendor': m.vendor,
                'sent_at': m.sent_at,
                'recipient': mask_phone(m.recipient),
                'status': m.status,
                'reason': m.reason,
                'billed_units': m.billed_units,
                'refunded_at': m.refunded_at
            }
            ORDER BY m.sent_at NULLS LAST, m.message_key
        ) FILTER (WHERE m.message_key IS NOT NULL),
        []
    )[1:($first_rows)] AS first_rows
FROM (
    VALUES
    ('refund_missing', 1), ('refund_unexpected', 2), ('billed_units_on_failures', 3), ('delivered_unbilled', 4)
) AS f (finding, position)
LEFT JOIN flagged AS m ON f.finding = m.finding
GROUP BY f.finding, f.position
ORDER BY f.position;
