-- The rows of the warehouse table $table: one count(*) without a filter, which DuckDB answers from the
-- row groups' counts, not by reading the rows.
SELECT count(*) AS row_count FROM query_table($table);
