-- Every month (its first day) the table $table has rows in: what a publish writes when it cannot rely on the
-- previous version (the first publish, a new schema, a table whose files do not add up).
SELECT DISTINCT CAST(date_trunc('month', activity_date) AS DATE) AS month
FROM query_table($table)
ORDER BY month;
