-- The copy's `published` table, as one Parquet file at $path: one row per published table with its row
-- count, the version and time of the publish, the builds of delivery_outcomes and the reports it holds, and
-- what the next publish needs to reuse its files: the digest of their shape and each table's month files.
-- $table_names and $row_counts are parallel lists (unnest zips them), as are $month_tables, $months and
-- $month_rows (one entry per month file); $partitioned names the tables published by month.
COPY (
    WITH published_tables AS (
        SELECT
            unnest(CAST($table_names AS VARCHAR[])) AS table_name,
            unnest(CAST($row_counts AS BIGINT[])) AS row_count
    ),
    month_files AS (
        SELECT
            unnest(CAST($month_tables AS VARCHAR[])) AS table_name,
            unnest(CAST($months AS DATE[])) AS month,
            unnest(CAST($month_rows AS BIGINT[])) AS row_count
    ),
    table_months AS (
        SELECT table_name, list({'month': month, 'row_count': row_count} ORDER BY month) AS months
        FROM month_files
        GROUP BY table_name
    ),
    latest_outcomes AS (
        SELECT built_at, cafe24_through, infobank_through FROM outcome_builds ORDER BY built_at DESC LIMIT 1
    )
    SELECT
        CAST($version AS VARCHAR) AS version,
        CAST($published_at AS TIMESTAMPTZ) AS published_at,
        t.table_name,
        t.row_count,
        o.built_at AS outcomes_built_at,
        (SELECT max(built_at) FROM report_builds) AS reports_built_at,
        o.cafe24_through,
        o.infobank_through,
        CAST($publish_digest AS VARCHAR) AS publish_digest,
        CASE
            WHEN list_contains(CAST($partitioned AS VARCHAR[]), t.table_name)
                THEN coalesce(m.months, CAST([] AS STRUCT(month DATE, row_count BIGINT)[]))
        END AS months
    FROM published_tables AS t
    LEFT JOIN latest_outcomes AS o ON true
    LEFT JOIN table_months AS m USING (table_name)
) TO $path (FORMAT parquet, COMPRESSION zstd);
