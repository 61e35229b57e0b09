-- One report table's rows of one KST day, for export. $table is one of the report_* tables.
SELECT * FROM query_table($table)
WHERE activity_date = $day
ORDER BY ALL;
