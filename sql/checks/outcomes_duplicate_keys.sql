-- Message keys held by more than one delivery_outcomes row (should be none).
SELECT message_key, count(*) AS copies FROM delivery_outcomes GROUP BY message_key HAVING count(*) > 1;
