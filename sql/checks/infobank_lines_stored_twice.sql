-- Stored lines held more than once across infobank_reports and infobank_quarantine (should be none):
-- a file line is read once, and lands in exactly one of them.
SELECT source_file, line_number, count(*) AS copies
FROM (
    SELECT source_file, line_number FROM infobank_reports
    UNION ALL
    SELECT source_file, line_number FROM infobank_quarantine
)
GROUP BY source_file, line_number
HAVING count(*) > 1;
