-- The days the report build in this transaction rebuilt (its temp table), oldest first.
SELECT activity_date FROM report_days
ORDER BY activity_date;
