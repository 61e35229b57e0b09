-- File loads whose lines are not each accounted for exactly once (should be none).
SELECT load_id, source_file, lines_read, reports_accepted + retries + quarantined + blank_lines AS lines_accounted
FROM infobank_file_loads
WHERE lines_read <> reports_accepted + retries + quarantined + blank_lines;
