-- Record what a load read, per file planned (infobank_load_spans added up per file).
-- Inputs: the temp table infobank_load_spans; the registered view infobank_read_files (one row per file
-- planned, pipelines/infobank/ingest.py); $load_id.
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
