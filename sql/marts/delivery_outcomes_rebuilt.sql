-- The new rows of delivery_outcomes for the recomputed messages: an unmapped code or an overdue message is
-- unknown and final, with the reason why.
SELECT
    message_key,
    vendor,
    account,
    vendor_message_id,
    message_type,
    send_mode,
    sender,
    recipient,
    carrier,
    sent_at,
    delivered_at,
    activity_date,
    CASE WHEN unmapped OR overdue THEN 'unknown' ELSE status END AS status,
    CASE WHEN unmapped OR overdue THEN true ELSE is_final END AS is_final,
    CASE
        WHEN unmapped THEN 'unmapped_code'
        WHEN overdue THEN 'no_final_report'
        ELSE reason
    END AS reason,
    failure_class,
    retryable,
    vendor_status,
    vendor_status_text,
    billed_units,
    refunded_at,
    report_count,
    has_conflict
FROM int_outcomes_judged
