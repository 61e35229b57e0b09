-- Benchmark floor: read every line of the given plain files and nothing else (the read of the Infobank
-- ingestion, sql/staging/stg_infobank_lines.sql, without any parsing). Input: $paths.
SELECT count(*) AS lines, sum(strlen(line)) AS bytes
FROM read_csv(
    $paths, columns = { 'line': 'VARCHAR' }, delim = chr(0), quote = '', escape = '',
    header = false, auto_detect = false, strict_mode = false, filename = true
);
