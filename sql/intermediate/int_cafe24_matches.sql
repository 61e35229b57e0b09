-- The pairs of a listed record (rid) and a stored message (message_key) found so far: empty here, filled one
-- pass at a time by sql/writes/int_cafe24_matches.sql from sql/intermediate/int_cafe24_pass_matches.sql.
SELECT
    NULL::BIGINT AS rid,
    NULL::VARCHAR AS message_key
WHERE false
