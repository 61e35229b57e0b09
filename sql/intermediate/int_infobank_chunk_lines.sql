-- Every line of the chunk with the file it came from and its line number there (a view: read by the writes
-- of a load, never copied).
SELECT
    lines.*,
    lines.rowid AS line_rowid,
    files.file_id,
    files.source_file,
    files.modified_at AS file_modified_at,
    files.name_rank,
    files.first_line + lines.rowid - files.first_rowid AS line_number
FROM stg_infobank_lines AS lines
INNER JOIN int_infobank_chunk_files AS files USING (file_number)
