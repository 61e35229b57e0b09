-- Cafe24 window reads that do not account for their records (should be none): per problem, how many and the
-- first fetch ids or keys. A read's counters must add up (rows_read = new + updated + unchanged +
-- quarantined), and must match the rows stored under it: rows_new the messages whose first_fetch_id it is,
-- rows_updated the status history rows it wrote, rows_quarantined its quarantine rows. Every message points
-- to reads that are recorded. A message deleted, added or moved shows here.
WITH stored_new AS (
    SELECT first_fetch_id AS fetch_id, count(*) AS rows FROM cafe24_messages
    GROUP BY first_fetch_id
),

stored_changes AS (
    SELECT fetch_id, count(*) AS rows FROM cafe24_status_history
    GROUP BY fetch_id
),

stored_quarantine AS (
    SELECT fetch_id, count(*) AS rows FROM cafe24_quarantine
    GROUP BY fetch_id
),

reads AS (
    SELECT
        f.*,
        coalesce(n.rows, 0) AS messages_stored,
        coalesce(c.rows, 0) AS changes_stored,
        coalesce(q.rows, 0) AS quarantine_stored
    FROM cafe24_fetches AS f
    LEFT JOIN stored_new AS n USING (fetch_id)
    LEFT JOIN stored_changes AS c USING (fetch_id)
    LEFT JOIN stored_quarantine AS q USING (fetch_id)
),

findings AS (
    SELECT
        'window reads whose rows_read is not new + updated + unchanged + quarantined' AS problem,
        fetch_id AS example
    FROM reads
    WHERE rows_read <> rows_new + rows_updated + rows_unchanged + rows_quarantined
    UNION ALL
    SELECT
        'window reads whose rows_new differs from the messages they first stored',
        fetch_id || ' (' || rows_new || ' counted, ' || messages_stored || ' stored)'
    FROM reads
    WHERE rows_new <> messages_stored
    UNION ALL
    SELECT
        'window reads whose rows_updated differs from the status changes they recorded',
        fetch_id || ' (' || rows_updated || ' counted, ' || changes_stored || ' stored)'
    FROM reads
    WHERE rows_updated <> changes_stored
    UNION ALL
    SELECT
        'window reads whose rows_quarantined differs from their quarantine rows',
        fetch_id || ' (' || rows_quarantined || ' counted, ' || quarantine_stored || ' stored)'
    FROM reads
    WHERE rows_quarantined <> quarantine_stored
    UNION ALL
    SELECT 'messages, changes or quarantine rows of a window read that is not recorded', example
    FROM (
        SELECT message_key AS example, first_fetch_id AS fetch_id FROM cafe24_messages
        UNION ALL
        SELECT message_key, last_change_fetch_id FROM cafe24_messages
        UNION ALL
        SELECT message_key, fetch_id FROM cafe24_status_history
        UNION ALL
        SELECT 'quarantine of ' || fetch_id, fetch_id FROM cafe24_quarantine
    ) AS pointers
    WHERE
        NOT EXISTS (
            SELECT 1 FROM cafe24_fetches AS f
            WHERE f.fetch_id = pointers.fetch_id
        )
    GROUP BY example
)

SELECT problem, count(*) AS offending, list(example ORDER BY example)[1:5] AS examples
FROM findings
GROUP BY problem
ORDER BY problem;
