-- One published table exactly as the warehouse holds it, as one Parquet file at $path; returns the rows
-- written. Only for tables without phone numbers (the report tables, the code dictionaries).
COPY (SELECT * FROM query_table($table) ORDER BY ALL) TO $path (FORMAT parquet, COMPRESSION zstd);
