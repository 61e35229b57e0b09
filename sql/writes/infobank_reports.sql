-- Store the chunk's reports, originals and retries, as part of load $load_id.
INSERT INTO infobank_reports BY NAME
SELECT
    *,
    $load_id AS load_id
FROM int_infobank_chunk_reports;
