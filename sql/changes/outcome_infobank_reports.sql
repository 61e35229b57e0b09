-- Every report of the Infobank messages this build recomputes (changes/outcome_keys), and nothing else: the
-- message rule (infobank_messages_of) reads only these.
SELECT * FROM infobank_reports
WHERE msgid IN (
    SELECT substr(message_key, 4) FROM outcome_keys
    WHERE starts_with(message_key, 'ib-')
)
