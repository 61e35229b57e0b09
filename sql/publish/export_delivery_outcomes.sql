-- One month of delivery_outcomes for the published copy, as one Parquet file at $path; returns the rows
-- written. $month is the month's first day; a NULL $month writes no rows (the file that gives an empty table
-- its columns). Phone numbers never leave the warehouse unmasked: recipient and sender go through mask_phone
-- (sql/schema/060_masking.sql). Sorted by day, so a reader filtering on activity_date skips row groups.
COPY (
    SELECT * REPLACE (mask_phone(recipient) AS recipient, mask_phone(sender) AS sender)
    FROM delivery_outcomes
    WHERE activity_date >= CAST($month AS DATE)
      AND activity_date < CAST($month AS DATE) + INTERVAL 1 MONTH
    ORDER BY activity_date, vendor, message_key
) TO $path (FORMAT parquet, COMPRESSION zstd);
