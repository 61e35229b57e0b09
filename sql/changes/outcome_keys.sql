-- The messages whose outcome this build recomputes (reads changes/outcome_build_plan): Cafe24 messages a
-- window read stored or changed, Infobank messages with a report in a file a load read, and messages in
-- flight whose settle window has just closed. Parameters: $settle_hours, $now.
WITH plan AS (
    SELECT * FROM outcome_build_plan
),

new_fetches AS (
    SELECT fetch_id FROM cafe24_fetches
    WHERE completed_at > (SELECT cafe24_since FROM plan)
),

new_loads AS (
    SELECT file_id FROM infobank_file_loads
    WHERE loaded_at > (SELECT infobank_since FROM plan)
)

-- Each condition is its own branch, so that a scan is limited to what its condition needs (a small set of
-- fetches or files, or nothing outside a full rebuild) instead of reading a column of every stored row.
SELECT message_key FROM cafe24_messages
WHERE first_fetch_id IN (SELECT fetch_id FROM new_fetches)
UNION
SELECT message_key FROM cafe24_messages
WHERE last_change_fetch_id IN (SELECT fetch_id FROM new_fetches)
UNION
SELECT message_key FROM cafe24_messages
WHERE (SELECT full_rebuild FROM plan)
UNION
-- Every message with a report in a file a load read since: a grown file's new modification time can move
-- the activity day (and the conflict order) of reports in it that carry no received_at.
SELECT infobank_message_key(msgid) FROM infobank_reports
WHERE file_id IN (SELECT file_id FROM new_loads)
UNION
SELECT infobank_message_key(msgid) FROM infobank_reports
WHERE (SELECT full_rebuild FROM plan)
UNION
-- Days before overdue_from hold no message in flight (the last run judged them): not read.
SELECT message_key FROM delivery_outcomes
WHERE
    activity_date >= (SELECT overdue_from FROM plan)
    AND is_overdue(status, activity_date, $settle_hours, $now)
