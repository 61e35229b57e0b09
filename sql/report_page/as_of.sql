-- What the report tables are as of: the latest report build and the settle window of the latest outcome
-- build, so a page written next to the exported tables uses the cut-off they were built with.
SELECT
    (SELECT max(built_at) FROM report_builds) AS built_at,
    (
        SELECT settle_hours FROM outcome_builds
        ORDER BY built_at DESC LIMIT 1
    ) AS settle_hours;
