-- Messages that reached a final status (3, 9) at some point and now show another status (should be none).
SELECT m.message_key, h.to_status AS final_status_seen, m.send_status AS current_status
FROM cafe24_messages AS m
JOIN cafe24_status_history AS h USING (message_key)
WHERE h.to_status IN (3, 9) AND m.send_status IS DISTINCT FROM h.to_status
UNION ALL
SELECT message_key, from_status, to_status
FROM cafe24_status_history
WHERE from_status IN (3, 9) AND to_status IS DISTINCT FROM from_status;
