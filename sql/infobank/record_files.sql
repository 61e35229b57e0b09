-- Finish a load, in its transaction: what it read per file, how far each file is read now, what it could not
-- read, and the load itself (even one that found nothing new: the run's checks judge it).
-- Inputs: the temp table infobank_load_spans; the registered views infobank_read_files(file_id, source_file,
-- size_bytes, modified_at, modified_ns, inode, bytes_consumed, lines_consumed, head_bytes, head_sha256,
-- tail_sha256), one row per file planned, and infobank_problems(source_file, problem); $load_id,
-- $started_at, $files_seen.

INSERT INTO infobank_file_loads (
    load_id, source_file, from_line, lines_read, reports_accepted, retries, quarantined, blank_lines,
    loaded_at, file_id
)
WITH spans AS (
    SELECT
        file_id,
        min(from_line) AS from_line,
        sum(lines_read) AS lines_read,
        sum(reports_accepted) AS reports_accepted,
        sum(retries) AS retries,
        sum(quarantined) AS quarantined,
        sum(blank_lines) AS blank_lines
    FROM infobank_load_spans
    GROUP BY file_id
)
-- Every file planned gets a row, one with no new line too: its new modification time can move the day of
-- its reports that carry no received_at, so delivery_outcomes looks at them again.
SELECT
    $load_id,
    f.source_file,
    coalesce(s.from_line, f.lines_consumed + 1),
    coalesce(s.lines_read, 0),
    coalesce(s.reports_accepted, 0),
    coalesce(s.retries, 0),
    coalesce(s.quarantined, 0),
    coalesce(s.blank_lines, 0),
    now(),
    f.file_id
FROM infobank_read_files AS f
LEFT JOIN spans AS s USING (file_id);

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

INSERT INTO infobank_file_problems (load_id, source_file, problem)
SELECT $load_id, source_file, problem FROM infobank_problems;

INSERT INTO infobank_loads
SELECT
    $load_id,
    $started_at,
    now(),
    $files_seen,
    (SELECT count(*) FROM infobank_file_loads WHERE load_id = $load_id AND lines_read > 0),
    (SELECT coalesce(sum(lines_read), 0) FROM infobank_file_loads WHERE load_id = $load_id),
    (SELECT coalesce(sum(quarantined), 0) FROM infobank_file_loads WHERE load_id = $load_id),
    (SELECT coalesce(sum(blank_lines), 0) FROM infobank_file_loads WHERE load_id = $load_id),
    (SELECT count(*) FROM infobank_problems);

DROP TABLE infobank_load_spans;
