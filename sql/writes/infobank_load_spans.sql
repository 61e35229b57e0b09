-- Tally what each copy's lines became (the load's temp table, added up per file at the end of the load by
-- sql/writes/infobank_file_loads.sql). Parameters: $load_id.
INSERT INTO infobank_load_spans
WITH line_counts AS (
    SELECT
        file_number,
        count(*) AS lines_read,
        count(*) FILTER (WHERE reject_reason IS NOT NULL) AS quarantined,
        count(*) FILTER (WHERE is_blank) AS blank_lines
    FROM int_infobank_chunk_lines
    GROUP BY file_number
),

report_counts AS (
    SELECT
        files.file_number,
        count(*) FILTER (WHERE NOT reports.is_retry) AS accepted,
        count(*) FILTER (WHERE reports.is_retry) AS retries
    FROM infobank_reports AS reports
    INNER JOIN int_infobank_chunk_files AS files
        ON
            reports.file_id = files.file_id
            AND reports.line_number >= files.first_line
            AND reports.line_number < files.first_line + files.expected_lines
    WHERE reports.load_id = $load_id
    GROUP BY files.file_number
)

SELECT
    files.file_id,
    files.source_file,
    files.first_line,
    coalesce(line_counts.lines_read, 0) AS lines_read,
    coalesce(report_counts.accepted, 0) AS reports_accepted,
    coalesce(report_counts.retries, 0) AS retries,
    coalesce(line_counts.quarantined, 0) AS quarantined,
    coalesce(line_counts.blank_lines, 0) AS blank_lines
FROM int_infobank_chunk_files AS files
LEFT JOIN line_counts USING (file_number)
LEFT JOIN report_counts USING (file_number);
