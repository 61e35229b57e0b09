-- The record of one window read (what sql/writes/cafe24_fetches.sql wrote). Parameters: $fetch_id.
SELECT * FROM cafe24_fetches
WHERE fetch_id = $fetch_id
