-- Every file of $day is in place, written from the figures of report build $build_id, as of $exported_at.
INSERT OR REPLACE INTO report_day_exports (activity_date, build_id, exported_at)
VALUES ($day, $build_id, $exported_at);
