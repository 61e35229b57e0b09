-- Write everything into the new analytics file itself (no WAL left beside it) and close it, so that it can
-- be renamed onto analytics.duckdb.
CHECKPOINT analytics_next;
DETACH analytics_next;
