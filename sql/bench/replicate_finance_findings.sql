-- Benchmark history (bench/large_warehouse.py): the finance findings of the copied outcomes.
INSERT INTO finance_findings
SELECT
    * EXCLUDE (k) REPLACE (
        message_key || '-h' || k AS message_key,
        activity_date - CAST(k * $shift_days AS INTEGER) AS activity_date
    )
FROM finance_findings
CROSS JOIN range(1, $copies + 1) AS copies (k);
