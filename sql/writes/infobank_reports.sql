-- Store the chunk's reports, originals and retries, as part of load $load_id.
INSERT INTO infobank_reports (
    source_file, line_number, received_at, msgid, to_number, to_country, ref, network, carrier, err_code,
    rescnt, sent_date, sent_at, rslt_type, is_final, report_fingerprint, is_retry, known_code, known_network,
    file_id, load_id
)
SELECT
    *,
    $load_id AS load_id
FROM int_infobank_chunk_reports;
