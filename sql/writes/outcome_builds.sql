-- Record this build: what it had seen, so the next one recomputes only what changed since.
-- Parameters: $now, $settle_hours.
INSERT INTO outcome_builds BY NAME
SELECT
    $now AS built_at,
    get_current_timestamp() AS recorded_at,
    cafe24_through,
    infobank_through,
    $settle_hours AS settle_hours,
    dictionary_digest,
    full_rebuild,
    (SELECT count(*) FROM outcome_keys) AS messages_rebuilt
FROM outcome_build_plan;
