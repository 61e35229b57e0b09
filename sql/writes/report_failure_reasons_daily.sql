-- Replace the rebuilt days' rows of report_failure_reasons_daily.
DELETE FROM report_failure_reasons_daily
WHERE activity_date IN (SELECT activity_date FROM report_days);

INSERT INTO report_failure_reasons_daily BY NAME
SELECT * FROM report_failure_reasons_daily_rebuilt;
