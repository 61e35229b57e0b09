-- The rows of the table $table: a table published by month must add up to it.
SELECT count(*) FROM query_table($table);
