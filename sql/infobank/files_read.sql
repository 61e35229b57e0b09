-- How far each stored report file has been read.
SELECT source_file, size_bytes, lines_consumed FROM infobank_files;
