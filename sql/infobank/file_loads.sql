-- What one load read, file by file.
SELECT * FROM infobank_file_loads
WHERE load_id = $load_id
ORDER BY source_file;
