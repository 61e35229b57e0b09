-- Open the new analytics file at $path (a temporary name beside analytics.duckdb) as analytics_next.
-- Storage version 1.0: the file holds only views, so the older format costs nothing, and analysts whose
-- DuckDB CLI or Python package is 1.x can open it (1.x cannot read DuckDB 2's default storage format).
ATTACH $path AS analytics_next (STORAGE_VERSION 'v1.0.0');
