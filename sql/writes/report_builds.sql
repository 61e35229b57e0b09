-- Record this report build: the outcome builds it included and the price book it priced with.
-- Parameters: $now.
INSERT INTO report_builds (built_at, outcomes_through, days_rebuilt, price_book_digest)
SELECT
    $now AS built_at,
    (SELECT max(built_at) FROM outcome_builds) AS outcomes_through,
    (SELECT count(*) FROM report_days) AS days_rebuilt,
    digest AS price_book_digest
FROM price_book_version;
