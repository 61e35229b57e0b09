-- Keep the chunk's lines that cannot be reports, as read, with the reason, as part of load $load_id.
INSERT INTO infobank_quarantine (source_file, line_number, raw, reason, load_id, file_id)
SELECT
    source_file,
    line_number,
    raw,
    reject_reason,
    $load_id AS load_id,
    file_id
FROM int_infobank_chunk_lines
WHERE reject_reason IS NOT NULL;
