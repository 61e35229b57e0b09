-- Stored lines held more than once across infobank_reports and infobank_quarantine (should be none):
-- a line of a stored file is read once, and lands in exactly one of them.
SELECT file_id, line_number, count(*) AS copies
FROM (
    SELECT file_id, line_number FROM infobank_reports
    UNION ALL
    SELECT file_id, line_number FROM infobank_quarantine
) AS stored_lines
GROUP BY file_id, line_number
HAVING count(*) > 1;
