-- Cafe24 messages whose final status (3 success, 9 failure) went back or changed (should be none): per
-- problem, how many and the first keys. A final status is never replaced, which is checked three ways:
--   is_final says what send_status says;
--   the status history never leaves a final status, and a final status it reached is the stored one;
--   a message published final (delivery_outcomes, as of the last build) still has the status it was
--   published with: this holds also for the messages that never had a history row.
WITH findings AS (
    SELECT 'messages whose is_final disagrees with their send_status' AS problem, message_key AS example
    FROM cafe24_messages
    WHERE is_final IS DISTINCT FROM coalesce(cafe24_is_final(send_status), false)
    UNION ALL
    SELECT DISTINCT 'status history rows that leave a final status', message_key
    FROM cafe24_status_history
    WHERE cafe24_is_final(from_status) AND to_status IS DISTINCT FROM from_status
    UNION ALL
    SELECT DISTINCT 'messages whose history reached a final status they no longer show', m.message_key
    FROM cafe24_messages AS m
    INNER JOIN cafe24_status_history AS h USING (message_key)
    WHERE cafe24_is_final(h.to_status) AND m.send_status IS DISTINCT FROM h.to_status
    UNION ALL
    SELECT 'messages published with a final status they no longer show', o.message_key
    FROM delivery_outcomes AS o
    INNER JOIN cafe24_messages AS m USING (message_key)
    WHERE
        o.vendor = 'cafe24'
        AND cafe24_is_final(try_cast(o.vendor_status AS INTEGER))
        AND o.vendor_status IS DISTINCT FROM CAST(m.send_status AS VARCHAR)
)

SELECT problem, count(*) AS offending, list(example ORDER BY example)[1:5] AS examples
FROM findings
GROUP BY problem
ORDER BY problem;
