-- Apply a read to cafe24_messages: the paired messages that changed take their new status, refund and
-- regDate; the new messages are added. Parameters: $fetch_id.
UPDATE cafe24_messages AS target
SET
    send_status = changes.new_status,
    is_final = cafe24_is_final(changes.new_status),
    refund_date = changes.new_refund_date,
    refunded_at = changes.new_refunded_at,
    reg_date = changes.new_reg_date,
    last_change_fetch_id = $fetch_id
FROM int_cafe24_changes AS changes
WHERE
    target.message_key = changes.message_key
    AND (changes.changed OR changes.new_reg_date IS DISTINCT FROM changes.old_reg_date);

INSERT INTO cafe24_messages BY NAME
SELECT * FROM int_cafe24_new_messages;
