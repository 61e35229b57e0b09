-- Vendor codes missing from status_codes, with how many messages carry them.
SELECT vendor, vendor_status, count(*) AS messages
FROM delivery_outcomes
WHERE reason = 'unmapped_code'
GROUP BY vendor, vendor_status
ORDER BY messages DESC;
