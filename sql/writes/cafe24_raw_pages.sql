-- Archive a read's pages exactly as received. Parameters: $fetch_id.
INSERT INTO cafe24_raw_pages
SELECT
    $fetch_id AS fetch_id,
    start_no,
    request_fields,
    fetched_at,
    body,
    body_sha256
FROM cafe24_listed_pages;
