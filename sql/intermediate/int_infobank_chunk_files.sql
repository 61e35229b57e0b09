-- Each copy of the chunk with its first row in stg_infobank_lines, its line count checked against the count
-- taken while it was written: a line DuckDB split or merged fails the load rather than shift every line
-- number after it. Line numbers need each copy's lines together and in order: lines that are not together
-- fail the load too.
-- Inputs: the registered view infobank_batch(path, file_id, source_file, first_line, expected_lines,
-- modified_at, name_rank), one row per copy; $paths (the same paths, in batch order).
WITH spans AS (
    SELECT
        file_number,
        min(rowid) AS first_rowid,
        max(rowid) AS last_rowid,
        count(*) AS lines_in_file
    FROM stg_infobank_lines
    GROUP BY file_number
)

SELECT
    list_position($paths, batch.path) AS file_number,
    batch.file_id,
    batch.source_file,
    batch.modified_at,
    batch.first_line,
    batch.expected_lines,
    batch.name_rank,
    coalesce(spans.first_rowid, 0) AS first_rowid,
    CASE
        WHEN coalesce(spans.lines_in_file, 0) <> batch.expected_lines
            THEN error(
                'Infobank ingestion: ' || batch.source_file || ' from line ' || batch.first_line
                || ': DuckDB read ' || coalesce(spans.lines_in_file, 0) || ' lines where '
                || batch.expected_lines || ' were written'
            )
        WHEN spans.last_rowid - spans.first_rowid + 1 <> spans.lines_in_file
            THEN error('Infobank ingestion: DuckDB did not return the lines of ' || batch.source_file || ' in order')
    END AS verified
FROM infobank_batch AS batch
LEFT JOIN spans ON list_position($paths, batch.path) = spans.file_number
