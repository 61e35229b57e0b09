-- The chunk's lines are in the warehouse now: free their memory before the next chunk.
DROP VIEW int_infobank_chunk_reports;
DROP VIEW int_infobank_chunk_lines;
DROP TABLE int_infobank_chunk_files;
DROP TABLE stg_infobank_lines;
