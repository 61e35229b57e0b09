-- delivery_outcomes rows whose status or vendor is outside the canonical set (should be none): per problem,
-- how many and the first keys with the value found; the rows the latest build wrote, or every row when $whole.
WITH findings AS (
    SELECT
        'outcomes whose status is not canonical' AS problem,
        message_key || ' (' || coalesce('''' || status || '''', 'NULL') || ')' AS example
    FROM delivery_outcomes
    WHERE
        (
            status IS NULL
            OR status NOT IN ('delivered', 'undelivered', 'rejected', 'expired', 'pending', 'scheduled', 'unknown')
        )
        AND in_outcome_check_scope(message_key, activity_date, $whole)
    UNION ALL
    SELECT
        'outcomes whose vendor is neither cafe24 nor infobank',
        message_key || ' (' || coalesce('''' || vendor || '''', 'NULL') || ')'
    FROM delivery_outcomes
    WHERE
        (vendor IS NULL OR vendor NOT IN ('cafe24', 'infobank'))
        AND in_outcome_check_scope(message_key, activity_date, $whole)
)

SELECT problem, count(*) AS offending, list(example ORDER BY example)[1:5] AS examples
FROM findings
GROUP BY problem
ORDER BY problem;
