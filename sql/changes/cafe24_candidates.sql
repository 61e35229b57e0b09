-- The stored messages that share an identity with a usable listed record: the only rows a read can touch.
SELECT
    message_key,
    identity_key,
    ordinal,
    send_status,
    is_final,
    refund_date,
    refunded_at,
    reg_date
FROM cafe24_messages
WHERE identity_key IN (
    SELECT identity_key FROM stg_cafe24_listed_records
    WHERE reject_reason IS NULL
)
