-- Messages that are not exactly one delivery_outcomes row with their key and their source's figures, and
-- outcomes without a stored source (should be none): per problem, how many and the first keys.
-- Sources, by key: every cafe24_messages row (its message_key), every Infobank msgid with a report that is
-- not a retry (infobank_messages, key ib-<msgid>). Figures: vendor, account, vendor_message_id, message
-- type, send mode, sender, carrier, sent_at, activity_date, vendor_status, billed_units, refunded_at,
-- report_count, has_conflict. Status and finality are judged by outcomes_final_went_back.sql.
-- $whole: every message; else the messages the latest build recomputed (in_check_scope). The Infobank
-- messages are check_infobank_messages (sql/checks/, built first by pipelines/outcome_checks.py).

WITH sources AS (
    SELECT
        message_key,
        'cafe24' AS vendor,
        account,
        NULL AS vendor_message_id,
        message_type,
        send_mode,
        nullif(sender, '') AS sender,
        NULL AS carrier,
        sent_at,
        activity_date,
        CAST(send_status AS VARCHAR) AS vendor_status,
        1 AS billed_units,
        refunded_at,
        1 AS report_count,
        false AS has_conflict
    FROM cafe24_messages
    WHERE in_check_scope(message_key, $whole)
    UNION ALL
    SELECT
        infobank_message_key(msgid), 'infobank', NULL, msgid, NULL, NULL, NULL, carrier, NULL, activity_date, err_code,
        billed_units, NULL, report_count, has_conflict
    FROM check_infobank_messages
),

outcomes AS (
    SELECT * FROM delivery_outcomes
    WHERE in_outcome_check_scope(message_key, activity_date, $whole)
),

compared AS (
    SELECT
        coalesce(s.message_key, o.message_key) AS message_key,
        coalesce(o.vendor, s.vendor) AS vendor,
        s.message_key IS NULL AS no_source,
        o.message_key IS NULL AS no_outcome,
        list_filter([
            CASE WHEN s.vendor IS DISTINCT FROM o.vendor THEN 'vendor' END,
            CASE WHEN s.account IS DISTINCT FROM o.account THEN 'account' END,
            CASE WHEN s.vendor_message_id IS DISTINCT FROM o.vendor_message_id THEN 'vendor_message_id' END,
            CASE WHEN s.message_type IS DISTINCT FROM o.message_type THEN 'message_type' END,
            CASE WHEN s.send_mode IS DISTINCT FROM o.send_mode THEN 'send_mode' END,
            CASE WHEN s.sender IS DISTINCT FROM o.sender THEN 'sender' END,
            CASE WHEN s.carrier IS DISTINCT FROM o.carrier THEN 'carrier' END,
            CASE WHEN s.sent_at IS DISTINCT FROM o.sent_at THEN 'sent_at' END,
            CASE WHEN s.activity_date IS DISTINCT FROM o.activity_date THEN 'activity_date' END,
            CASE WHEN s.vendor_status IS DISTINCT FROM o.vendor_status THEN 'vendor_status' END,
            CASE WHEN s.billed_units IS DISTINCT FROM o.billed_units THEN 'billed_units' END,
            CASE WHEN s.refunded_at IS DISTINCT FROM o.refunded_at THEN 'refunded_at' END,
            CASE WHEN s.report_count IS DISTINCT FROM o.report_count THEN 'report_count' END,
            CASE WHEN s.has_conflict IS DISTINCT FROM o.has_conflict THEN 'has_conflict' END
        ], LAMBDA field: field IS NOT NULL) AS differing
    FROM sources AS s
    FULL OUTER JOIN outcomes AS o USING (message_key)
),

findings AS (
    SELECT vendor || ' messages stored but missing from delivery_outcomes' AS problem, message_key AS example
    FROM compared
    WHERE no_outcome
    UNION ALL
    SELECT vendor || ' outcomes whose key has no stored message', message_key
    FROM compared
    WHERE no_source
    UNION ALL
    SELECT
        'outcomes whose ' || array_to_string(differing, ', ') || ' differ from the stored message',
        message_key
    FROM compared
    WHERE NOT no_source AND NOT no_outcome AND len(differing) > 0
)

SELECT problem, count(*) AS offending, list(example ORDER BY example)[1:5] AS examples
FROM findings
GROUP BY problem
ORDER BY problem;
