-- Bring delivery_outcomes up to date with the ingested tables and the code dictionary, in one transaction.
-- Only messages that changed since the last build are recomputed: Cafe24 messages a window read stored or
-- changed, Infobank messages a load added reports to, and pending messages whose settle window has just
-- run out. A new dictionary or settle window, or the first build, recomputes everything.
-- Parameters: $settle_hours (a message still pending this long after its activity day ends becomes
-- unknown / no_final_report), $now (the build time).

CREATE OR REPLACE TEMP MACRO e164(digits, country) AS
    CASE
        WHEN digits IS NULL OR digits = '' THEN NULL
        WHEN country IS NULL OR country = '' THEN digits
        WHEN country = '82' THEN '+82' || ltrim(digits, '0')
        ELSE '+' || country || digits
    END;

CREATE OR REPLACE TEMP TABLE outcome_build_plan AS
WITH previous AS (
    SELECT * FROM outcome_builds ORDER BY built_at DESC LIMIT 1
),
dictionary AS (
    SELECT md5(string_agg(concat_ws('|', vendor, code_kind, code, status, is_final, reason, failure_class,
                                    retryable, description_ko), chr(10) ORDER BY vendor, code_kind, code)) AS digest
    FROM status_codes
)
SELECT
    d.digest AS dictionary_digest,
    (SELECT max(completed_at) FROM cafe24_fetches) AS cafe24_through,
    (SELECT max(loaded_at) FROM infobank_file_loads) AS infobank_through,
    p.built_at IS NULL OR p.settle_hours <> $settle_hours OR p.dictionary_digest <> d.digest AS full_rebuild,
    coalesce(p.cafe24_through, '-infinity'::TIMESTAMPTZ) AS cafe24_since,
    coalesce(p.infobank_through, '-infinity'::TIMESTAMPTZ) AS infobank_since
FROM dictionary AS d
LEFT JOIN previous AS p ON true;

CREATE OR REPLACE TEMP TABLE outcome_keys AS
SELECT message_key FROM cafe24_messages
WHERE (SELECT full_rebuild FROM outcome_build_plan)
   OR first_fetch_id IN (SELECT fetch_id FROM cafe24_fetches
                         WHERE completed_at > (SELECT cafe24_since FROM outcome_build_plan))
   OR last_change_fetch_id IN (SELECT fetch_id FROM cafe24_fetches
                               WHERE completed_at > (SELECT cafe24_since FROM outcome_build_plan))
UNION
-- Every message with a report in a file a load read since: a grown file's new modification time can move
-- the activity day (and the conflict order) of reports in it that carry no received_at.
SELECT 'ib-' || msgid FROM infobank_reports
WHERE (SELECT full_rebuild FROM outcome_build_plan)
   OR file_id IN (SELECT file_id FROM infobank_file_loads
                  WHERE loaded_at > (SELECT infobank_since FROM outcome_build_plan))
UNION
SELECT message_key FROM delivery_outcomes
WHERE is_in_flight(status) AND is_settled(activity_date, $settle_hours, $now);

-- Every report of the Infobank messages to rebuild, and nothing else: the message rule reads only these.
CREATE OR REPLACE TEMP TABLE outcome_infobank_reports AS
SELECT * FROM infobank_reports
WHERE msgid IN (SELECT substr(message_key, 4) FROM outcome_keys WHERE starts_with(message_key, 'ib-'));

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
WHERE m.message_key IN (SELECT message_key FROM outcome_keys)
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
FROM infobank_messages_of('outcome_infobank_reports') AS i
LEFT JOIN status_codes AS c ON c.vendor = 'infobank' AND c.code_kind = 'report' AND c.code = i.err_code;

-- The days these messages counted for before and after: what the daily reports must rebuild.
INSERT INTO outcome_changed_days
SELECT DISTINCT $now, vendor, activity_date
FROM (
    SELECT vendor, activity_date FROM delivery_outcomes WHERE message_key IN (SELECT message_key FROM outcome_keys)
    UNION ALL
    SELECT vendor, activity_date FROM outcome_rows
);

DELETE FROM delivery_outcomes WHERE message_key IN (SELECT message_key FROM outcome_keys);

INSERT INTO delivery_outcomes
WITH judged AS (
    SELECT
        *,
        status IS NULL AS unmapped,
        is_in_flight(status) AND is_settled(activity_date, $settle_hours, $now) AS overdue
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
SELECT message_key, status, $now FROM delivery_outcomes
WHERE is_final AND message_key IN (SELECT message_key FROM outcome_keys)
ON CONFLICT (message_key) DO NOTHING;

-- What this build's checks look at.
DELETE FROM outcome_check_scope;
INSERT INTO outcome_check_scope SELECT message_key FROM outcome_keys;

INSERT INTO outcome_builds
SELECT $now, cafe24_through, infobank_through, $settle_hours, dictionary_digest, full_rebuild,
       (SELECT count(*) FROM outcome_keys)
FROM outcome_build_plan;

SELECT
    o.vendor,
    count(*) AS messages,
    count(*) FILTER (WHERE o.status = 'unknown') AS unknown,
    count(*) FILTER (WHERE o.message_key IN (SELECT message_key FROM outcome_keys)) AS rebuilt,
    (SELECT full_rebuild FROM outcome_build_plan) AS full_rebuild
FROM delivery_outcomes AS o
GROUP BY o.vendor
ORDER BY o.vendor;
