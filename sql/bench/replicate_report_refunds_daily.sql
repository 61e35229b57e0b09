-- Benchmark history (bench/large_warehouse.py): the report_refunds_daily rows of the copied days.
INSERT INTO report_refunds_daily
SELECT * EXCLUDE (k) REPLACE (activity_date - CAST(k * $shift_days AS INTEGER) AS activity_date)
FROM report_refunds_daily
CROSS JOIN range(1, $copies + 1) AS copies (k);
