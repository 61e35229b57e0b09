-- Replace the recomputed messages' rows of delivery_outcomes with their new ones.
DELETE FROM delivery_outcomes
WHERE message_key IN (SELECT message_key FROM outcome_keys);

INSERT INTO delivery_outcomes BY NAME
SELECT * FROM delivery_outcomes_rebuilt;
