-- The finance findings of $day, one row each whether or not any message has it: how many messages, their
-- billed units, and the first $first_rows of them (oldest first) with the recipient masked. The same
-- definitions as sql/reports/build.sql, so the counts agree with the report tables built at $now with the
-- same $settle_hours:
--   refund_missing     Cafe24 failed messages with no refund once the settle window after the day has passed
--                      (report_refunds_daily.refund_missing)
--   refund_unexpected  Cafe24 delivered messages that were refunded (report_refunds_daily.refund_unexpected)
--   billed_failures    failed messages charged and not refunded; their units add up to
--                      report_billing_daily.billed_units_on_failures
WITH day_outcomes AS (
    SELECT
        *,
        is_failed(status) AS failed,
        is_settled(activity_date, $settle_hours, $now) AS settled
    FROM delivery_outcomes
    WHERE activity_date = $day
),
flagged AS (
    SELECT 'refund_missing' AS finding, *
    FROM day_outcomes
    WHERE vendor = 'cafe24' AND failed AND refunded_at IS NULL AND settled
    UNION ALL BY NAME
    SELECT 'refund_unexpected' AS finding, *
    FROM day_outcomes
    WHERE vendor = 'cafe24' AND status = 'delivered' AND refunded_at IS NOT NULL
    UNION ALL BY NAME
    SELECT 'billed_failures' AS finding, *
    FROM day_outcomes
    WHERE failed AND refunded_at IS NULL AND billed_units > 0
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
    )[1:$first_rows] AS first_rows
FROM (VALUES ('refund_missing', 1), ('refund_unexpected', 2), ('billed_failures', 3)) AS f (finding, position)
LEFT JOIN flagged AS m ON m.finding = f.finding
GROUP BY f.finding, f.position
ORDER BY f.position;
