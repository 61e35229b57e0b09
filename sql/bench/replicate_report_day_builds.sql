-- Benchmark history (bench/large_warehouse.py): the copied days as built by the first load's report build,
-- each with a build of its own. Their exports are not copied: the first run after the copies writes their
-- files.
INSERT INTO report_day_builds
SELECT
    * EXCLUDE (k) REPLACE (
        activity_date - CAST(k * $shift_days AS INTEGER) AS activity_date,
        gen_random_uuid() AS build_id
    )
FROM report_day_builds
CROSS JOIN range(1, $copies + 1) AS copies (k);
