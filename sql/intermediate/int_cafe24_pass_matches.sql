-- The pairs one pass ($pass, 1 to 4) adds to int_cafe24_matches, between listed records and stored messages
-- of the same identity that no earlier pass paired. Identical records cannot be told apart, so pairing
-- follows how a message may change, most specific first:
--   1. same status and refund (nothing changed);
--   2. a refund appeared on a message of the same status;
--   3. a pending message (1/2) became final (3/9);
--   4. whatever is left, pairwise (the apply step keeps a stored final status).
-- Within a class, records pair by listing order and stored rows by ordinal. A record left unpaired after
-- pass 4 is a new message. This keeps re-reads from adding rows and from swapping outcomes between
-- identical messages.
WITH open_records AS (
    SELECT
        rid,
        identity_key,
        cafe24_match_class($pass, send_status, refund_date) AS match_class
    FROM stg_cafe24_listed_records
    WHERE
        reject_reason IS NULL
        AND rid NOT IN (SELECT rid FROM int_cafe24_matches)
        AND CASE $pass
            WHEN 2 THEN refund_date IS NOT NULL
            WHEN 3 THEN cafe24_is_final(send_status)
            ELSE true
        END
),

open_stored AS (
    SELECT
        message_key,
        identity_key,
        ordinal,
        cafe24_match_class($pass, send_status, refund_date) AS match_class
    FROM cafe24_candidates
    WHERE
        message_key NOT IN (SELECT message_key FROM int_cafe24_matches)
        AND CASE $pass
            WHEN 2 THEN refund_date IS NULL
            WHEN 3 THEN NOT is_final
            ELSE true
        END
),

ranked_records AS (
    SELECT
        rid,
        identity_key,
        match_class,
        row_number() OVER (PARTITION BY identity_key, match_class ORDER BY rid) AS pair_rank
    FROM open_records
),

ranked_stored AS (
    SELECT
        message_key,
        identity_key,
        match_class,
        row_number() OVER (PARTITION BY identity_key, match_class ORDER BY ordinal) AS pair_rank
    FROM open_stored
)

SELECT
    ranked_records.rid,
    ranked_stored.message_key
FROM ranked_records
INNER JOIN ranked_stored USING (identity_key, match_class, pair_rank)
