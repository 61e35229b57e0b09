-- The copy's `published` table, as one Parquet file at $path: one row per published table with its row
-- count, the version and time of the publish, and the builds of delivery_outcomes and the reports it holds.
-- $table_names and $row_counts are parallel lists (unnest zips them).
COPY (
    WITH published_tables AS (
        SELECT
            unnest(CAST($table_names AS VARCHAR[])) AS table_name,
            unnest(CAST($row_counts AS BIGINT[])) AS row_count
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
        o.infobank_through
    FROM published_tables AS t
    LEFT JOIN latest_outcomes AS o ON true
) TO $path (FORMAT parquet, COMPRESSION zstd);
