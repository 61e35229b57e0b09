-- The recomputed messages of both vendors, each judged against the two rules that override a vendor's word:
-- a code the dictionary does not know (unmapped), and a message still in flight after its settle window
-- closed (overdue). Parameters: $settle_hours, $now.
WITH outcomes AS (
    SELECT * FROM stg_cafe24_outcomes
    UNION ALL BY NAME
    SELECT * FROM stg_infobank_outcomes
)

SELECT
    *,
    status IS NULL AS unmapped,
    is_overdue(status, activity_date, $settle_hours, $now) AS overdue
FROM outcomes
