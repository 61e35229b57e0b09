-- The Cafe24 messages this build recomputes, in the shape of delivery_outcomes, with the code dictionary's
-- reading of their send status (NULL status: a code the dictionary does not know).
SELECT
    messages.message_key,
    'cafe24' AS vendor,
    messages.account,
    NULL AS vendor_message_id,
    messages.message_type,
    messages.send_mode,
    nullif(messages.sender, '') AS sender,
    -- Cafe24 lists domestic numbers (010-...): Korean, country code 82.
    e164(messages.recipient, CASE WHEN messages.recipient LIKE '0%' THEN '82' END) AS recipient,
    NULL AS carrier,
    messages.sent_at,
    NULL::TIMESTAMPTZ AS delivered_at,
    messages.activity_date,
    codes.status,
    codes.is_final,
    codes.reason,
    codes.failure_class,
    codes.retryable,
    (messages.send_status)::VARCHAR AS vendor_status,
    codes.description_ko AS vendor_status_text,
    1 AS billed_units,
    messages.refunded_at,
    1 AS report_count,
    false AS has_conflict
FROM cafe24_messages AS messages
LEFT JOIN status_codes AS codes
    ON
        codes.vendor = 'cafe24'
        AND codes.code_kind = 'send_status'
        AND codes.code = (messages.send_status)::VARCHAR
WHERE messages.message_key IN (SELECT message_key FROM outcome_keys)
