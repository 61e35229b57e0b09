-- Whether the builds a previous version holds ($outcomes_built_at, $reports_built_at; NULL: none) are builds of
-- this warehouse: if not (the warehouse was rebuilt or replaced), its changes cannot be counted from them.
SELECT
    (
        CAST($outcomes_built_at AS TIMESTAMPTZ) IS NULL
        OR CAST($outcomes_built_at AS TIMESTAMPTZ) IN (SELECT built_at FROM outcome_builds)
    )
    AND (
        CAST($reports_built_at AS TIMESTAMPTZ) IS NULL
        OR CAST($reports_built_at AS TIMESTAMPTZ) IN (SELECT built_at FROM report_builds)
    );
