-- The Infobank messages this build recomputes (the message rule over changes/outcome_infobank_reports), in
-- the shape of delivery_outcomes: a message without a final report is pending, whatever its latest DLR says.
SELECT
    infobank_message_key(messages.msgid) AS message_key,
    'infobank' AS vendor,
    NULL AS account,
    messages.msgid AS vendor_message_id,
    NULL AS message_type,
    NULL AS send_mode,
    NULL AS sender,
    e164(regexp_replace(messages.to_number, '[^0-9]', '', 'g'), messages.to_country) AS recipient,
    messages.carrier,
    NULL::TIMESTAMPTZ AS sent_at,
    CASE WHEN codes.status = 'delivered' THEN messages.delivered_at END AS delivered_at,
    messages.activity_date,
    CASE WHEN messages.has_final THEN codes.status ELSE 'pending' END AS status,
    CASE WHEN messages.has_final THEN codes.is_final ELSE false END AS is_final,
    CASE WHEN messages.has_final THEN codes.reason ELSE 'accepted' END AS reason,
    CASE WHEN messages.has_final THEN codes.failure_class END AS failure_class,
    CASE WHEN messages.has_final THEN codes.retryable END AS retryable,
    messages.err_code AS vendor_status,
    codes.description_ko AS vendor_status_text,
    messages.billed_units,
    NULL::TIMESTAMPTZ AS refunded_at,
    messages.report_count,
    messages.has_conflict
FROM infobank_messages_of('outcome_infobank_reports') AS messages
LEFT JOIN status_codes AS codes
    ON codes.vendor = 'infobank' AND codes.code_kind = 'report' AND messages.err_code = codes.code
