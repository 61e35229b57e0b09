-- What the report build did: the days it rebuilt and the size of each report table.
SELECT
    (SELECT count(*) FROM report_days) AS days_rebuilt,
    (SELECT count(*) FROM report_delivery_daily) AS delivery_rows,
    (SELECT count(*) FROM report_failure_reasons_daily) AS failure_reason_rows,
    (SELECT count(*) FROM report_refunds_daily) AS refund_rows,
    (SELECT count(*) FROM report_billing_daily) AS billing_rows
