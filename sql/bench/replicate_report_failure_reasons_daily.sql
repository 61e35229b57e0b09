-- Benchmark history (bench/large_warehouse.py): the report_failure_reasons_daily rows of the copied days.
INSERT INTO report_failure_reasons_daily
SELECT * EXCLUDE (k) REPLACE (activity_date - CAST(k * $shift_days AS INTEGER) AS activity_date)
FROM report_failure_reasons_daily
CROSS JOIN range(1, $copies + 1) AS copies (k);
