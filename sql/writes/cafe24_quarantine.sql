-- Keep the unusable records of a read, as received, with the reason. Parameters: $fetch_id.
INSERT INTO cafe24_quarantine
SELECT
    $fetch_id AS fetch_id,
    record,
    reject_reason
FROM stg_cafe24_listed_records
WHERE reject_reason IS NOT NULL;
