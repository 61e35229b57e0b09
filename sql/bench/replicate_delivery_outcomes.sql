-- Benchmark history (bench/large_warehouse.py): the outcomes of the copied reports
-- (bench/replicate_infobank_reports), with the same keys and days.
INSERT INTO delivery_outcomes
SELECT
    * EXCLUDE (k) REPLACE (
        message_key || '-h' || k AS message_key,
        vendor_message_id || '-h' || k AS vendor_message_id,
        sent_at - to_days(CAST(k * $shift_days AS INTEGER)) AS sent_at,
        delivered_at - to_days(CAST(k * $shift_days AS INTEGER)) AS delivered_at,
        activity_date - CAST(k * $shift_days AS INTEGER) AS activity_date,
        refunded_at - to_days(CAST(k * $shift_days AS INTEGER)) AS refunded_at
    )
FROM delivery_outcomes
CROSS JOIN range(1, $copies + 1) AS copies (k);
