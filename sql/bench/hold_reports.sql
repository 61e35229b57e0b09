-- Benchmark floor: every stored Infobank report in memory, to be written again by bench/copy_reports.
CREATE OR REPLACE TEMP TABLE bench_reports_held AS FROM infobank_reports;
