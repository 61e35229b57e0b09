-- The latest Infobank load (this run's: one load per ingestion run, even one that read nothing): its
-- quarantined lines over the non-blank lines it read.
SELECT
    load_id,
    quarantined,
    lines_read - blank_lines AS lines,
    coalesce(quarantined / nullif(lines_read - blank_lines, 0), 0) AS rate
FROM infobank_loads
ORDER BY finished_at DESC
LIMIT 1;
