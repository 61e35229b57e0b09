-- Benchmark floor: write every stored Infobank report again into an empty table of the same shape (the
-- INSERT of the ingestion without reading, parsing or deduplicating anything). The rows come from an
-- in-memory copy made beforehand (bench/hold_reports), so only the write is timed; the caller commits it
-- and drops both copies after (bench/drop_copies).
CREATE OR REPLACE TABLE bench_reports_copy AS FROM infobank_reports LIMIT 0;
INSERT INTO bench_reports_copy FROM bench_reports_held;
