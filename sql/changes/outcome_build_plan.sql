-- What the outcome build must cover (one row): everything when it is the first build or the code dictionary
-- or the settle window changed since the last one, otherwise what the ingestion wrote since then.
-- Parameters: $settle_hours.
WITH previous AS (
    SELECT * FROM outcome_builds
    ORDER BY built_at DESC
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
    coalesce(previous.infobank_through, '-infinity'::TIMESTAMPTZ) AS infobank_since
FROM dictionary
LEFT JOIN previous ON true
