-- The quarantine rate of the most recent load: quarantined lines over non-blank lines read.
WITH latest AS (
    SELECT load_id FROM infobank_file_loads ORDER BY loaded_at DESC LIMIT 1
)
SELECT
    coalesce(sum(quarantined), 0) AS quarantined,
    coalesce(sum(lines_read - blank_lines), 0) AS lines,
    coalesce(sum(quarantined) / nullif(sum(lines_read - blank_lines), 0), 0) AS rate
FROM infobank_file_loads
WHERE load_id IN (SELECT load_id FROM latest);
