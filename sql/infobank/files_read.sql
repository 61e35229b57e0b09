-- Every stored file read so far, as infobank_stored_files knows it, oldest read first (so that a name's
-- latest identity comes last).
SELECT
    file_id, source_file, size_bytes, modified_ns, inode, bytes_consumed, lines_consumed, head_sha256,
    head_bytes, tail_sha256
FROM infobank_stored_files
ORDER BY last_loaded_at, first_loaded_at;
