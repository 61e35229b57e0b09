-- The statements that fill the new analytics file (attached as analytics_next): one view per published table
-- over its Parquet files in the version folder $version_dir (every month file of <table>/ for the tables in
-- $partitioned, published by month; <table>.parquet for the others), then the warehouse's comments on those
-- tables and their columns. CREATE VIEW and COMMENT ON take no bound parameters (a view keeps its SQL text), so
-- this query writes them, quoting every name and value with the two macros below; publish.py runs each row.
-- $tables: the published tables, in order; `published` has no warehouse comments (describe_copy.sql).

CREATE OR REPLACE TEMP MACRO sql_literal(TEXT) AS '''' || replace(text, '''', '''''') || '''';
CREATE OR REPLACE TEMP MACRO sql_name(NAME) AS '"' || replace(name, '"', '""') || '"';

WITH published AS (
    SELECT table_name, position
    FROM unnest(CAST($tables AS VARCHAR[])) WITH ORDINALITY AS t (table_name, position)
),

views AS (
    SELECT
        1 AS step,
        position,
        0 AS column_index,
        format(
            'CREATE VIEW analytics_next.{} AS SELECT * FROM read_parquet({})',
            sql_name(table_name),
            sql_literal($version_dir || '/' || table_name || CASE
                WHEN list_contains(CAST($partitioned AS VARCHAR[]), table_name) THEN '/*.parquet'
                ELSE '.parquet'
            END)
        ) AS statement
    FROM published
),

table_comments AS (
    SELECT
        2 AS step,
        p.position,
        0 AS column_index,
        format('COMMENT ON VIEW analytics_next.{} IS {}', sql_name(t.table_name), sql_literal(t.comment))
    FROM duckdb_tables() AS t
    INNER JOIN published AS p USING (table_name)
    WHERE t.database_name = current_database() AND t.schema_name = 'main' AND t.comment IS NOT NULL
),

column_comments AS (
    SELECT
        3 AS step,
        p.position,
        c.column_index,
        format(
            'COMMENT ON COLUMN analytics_next.{}.{} IS {}',
            sql_name(c.table_name),
            sql_name(c.column_name),
            sql_literal(c.comment)
        )
    FROM duckdb_columns() AS c
    INNER JOIN published AS p USING (table_name)
    WHERE c.database_name = current_database() AND c.schema_name = 'main' AND c.comment IS NOT NULL
)

SELECT statement
FROM (
    SELECT * FROM views
    UNION ALL
    SELECT * FROM table_comments
    UNION ALL
    SELECT * FROM column_comments
) AS statements
ORDER BY step, position, column_index;
