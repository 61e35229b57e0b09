-- Stored lines held more than once across infobank_reports and infobank_quarantine (should be none):
-- a line of a stored file is read once, and lands in exactly one of them. A line stored twice lies in a file
-- some load read: the files the latest load read are looked at, unless $whole.
WITH files_in_scope AS (
    SELECT file_id FROM infobank_file_loads
    WHERE load_id = (
        SELECT load_id FROM infobank_loads
        ORDER BY finished_at DESC
        LIMIT 1
    )
)

SELECT
    file_id,
    line_number,
    count(*) AS copies
FROM (
    SELECT file_id, line_number FROM infobank_reports
    UNION ALL
    SELECT file_id, line_number FROM infobank_quarantine
) AS stored_lines
WHERE $whole OR file_id IN (SELECT file_id FROM files_in_scope)
GROUP BY file_id, line_number
HAVING count(*) > 1;
