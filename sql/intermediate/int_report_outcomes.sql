-- The outcomes of the days the report build rebuilds (changes/report_days), each with what the report tables
-- count: its labels, whether it failed, its finance findings, its Infobank retries, the units refunded, and
-- its price (intermediate/int_day_prices). Parameters: $settle_hours, $now.
WITH day_outcomes AS (
    SELECT * FROM delivery_outcomes
    WHERE activity_date IN (SELECT activity_date FROM report_days)
),

infobank_retries AS (
    SELECT
        msgid,
        count(*) FILTER (WHERE is_retry) AS retries
    FROM infobank_reports
    WHERE
        msgid IN (
            SELECT vendor_message_id FROM day_outcomes
            WHERE vendor = 'infobank'
        )
    GROUP BY msgid
),

priced AS (
    SELECT
        outcomes.*,
        -- A price for the message's own type wins over a price for any type (*).
        coalesce(own_type.krw_per_unit, any_type.krw_per_unit) AS krw_per_unit
    FROM day_outcomes AS outcomes
    LEFT JOIN int_day_prices AS own_type
        ON
            outcomes.activity_date = own_type.activity_date
            AND outcomes.vendor = own_type.vendor
            AND outcomes.message_type = own_type.message_type
    LEFT JOIN int_day_prices AS any_type
        ON
            outcomes.activity_date = any_type.activity_date
            AND outcomes.vendor = any_type.vendor
            AND any_type.message_type = '*'
)

SELECT
    priced.*,
    coalesce(priced.message_type, '(unknown)') AS type_label,
    coalesce(priced.carrier, '(unknown)') AS carrier_label,
    is_failed(priced.status) AS failed,
    finance_findings(
        priced.vendor, priced.status, priced.refunded_at, priced.billed_units,
        is_settled(priced.activity_date, $settle_hours, $now)
    ) AS findings,
    coalesce(retries.retries, 0) AS retries,
    -- Cafe24 gives a failed message's unit back when it refunds it.
    CASE WHEN priced.refunded_at IS NOT NULL THEN coalesce(priced.billed_units, 0) ELSE 0 END AS refunded_units
FROM priced
LEFT JOIN infobank_retries AS retries
    ON priced.vendor = 'infobank' AND priced.vendor_message_id = retries.msgid
