-- Record the days the recomputed messages counted for, before this build and after it: the days the daily
-- reports must rebuild. Parameters: $now (the build).
INSERT INTO outcome_changed_days
SELECT DISTINCT
    $now AS built_at,
    vendor,
    activity_date
FROM (
    SELECT vendor, activity_date FROM delivery_outcomes
    WHERE message_key IN (SELECT message_key FROM outcome_keys)
    UNION ALL
    SELECT vendor, activity_date FROM delivery_outcomes_rebuilt
) AS days_before_and_after;
