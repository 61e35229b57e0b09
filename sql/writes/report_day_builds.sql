-- The days this report build rebuilt (changes/report_days) have new figures, built as of $now with the
-- settle window $settle_hours: their exported files are now older than the figures.
INSERT OR REPLACE INTO report_day_builds (activity_date, build_id, built_at, settle_hours)
SELECT
    activity_date,
    gen_random_uuid() AS build_id,
    $now AS built_at,
    $settle_hours AS settle_hours
FROM report_days;
