-- Add one matching pass's pairs to the pairs found so far.
INSERT INTO int_cafe24_matches
SELECT * FROM int_cafe24_pass_matches;
