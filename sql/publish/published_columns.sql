-- The columns of the published tables $tables, in order: part of the digest that says whether the files of
-- the previous version still have the right shape.
SELECT table_name, column_name, data_type
FROM duckdb_columns()
WHERE
    database_name = current_database()
    AND schema_name = 'main'
    AND list_contains(CAST($tables AS VARCHAR[]), table_name)
ORDER BY table_name, column_index;
