-- The Infobank messages the outcome checks compare delivery_outcomes with, derived again from their stored
-- reports (check_infobank_reports) by the message rule: once for all the outcome checks.
SELECT * FROM infobank_messages_of('check_infobank_reports')
