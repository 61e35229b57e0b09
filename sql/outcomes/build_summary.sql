-- What the outcome build did, per vendor: messages held, unknowns among them, messages it recomputed.
SELECT
    outcomes.vendor,
    count(*) AS messages,
    count(*) FILTER (WHERE outcomes.status = 'unknown') AS unknown,
    count(*) FILTER (WHERE outcomes.message_key IN (SELECT message_key FROM outcome_keys)) AS rebuilt,
    (SELECT full_rebuild FROM outcome_build_plan) AS full_rebuild
FROM delivery_outcomes AS outcomes
GROUP BY outcomes.vendor
ORDER BY outcomes.vendor
