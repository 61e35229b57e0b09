-- The days the report build in this transaction rebuilt (its temp table report_days) have new figures, built
-- as of $now with the settle window $settle_hours: their exported files are now older than the figures.
INSERT OR REPLACE INTO report_day_builds (activity_date, build_id, built_at, settle_hours)
SELECT activity_date, gen_random_uuid(), $now, $settle_hours
FROM report_days;
