-- Benchmark figure (bench/large_warehouse.py): the messages the warehouse holds.
SELECT count(*) AS messages FROM delivery_outcomes;
