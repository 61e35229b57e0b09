-- Window reads whose records are not each accounted for exactly once (should be none).
SELECT fetch_id, message_type, window_first_day, window_last_day, rows_read,
       rows_new + rows_updated + rows_unchanged + rows_quarantined AS rows_accounted
FROM cafe24_fetches
WHERE rows_read <> rows_new + rows_updated + rows_unchanged + rows_quarantined;
