-- Record that a window read completed, with what it read and did. Parameters: $fetch_id, $account,
-- $message_type, $first_day, $last_day, $requests, $pages, $rereads.
INSERT INTO cafe24_fetches
WITH record_counts AS (
    SELECT
        count(*) AS rows_read,
        count(*) FILTER (WHERE reject_reason IS NOT NULL) AS rows_quarantined,
        count(*) FILTER (
            WHERE reject_reason IS NULL AND rid NOT IN (SELECT rid FROM int_cafe24_matches)
        ) AS rows_new,
        count(*) FILTER (
            WHERE reject_reason IS NULL AND NOT activity_date BETWEEN $first_day AND $last_day
        ) AS rows_outside_window
    FROM stg_cafe24_listed_records
),

change_counts AS (
    SELECT
        count(*) FILTER (WHERE changed) AS rows_updated,
        count(*) FILTER (WHERE NOT changed) AS rows_unchanged,
        count(*) FILTER (WHERE regression_ignored) AS final_regressions_ignored
    FROM int_cafe24_changes
)

SELECT
    $fetch_id AS fetch_id,
    $account AS account,
    $message_type AS message_type,
    $first_day AS window_first_day,
    $last_day AS window_last_day,
    now() AS completed_at,
    $requests AS requests,
    $pages AS pages,
    $rereads AS rereads,
    record_counts.rows_read,
    record_counts.rows_new,
    change_counts.rows_updated,
    change_counts.rows_unchanged,
    record_counts.rows_quarantined,
    record_counts.rows_outside_window,
    change_counts.final_regressions_ignored
FROM record_counts, change_counts;
