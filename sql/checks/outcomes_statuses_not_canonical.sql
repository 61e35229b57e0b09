-- Rows whose status is outside the canonical set (should be none).
SELECT status, count(*) AS messages
FROM delivery_outcomes
WHERE status NOT IN ('delivered', 'undelivered', 'rejected', 'expired', 'pending', 'scheduled', 'unknown')
GROUP BY status;
