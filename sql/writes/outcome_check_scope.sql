-- What this build's outcome checks look at: the messages it recomputed.
DELETE FROM outcome_check_scope;

INSERT INTO outcome_check_scope
SELECT message_key FROM outcome_keys;
