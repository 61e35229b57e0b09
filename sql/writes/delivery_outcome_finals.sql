-- Remember the first final status of each recomputed message that is final now (never overwritten: the
-- checks prove later builds do not take it back). Parameters: $now (the build).
INSERT INTO delivery_outcome_finals
SELECT
    message_key,
    status,
    $now AS first_final_build
FROM delivery_outcomes_rebuilt
WHERE is_final
ON CONFLICT (message_key) DO NOTHING;
