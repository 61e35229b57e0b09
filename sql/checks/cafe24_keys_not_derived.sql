-- Cafe24 messages whose key is not their own (should be none): per problem, how many and the first keys.
-- Two rows cannot share a key (the PRIMARY KEY and UNIQUE (identity_key, ordinal) of cafe24_messages hold
-- that); what can go wrong is a message whose key no longer follows from its stored fields. A re-read pairs a
-- listed record with a stored message by identity_key, so such a message would be stored a second time.
-- The identity is the ingestion's own (the cafe24_identity_key macro), from the stored fields.
WITH derived AS (
    SELECT
        message_key,
        identity_key,
        ordinal,
        cafe24_identity_key(
            account, message_type, send_type, sender, recipient, send_date_time, subject, msg
        ) AS fields_identity
    FROM cafe24_messages
),

findings AS (
    SELECT 'messages whose message_key is not c24- + identity_key + ordinal' AS problem, message_key AS example
    FROM derived
    WHERE message_key <> cafe24_message_key(identity_key, ordinal)
    UNION ALL
    SELECT 'messages whose identity_key is not the MD5 of their stored fields', message_key
    FROM derived
    WHERE identity_key <> fields_identity
    UNION ALL
    -- Ordinals are given from 0 up among identical records: a gap is a message gone.
    SELECT 'identities whose ordinals do not run 0, 1, 2 ... (a message is missing)', identity_key
    FROM cafe24_messages
    GROUP BY identity_key
    HAVING min(ordinal) <> 0 OR max(ordinal) <> count(*) - 1
)

SELECT problem, count(*) AS offending, list(example ORDER BY example)[1:5] AS examples
FROM findings
GROUP BY problem
ORDER BY problem;
