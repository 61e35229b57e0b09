-- The columns of the warehouse table $table, in order, each with its type and the comment sql/schema gives
-- it (COMMENT ON COLUMN): what the catalog shows readers as the table's column schema.
SELECT
    column_name AS name,
    data_type AS type,
    coalesce(comment, '') AS comment
FROM duckdb_columns()
WHERE
    database_name = current_database()
    AND schema_name = 'main'
    AND table_name = $table
ORDER BY column_index;
