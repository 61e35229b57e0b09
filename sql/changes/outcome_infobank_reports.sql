-- Every report of the Infobank messages this build recomputes (changes/outcome_keys), and nothing else: the
-- message rule (infobank_messages_of) reads only these.
SELECT * FROM infobank_reports
WHERE infobank_message_key(msgid) IN (SELECT message_key FROM outcome_keys)
