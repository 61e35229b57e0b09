-- The files a load could not read or refused, with the problem. Input: the registered view
-- infobank_problems(source_file, problem); $load_id.
INSERT INTO infobank_file_problems (load_id, source_file, problem)
SELECT $load_id, source_file, problem FROM infobank_problems;
