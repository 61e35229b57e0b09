-- The files the latest Infobank load could not read or refused, with the reason.
SELECT source_file, problem
FROM infobank_file_problems
WHERE
    load_id = (
        SELECT load_id FROM infobank_loads
        ORDER BY finished_at DESC LIMIT 1
    )
ORDER BY source_file;
