-- The days this build's outcome checks look at: those it changed, before or after (writes/outcome_changed_days).
-- Parameters: $now (the build).
DELETE FROM outcome_check_days;

INSERT INTO outcome_check_days
SELECT DISTINCT activity_date FROM outcome_changed_days
WHERE built_at = $now;
