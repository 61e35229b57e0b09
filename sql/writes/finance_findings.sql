-- Replace the rebuilt days' rows of finance_findings.
DELETE FROM finance_findings
WHERE activity_date IN (SELECT activity_date FROM report_days);

INSERT INTO finance_findings BY NAME
SELECT * FROM finance_findings_rebuilt;
