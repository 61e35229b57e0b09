-- The Infobank reports the outcome checks look at, with the columns the message rule reads: those of the
-- messages the latest build recomputed, found by msgid (in_infobank_check_scope); every report with $whole.
-- Built once for all the outcome checks (pipelines/outcome_checks.py).
SELECT * FROM infobank_rule_reports()
WHERE in_infobank_check_scope(msgid, $whole)
