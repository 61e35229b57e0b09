-- Record the load itself, even one that found nothing new: the run's checks judge it.
-- Parameters: $load_id, $started_at, $files_seen (written after infobank_file_loads, which it adds up).
INSERT INTO infobank_loads
SELECT
    $load_id,
    $started_at,
    now(),
    $files_seen,
    (
        SELECT count(*) FROM infobank_file_loads
        WHERE load_id = $load_id AND lines_read > 0
    ),
    (
        SELECT coalesce(sum(lines_read), 0) FROM infobank_file_loads
        WHERE load_id = $load_id
    ),
    (
        SELECT coalesce(sum(quarantined), 0) FROM infobank_file_loads
        WHERE load_id = $load_id
    ),
    (
        SELECT coalesce(sum(blank_lines), 0) FROM infobank_file_loads
        WHERE load_id = $load_id
    ),
    (SELECT count(*) FROM infobank_problems);
