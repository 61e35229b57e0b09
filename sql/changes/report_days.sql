-- The KST days the report build rebuilds (reads changes/price_book_version): the days whose outcomes changed
-- since the last report build, the days whose settle window closed since then (refund_missing depends on
-- it), and every reported day when the price book changed. Days already reported are read from one small
-- table, not from every outcome. Parameters: $settle_hours, $now.
WITH last_build AS (
    SELECT
        outcomes_through,
        built_at,
        price_book_digest
    FROM report_builds
    ORDER BY built_at DESC
    LIMIT 1
)

SELECT DISTINCT activity_date
FROM outcome_changed_days
WHERE built_at > coalesce((SELECT outcomes_through FROM last_build), '-infinity'::TIMESTAMPTZ)
UNION
SELECT DISTINCT activity_date
FROM report_delivery_daily
WHERE
    settles_at(activity_date, $settle_hours)
    BETWEEN coalesce((SELECT built_at FROM last_build), '-infinity'::TIMESTAMPTZ) AND $now
UNION
SELECT DISTINCT activity_date
FROM report_delivery_daily
WHERE
    EXISTS (SELECT 1 FROM last_build)
    AND (SELECT price_book_digest FROM last_build) IS DISTINCT FROM (SELECT digest FROM price_book_version)
