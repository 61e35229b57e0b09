-- Benchmark history (bench/large_warehouse.py): the stored file of each copy of the reports
-- (bench/replicate_infobank_reports), its modification time moved back with them.
INSERT INTO infobank_stored_files
SELECT
    * EXCLUDE (k) REPLACE (
        file_id || '-h' || k AS file_id,
        source_file || '.history-' || k AS source_file,
        modified_at - to_days(CAST(k * $shift_days AS INTEGER)) AS modified_at
    )
FROM infobank_stored_files
CROSS JOIN range(1, $copies + 1) AS copies (k);
