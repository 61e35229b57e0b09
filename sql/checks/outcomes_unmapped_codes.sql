-- Vendor codes missing from status_codes, with how many messages carry them: among the messages the latest
-- build recomputed, or every message when $whole (a changed dictionary recomputes them all).
SELECT vendor, vendor_status, count(*) AS messages
FROM delivery_outcomes
WHERE reason = 'unmapped_code' AND in_outcome_check_scope(message_key, activity_date, $whole)
GROUP BY vendor, vendor_status
ORDER BY messages DESC;
