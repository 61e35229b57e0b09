-- Message keys held by more than one delivery_outcomes row (should be none): how many and the first keys.
-- delivery_outcomes has no key constraint, so this can happen (a build inserting a message twice).
WITH findings AS (
    SELECT
        'message keys held by more than one outcome row' AS problem,
        message_key || ' (' || count(*) || ' rows)' AS example
    FROM delivery_outcomes
    -- A key held twice includes a row some build wrote: the latest build's keys, unless $whole.
    WHERE in_outcome_check_scope(message_key, activity_date, $whole)
    GROUP BY message_key
    HAVING count(*) > 1
)

SELECT problem, count(*) AS offending, list(example ORDER BY example)[1:5] AS examples
FROM findings
GROUP BY problem
ORDER BY problem;
