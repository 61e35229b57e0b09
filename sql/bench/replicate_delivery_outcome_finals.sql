-- Benchmark history (bench/large_warehouse.py): the first final status of each copied outcome.
INSERT INTO delivery_outcome_finals
SELECT * EXCLUDE (k) REPLACE (message_key || '-h' || k AS message_key)
FROM delivery_outcome_finals
CROSS JOIN range(1, $copies + 1) AS copies (k);
