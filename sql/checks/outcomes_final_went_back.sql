-- Messages that were final in an earlier build and are pending or scheduled now (should be none).
SELECT o.message_key, f.status AS final_status_seen, o.status AS current_status
FROM delivery_outcomes AS o
JOIN delivery_outcome_finals AS f USING (message_key)
WHERE NOT o.is_final;
