-- Messages whose key, or whose identity and ordinal, is held by more than one row (should be none).
SELECT 'message_key' AS kind, message_key AS key, count(*) AS row_count
FROM cafe24_messages GROUP BY message_key HAVING count(*) > 1
UNION ALL
SELECT 'identity_ordinal', identity_key || '#' || ordinal, count(*)
FROM cafe24_messages GROUP BY identity_key, ordinal HAVING count(*) > 1;
