DROP TABLE IF EXISTS bench_reports_copy;
DROP TABLE IF EXISTS bench_reports_held;
