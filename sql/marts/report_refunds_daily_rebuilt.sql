-- The rebuilt days' rows of report_refunds_daily (Cafe24, the vendor that refunds): failures, refunds,
-- refunds missing and unexpected (the finance findings), and the refund lag.
SELECT
    activity_date,
    vendor,
    count(*) FILTER (WHERE failed) AS failed,
    count(*) FILTER (WHERE failed AND refunded_at IS NOT NULL) AS refunded,
    count(*) FILTER (WHERE list_contains(findings, 'refund_missing')) AS refund_missing,
    count(*) FILTER (WHERE list_contains(findings, 'refund_unexpected')) AS refund_unexpected,
    quantile_cont(epoch(refunded_at - sent_at) / 3600, 0.5) FILTER (WHERE failed) AS refund_lag_p50_hours,
    quantile_cont(epoch(refunded_at - sent_at) / 3600, 0.95) FILTER (WHERE failed) AS refund_lag_p95_hours
FROM int_report_outcomes
WHERE vendor = 'cafe24'
GROUP BY activity_date, vendor
