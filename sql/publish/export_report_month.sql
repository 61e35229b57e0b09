-- One month of the report table $table exactly as the warehouse holds it, as one Parquet file at $path;
-- returns the rows written. $month is the month's first day; a NULL $month writes no rows (the file that gives
-- an empty table its columns). Only for tables without phone numbers (the daily report tables).
COPY (
    SELECT *
    FROM query_table($table)
    WHERE activity_date >= CAST($month AS DATE)
      AND activity_date < CAST($month AS DATE) + INTERVAL 1 MONTH
    ORDER BY ALL
) TO $path (FORMAT parquet, COMPRESSION zstd);
