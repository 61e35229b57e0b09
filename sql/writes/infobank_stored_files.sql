-- How far each file planned is read now, and the content identity it is known by (a file read before keeps
-- its file_id and first_loaded_at). Input: the registered view infobank_read_files.
INSERT INTO infobank_stored_files
SELECT
    file_id, source_file, size_bytes, modified_at, modified_ns, inode, bytes_consumed, lines_consumed,
    head_bytes, head_sha256, tail_sha256, now(), now()
FROM infobank_read_files
ON CONFLICT (file_id) DO UPDATE SET
    source_file = excluded.source_file,
    size_bytes = excluded.size_bytes,
    modified_at = excluded.modified_at,
    modified_ns = excluded.modified_ns,
    inode = excluded.inode,
    bytes_consumed = excluded.bytes_consumed,
    lines_consumed = excluded.lines_consumed,
    head_bytes = excluded.head_bytes,
    head_sha256 = excluded.head_sha256,
    tail_sha256 = excluded.tail_sha256,
    last_loaded_at = excluded.last_loaded_at;
