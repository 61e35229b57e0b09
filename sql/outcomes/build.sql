-- Rebuild delivery_outcomes from the ingested tables and the code dictionary, as one statement set.
-- Parameters: $settle_hours (a message still pending this long after its activity day ends becomes
-- unknown / no_final_report), $now (the build time).

CREATE OR REPLACE TEMP MACRO e164(digits, country) AS
    CASE
        WHEN digits IS NULL OR digits = '' THEN NULL
        WHEN country IS NULL OR country = '' THEN digits
        WHEN country = '82' THEN '+82' || ltrim(digits, '0')
        ELSE '+' || country || digits
    END;

CREATE OR REPLACE TEMP TABLE outcome_rows AS
SELECT
    m.message_key,
    'cafe24' AS vendor,
    m.account,
    NULL AS vendor_message_id,
    m.message_type,
    m.send_mode,
    nullif(m.sender, '') AS sender,
    -- Cafe24 lists domestic numbers (010-...): Korean, country code 82.
    e164(m.recipient, CASE WHEN m.recipient LIKE '0%' THEN '82' END) AS recipient,
    NULL AS carrier,
    m.sent_at,
    NULL::TIMESTAMPTZ AS delivered_at,
    m.activity_date,
    c.status,
    c.is_final,
    c.reason,
    c.failure_class,
    c.retryable,
    CAST(m.send_status AS VARCHAR) AS vendor_status,
    c.description_ko AS vendor_status_text,
    1 AS billed_units,
    m.refunded_at,
    1 AS report_count,
    false AS has_conflict
FROM cafe24_messages AS m
LEFT JOIN status_codes AS c
    ON c.vendor = 'cafe24' AND c.code_kind = 'send_status' AND c.code = CAST(m.send_status AS VARCHAR)
UNION ALL
SELECT
    'ib-' || i.msgid,
    'infobank',
    NULL,
    i.msgid,
    NULL,
    NULL,
    NULL,
    e164(regexp_replace(i.to_number, '[^0-9]', '', 'g'), i.to_country),
    i.carrier,
    NULL,
    CASE WHEN c.status = 'delivered' THEN i.delivered_at END,
    i.activity_date,
    CASE WHEN i.has_final THEN c.status ELSE 'pending' END,
    CASE WHEN i.has_final THEN c.is_final ELSE false END,
    CASE WHEN i.has_final THEN c.reason ELSE 'accepted' END,
    CASE WHEN i.has_final THEN c.failure_class END,
    CASE WHEN i.has_final THEN c.retryable END,
    i.err_code,
    c.description_ko,
    i.billed_units,
    NULL,
    i.report_count,
    i.has_conflict
FROM infobank_messages AS i
LEFT JOIN status_codes AS c ON c.vendor = 'infobank' AND c.code_kind = 'report' AND c.code = i.err_code;

DELETE FROM delivery_outcomes;

INSERT INTO delivery_outcomes
WITH judged AS (
    SELECT
        *,
        status IS NULL AS unmapped,
        status IN ('pending', 'scheduled')
            AND $now > CAST(activity_date + 1 AS TIMESTAMPTZ) + to_hours(CAST($settle_hours AS BIGINT)) AS overdue
    FROM outcome_rows
)
SELECT
    message_key, vendor, account, vendor_message_id, message_type, send_mode, sender, recipient, carrier,
    sent_at, delivered_at, activity_date,
    CASE WHEN unmapped OR overdue THEN 'unknown' ELSE status END,
    CASE WHEN unmapped OR overdue THEN true ELSE is_final END,
    CASE WHEN unmapped THEN 'unmapped_code' WHEN overdue THEN 'no_final_report' ELSE reason END,
    failure_class, retryable, vendor_status, vendor_status_text, billed_units, refunded_at, report_count,
    has_conflict
FROM judged;

INSERT INTO delivery_outcome_finals
SELECT message_key, status, $now FROM delivery_outcomes WHERE is_final
ON CONFLICT (message_key) DO NOTHING;

SELECT vendor, count(*) AS messages, count(*) FILTER (WHERE status = 'unknown') AS unknown
FROM delivery_outcomes GROUP BY vendor ORDER BY vendor;
