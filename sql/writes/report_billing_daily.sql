-- Replace the rebuilt days' rows of report_billing_daily.
DELETE FROM report_billing_daily
WHERE activity_date IN (SELECT activity_date FROM report_days);

INSERT INTO report_billing_daily BY NAME
SELECT * FROM report_billing_daily_rebuilt;
