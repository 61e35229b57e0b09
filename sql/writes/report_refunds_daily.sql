-- Replace the rebuilt days' rows of report_refunds_daily.
DELETE FROM report_refunds_daily
WHERE activity_date IN (SELECT activity_date FROM report_days);

INSERT INTO report_refunds_daily BY NAME
SELECT * FROM report_refunds_daily_rebuilt;
