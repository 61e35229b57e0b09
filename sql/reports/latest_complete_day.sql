-- The latest KST day before today that has report rows: the day the morning's headline is about.
SELECT max(activity_date) AS day FROM report_delivery_daily
WHERE activity_date < current_date;
