-- Replace the rebuilt days' rows of report_delivery_daily.
DELETE FROM report_delivery_daily
WHERE activity_date IN (SELECT activity_date FROM report_days);

INSERT INTO report_delivery_daily BY NAME
SELECT * FROM report_delivery_daily_rebuilt;
