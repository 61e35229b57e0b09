-- delivery_outcomes rows whose final status went back, or is not the one their source gives (should be
-- none): per problem, how many and the first keys.
--   is_final says what the status says: pending and scheduled are never final, every other status is;
--   a message an earlier build saw final (delivery_outcome_finals) is final now, and not in flight;
--   a message whose source is final (a Cafe24 sendStatus, an Infobank final report, whose code the dictionary
--   calls final) is final in delivery_outcomes with the status the dictionary gives that code.
-- $whole: every message; else the messages the latest build recomputed (in_check_scope). The Infobank
-- messages are check_infobank_messages (sql/checks/, built first by pipelines/outcome_checks.py).
WITH outcomes AS (
    SELECT * FROM delivery_outcomes
    WHERE in_outcome_check_scope(message_key, activity_date, $whole)
),

source_finals AS (
    SELECT m.message_key, c.status
    FROM cafe24_messages AS m
    INNER JOIN status_codes AS c
        ON c.vendor = 'cafe24' AND c.code_kind = 'send_status' AND c.code = CAST(m.send_status AS VARCHAR)
    WHERE c.is_final AND in_check_scope(m.message_key, $whole)
    UNION ALL
    SELECT infobank_message_key(i.msgid), c.status
    FROM check_infobank_messages AS i
    INNER JOIN status_codes AS c ON c.vendor = 'infobank' AND c.code_kind = 'report' AND i.err_code = c.code
    WHERE i.has_final AND c.is_final
),

findings AS (
    SELECT
        'outcomes whose is_final disagrees with their status' AS problem,
        message_key || ' (' || status || ', is_final ' || is_final || ')' AS example
    FROM outcomes
    WHERE is_final = is_in_flight(status)
    UNION ALL
    SELECT
        'outcomes final in an earlier build that are not final now',
        o.message_key || ' (was ' || f.status || ', now ' || o.status || ')'
    FROM outcomes AS o
    INNER JOIN delivery_outcome_finals AS f USING (message_key)
    WHERE NOT o.is_final OR is_in_flight(o.status)
    UNION ALL
    SELECT
        'outcomes without the final status of their source',
        o.message_key || ' (source ' || s.status || ', outcome ' || o.status || ')'
    FROM source_finals AS s
    INNER JOIN outcomes AS o USING (message_key)
    WHERE NOT o.is_final OR o.status IS DISTINCT FROM s.status
)

SELECT problem, count(*) AS offending, list(example ORDER BY example)[1:5] AS examples
FROM findings
GROUP BY problem
ORDER BY problem;
