-- Apply one staged and matched window read: update paired messages, insert new ones, quarantine the
-- unusable, archive the pages and record the read. Runs inside the window's transaction.
-- Rules: a final status (3, 9) is never replaced; a refund, once seen, is never removed.

CREATE OR REPLACE TEMP TABLE cafe24_changes AS
SELECT
    s.message_key,
    s.send_status AS old_status,
    s.refund_date AS old_refund_date,
    CASE WHEN s.is_final THEN s.send_status ELSE i.send_status END AS new_status,
    coalesce(i.refund_date, s.refund_date) AS new_refund_date,
    CASE WHEN i.refund_date IS NOT NULL THEN i.refunded_at ELSE s.refunded_at END AS new_refunded_at,
    coalesce(i.reg_date, s.reg_date) AS new_reg_date,
    s.is_final AND i.send_status IS DISTINCT FROM s.send_status AS regression_ignored,
    new_status IS DISTINCT FROM old_status OR new_refund_date IS DISTINCT FROM old_refund_date AS changed
FROM cafe24_matches AS m
JOIN cafe24_incoming AS i USING (rid)
JOIN cafe24_candidates AS s USING (message_key);

INSERT INTO cafe24_status_history
SELECT message_key, $fetch_id, old_status, new_status, old_refund_date, new_refund_date
FROM cafe24_changes
WHERE changed;

UPDATE cafe24_messages AS t
SET send_status = c.new_status,
    is_final = c.new_status IN (3, 9),
    refund_date = c.new_refund_date,
    refunded_at = c.new_refunded_at,
    reg_date = c.new_reg_date,
    last_change_fetch_id = $fetch_id
FROM cafe24_changes AS c
WHERE t.message_key = c.message_key
  AND (c.changed OR c.new_reg_date IS DISTINCT FROM t.reg_date);

INSERT INTO cafe24_messages
WITH new_records AS (
    SELECT
        i.*,
        coalesce(last.max_ordinal, -1)
            + row_number() OVER (PARTITION BY i.identity_key ORDER BY i.rid) AS ordinal
    FROM cafe24_incoming AS i
    LEFT JOIN (
        SELECT identity_key, max(ordinal) AS max_ordinal FROM cafe24_candidates GROUP BY identity_key
    ) AS last USING (identity_key)
    WHERE i.reject_reason IS NULL AND i.rid NOT IN (SELECT rid FROM cafe24_matches)
)
SELECT
    'c24-' || left(identity_key, 20) || '-' || ordinal,
    identity_key, ordinal, account, message_type, send_type, send_mode, send_phone, receive_phone,
    sender, recipient, subject, msg, send_date_time, sent_at, activity_date, reg_date, send_status,
    send_status IN (3, 9), refund_date, refunded_at, $fetch_id, $fetch_id
FROM new_records;

INSERT INTO cafe24_quarantine
SELECT $fetch_id, record, reject_reason FROM cafe24_incoming WHERE reject_reason IS NOT NULL;

INSERT INTO cafe24_raw_pages
SELECT $fetch_id, start_no, request_fields, fetched_at, body, body_sha256 FROM cafe24_listed_pages;

INSERT INTO cafe24_fetches
WITH counts AS (
    SELECT
        count(*) AS rows_read,
        count(*) FILTER (WHERE reject_reason IS NOT NULL) AS rows_quarantined,
        count(*) FILTER (WHERE reject_reason IS NULL AND rid NOT IN (SELECT rid FROM cafe24_matches)) AS rows_new,
        count(*) FILTER (
            WHERE reject_reason IS NULL AND NOT activity_date BETWEEN $first_day AND $last_day
        ) AS rows_outside_window
    FROM cafe24_incoming
),
changes AS (
    SELECT
        count(*) FILTER (WHERE changed) AS rows_updated,
        count(*) FILTER (WHERE NOT changed) AS rows_unchanged,
        count(*) FILTER (WHERE regression_ignored) AS final_regressions_ignored
    FROM cafe24_changes
)
SELECT
    $fetch_id, $account, $message_type, $first_day, $last_day, now(), $requests, $pages, $rereads,
    rows_read, rows_new, rows_updated, rows_unchanged, rows_quarantined, rows_outside_window,
    final_regressions_ignored
FROM counts, changes;

SELECT * FROM cafe24_fetches WHERE fetch_id = $fetch_id;
