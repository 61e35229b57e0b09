-- Finance findings of the week ending $day, one row per day and vendor that has any: refunds missing (known
-- only once the settle window has passed, hence the week), refunds unexpected, units paid for failures,
-- and deliveries not billed.
WITH refunds AS (
    SELECT activity_date, vendor, sum(refund_missing) AS refund_missing, sum(refund_unexpected) AS refund_unexpected
    FROM report_refunds_daily
    WHERE activity_date BETWEEN $day - 6 AND $day
    GROUP BY ALL
),

billing AS (
    SELECT
        activity_date, vendor,
        sum(billed_units_on_failures) AS billed_units_on_failures,
        sum(delivered_unbilled) AS delivered_unbilled
    FROM report_billing_daily
    WHERE activity_date BETWEEN $day - 6 AND $day
    GROUP BY ALL
)

SELECT
    activity_date AS day,
    vendor,
    coalesce(r.refund_missing, 0) AS refund_missing,
    coalesce(r.refund_unexpected, 0) AS refund_unexpected,
    b.billed_units_on_failures,
    b.delivered_unbilled
FROM billing AS b
LEFT JOIN refunds AS r USING (activity_date, vendor)
WHERE
    coalesce(r.refund_missing, 0) + coalesce(r.refund_unexpected, 0) + b.billed_units_on_failures
    + b.delivered_unbilled > 0
ORDER BY day, vendor;
