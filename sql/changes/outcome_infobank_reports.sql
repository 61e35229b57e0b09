-- Every report of the Infobank messages this build recomputes (changes/outcome_keys), and nothing else: the
-- message rule (infobank_messages_of) reads only these, and only the columns it reads.
SELECT * FROM infobank_rule_reports()
WHERE
    msgid IN (
        SELECT infobank_msgid_of(message_key) FROM outcome_keys
        WHERE infobank_msgid_of(message_key) IS NOT NULL
    )
