-- One report table's rows of the KST days $days, for export, in the order each day's files list them.
-- $table is one of the report_* tables.
SELECT * FROM query_table($table)
WHERE list_contains(CAST($days AS DATE[]), activity_date)
ORDER BY ALL;
