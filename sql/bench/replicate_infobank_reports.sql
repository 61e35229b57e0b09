-- Benchmark history (bench/large_warehouse.py): $copies copies of every stored Infobank report, copy k moved
-- $shift_days x k days back with its own message ids and its own stored file, as if the same traffic had
-- come in earlier months. Run once, on a warehouse holding only the first load.
INSERT INTO infobank_reports
SELECT
    * EXCLUDE (k) REPLACE (
        source_file || '.history-' || k AS source_file,
        msgid || '-h' || k AS msgid,
        received_at - to_days(CAST(k * $shift_days AS INTEGER)) AS received_at,
        sent_at - to_days(CAST(k * $shift_days AS INTEGER)) AS sent_at,
        file_id || '-h' || k AS file_id
    )
FROM infobank_reports
CROSS JOIN range(1, $copies + 1) AS copies (k);
