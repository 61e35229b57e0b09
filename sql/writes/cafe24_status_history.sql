-- Record every change a read made to a stored message's status or refund. Parameters: $fetch_id.
INSERT INTO cafe24_status_history
SELECT
    message_key,
    $fetch_id AS fetch_id,
    old_status,
    new_status,
    old_refund_date,
    new_refund_date
FROM int_cafe24_changes
WHERE changed;
