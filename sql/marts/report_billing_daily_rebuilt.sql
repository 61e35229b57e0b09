-- The rebuilt days' rows of report_billing_daily: units billed, billed on failures and deliveries not billed
-- (the finance findings), retries not billed, units refunded, and the cost net of refunds at the price book's
-- prices, per day, vendor and carrier.
SELECT
    activity_date,
    vendor,
    carrier_label AS carrier,
    count(*) AS messages,
    coalesce(sum(billed_units), 0) AS billed_units,
    coalesce(
        sum(billed_units) FILTER (WHERE list_contains(findings, 'billed_units_on_failures')), 0
    ) AS billed_units_on_failures,
    count(*) FILTER (WHERE list_contains(findings, 'delivered_unbilled')) AS delivered_unbilled,
    sum(retries) AS retries_not_billed,
    sum(refunded_units) AS refunded_units,
    CAST(
        coalesce(sum((coalesce(billed_units, 0) - refunded_units) * krw_per_unit), 0) AS DECIMAL(18, 2)
    ) AS cost_krw,
    coalesce(
        sum(coalesce(billed_units, 0) - refunded_units) FILTER (WHERE krw_per_unit IS NULL), 0
    ) AS unpriced_units
FROM int_report_outcomes
GROUP BY activity_date, vendor, carrier_label
