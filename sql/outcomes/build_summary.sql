-- What the outcome build did, per vendor: messages held, unknowns among them, messages it recomputed (the
-- rows it wrote, marts/delivery_outcomes_rebuilt: counting them in delivery_outcomes would read every key).
WITH held AS (
    SELECT
        vendor,
        count(*) AS messages,
        count(*) FILTER (WHERE status = 'unknown') AS unknown
    FROM delivery_outcomes
    GROUP BY vendor
),

rebuilt AS (
    SELECT
        vendor,
        count(*) AS messages
    FROM delivery_outcomes_rebuilt
    GROUP BY vendor
)

SELECT
    held.vendor,
    held.messages,
    held.unknown,
    coalesce(rebuilt.messages, 0) AS rebuilt,
    (SELECT full_rebuild FROM outcome_build_plan) AS full_rebuild
FROM held
LEFT JOIN rebuilt ON held.vendor = rebuilt.vendor
ORDER BY held.vendor
