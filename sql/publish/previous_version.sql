-- What a previous version holds, from its published.parquet at $path: per table its rows and, for a table
-- published by month, its month files; the builds it holds and the digest of its shape.
SELECT table_name, row_count, months, outcomes_built_at, reports_built_at, publish_digest
FROM read_parquet($path);
