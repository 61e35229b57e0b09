-- The usable listed records no pass paired: new messages, numbered after the ordinals already stored for
-- their identity (identical messages are told apart by their ordinal). Parameters: $fetch_id.
WITH stored_ordinals AS (
    SELECT
        identity_key,
        max(ordinal) AS max_ordinal
    FROM cafe24_candidates
    GROUP BY identity_key
),

numbered AS (
    SELECT
        listed.*,
        coalesce(stored_ordinals.max_ordinal, -1)
        + row_number() OVER (PARTITION BY listed.identity_key ORDER BY listed.rid) AS ordinal
    FROM stg_cafe24_listed_records AS listed
    LEFT JOIN stored_ordinals USING (identity_key)
    WHERE listed.reject_reason IS NULL AND listed.rid NOT IN (SELECT rid FROM int_cafe24_matches)
)

SELECT
    cafe24_message_key(identity_key, ordinal) AS message_key,
    identity_key,
    ordinal,
    account,
    message_type,
    send_type,
    send_mode,
    send_phone,
    receive_phone,
    sender,
    recipient,
    subject,
    msg,
    send_date_time,
    sent_at,
    activity_date,
    reg_date,
    send_status,
    cafe24_is_final(send_status) AS is_final,
    refund_date,
    refunded_at,
    $fetch_id AS first_fetch_id,
    $fetch_id AS last_change_fetch_id
FROM numbered
