-- The months whose rows changed since the previous version of the copy: the month files a publish writes
-- again (the others it links from that version). The warehouse records what changed: every outcome build the
-- days it touched, old and new (outcome_changed_days), every report build the days it rebuilt
-- (report_day_builds; built_at NULL means unknown, so changed).
-- $outcomes_since, $reports_since: the builds the previous version holds (NULL: none).
-- $report_tables: the report tables, which a report build rebuilds together.
WITH outcome_days AS (
    SELECT DISTINCT activity_date
    FROM outcome_changed_days
    WHERE built_at > coalesce(CAST($outcomes_since AS TIMESTAMPTZ), '-infinity'::TIMESTAMPTZ)
),

report_days AS (
    SELECT activity_date
    FROM report_day_builds
    WHERE
        built_at IS NULL
        OR built_at > coalesce(CAST($reports_since AS TIMESTAMPTZ), '-infinity'::TIMESTAMPTZ)
),

changed AS (
    SELECT 'delivery_outcomes' AS table_name, activity_date FROM outcome_days
    UNION ALL
    SELECT unnest(CAST($report_tables AS VARCHAR[])) AS table_name, activity_date FROM report_days
)

SELECT DISTINCT table_name, (date_trunc('month', activity_date))::DATE AS month
FROM changed
ORDER BY table_name, month;
