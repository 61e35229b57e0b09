-- Benchmark figure (bench/large_warehouse.py): the warehouse file's size as DuckDB accounts for it.
SELECT database_size, used_blocks, total_blocks, wal_size FROM pragma_database_size();
