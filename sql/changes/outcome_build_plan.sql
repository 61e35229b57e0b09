-- What the outcome build must cover (one row): everything when it is the first build or the code dictionary
-- or the settle window changed since the last one, otherwise what the ingestion wrote since then and the
-- days whose settle window may have closed since.
-- Parameters: $settle_hours.
-- The previous build: the one that ran last, by the wall clock (built_at is a judgement moment a caller may
-- set back); builds recorded before recorded_at existed, by built_at.
WITH previous AS (
    SELECT * FROM outcome_builds
    ORDER BY recorded_at DESC NULLS LAST, built_at DESC
    LIMIT 1
),

dictionary AS (
    SELECT
        md5(string_agg(
            concat_ws(
                '|', vendor, code_kind, code, status, is_final, reason, failure_class, retryable,
                description_ko
            ),
            chr(10) ORDER BY vendor, code_kind, code
        )) AS digest
    FROM status_codes
)

SELECT
    dictionary.digest AS dictionary_digest,
    (SELECT max(completed_at) FROM cafe24_fetches) AS cafe24_through,
    (SELECT max(loaded_at) FROM infobank_file_loads) AS infobank_through,
    previous.built_at IS NULL
    OR previous.settle_hours <> $settle_hours
    OR previous.dictionary_digest <> dictionary.digest AS full_rebuild,
    coalesce(previous.cafe24_through, '-infinity'::TIMESTAMPTZ) AS cafe24_since,
    coalesce(previous.infobank_through, '-infinity'::TIMESTAMPTZ) AS infobank_since,
    -- The earliest day a message can still be in flight after the previous build: it judged every message
    -- whose settle window had closed by its built_at (is_overdue), so only days whose window closed since
    -- can hold one that is overdue now. Two days below the bound absorb the time zone of the cast.
    coalesce(
        (previous.built_at - to_hours(previous.settle_hours::BIGINT))::DATE - 2,
        '-infinity'::DATE
    ) AS overdue_from
FROM dictionary
LEFT JOIN previous ON true
