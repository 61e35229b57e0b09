-- Cafe24 raw and parsed tables. Raw pages keep every answer as received, so any row can be traced
-- back to the page it came from and rebuilt; cafe24_messages holds one row per message.

CREATE TABLE IF NOT EXISTS cafe24_fetches (
    fetch_id VARCHAR PRIMARY KEY,
    account VARCHAR NOT NULL,
    message_type VARCHAR NOT NULL,
    window_first_day DATE NOT NULL,
    window_last_day DATE NOT NULL,
    completed_at TIMESTAMPTZ NOT NULL,
    requests INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    rereads INTEGER NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_new INTEGER NOT NULL,
    rows_updated INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    rows_outside_window INTEGER NOT NULL,
    final_regressions_ignored INTEGER NOT NULL
);
COMMENT ON TABLE cafe24_fetches IS 'One row per completed sms_list window read (one account, one type); committed with its rows.';
COMMENT ON COLUMN cafe24_fetches.fetch_id IS 'Unique id of this window read; raw pages, history and quarantine rows point to it.';
COMMENT ON COLUMN cafe24_fetches.account IS 'Cafe24 SMS account (user_id) the window was read for.';
COMMENT ON COLUMN cafe24_fetches.message_type IS 'SMS (smsType empty) or LMS (smsType=lms, which also lists MMS).';
COMMENT ON COLUMN cafe24_fetches.window_first_day IS 'First KST day of the queried window.';
COMMENT ON COLUMN cafe24_fetches.window_last_day IS 'Last KST day of the queried window (the date field).';
COMMENT ON COLUMN cafe24_fetches.completed_at IS 'When the window''s rows were committed.';
COMMENT ON COLUMN cafe24_fetches.requests IS 'HTTP requests this window cost, retries and re-reads included.';
COMMENT ON COLUMN cafe24_fetches.pages IS 'Pages of the consistent read that produced the rows.';
COMMENT ON COLUMN cafe24_fetches.rereads IS 'Times the window was read again because rows moved while it was paged.';
COMMENT ON COLUMN cafe24_fetches.rows_read IS 'Records listed by the consistent read; = new + updated + unchanged + quarantined.';
COMMENT ON COLUMN cafe24_fetches.rows_new IS 'Records that became new rows of cafe24_messages.';
COMMENT ON COLUMN cafe24_fetches.rows_updated IS 'Records that changed a stored row (status or refund).';
COMMENT ON COLUMN cafe24_fetches.rows_unchanged IS 'Records identical to a stored row.';
COMMENT ON COLUMN cafe24_fetches.rows_quarantined IS 'Records that could not be stored (see cafe24_quarantine).';
COMMENT ON COLUMN cafe24_fetches.rows_outside_window IS 'Records whose own sendDateTime fell outside the queried window (stored under their own day).';
COMMENT ON COLUMN cafe24_fetches.final_regressions_ignored IS 'Records that showed a final message as pending or with another final status; the stored final was kept.';

CREATE TABLE IF NOT EXISTS cafe24_raw_pages (
    fetch_id VARCHAR NOT NULL,
    start_no INTEGER NOT NULL,
    request_fields JSON NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    body VARCHAR NOT NULL,
    body_sha256 VARCHAR NOT NULL,
    PRIMARY KEY (fetch_id, start_no)
);
COMMENT ON TABLE cafe24_raw_pages IS 'Every sms_list page behind a completed window read, exactly as received.';
COMMENT ON COLUMN cafe24_raw_pages.fetch_id IS 'The window read (cafe24_fetches) this page belongs to.';
COMMENT ON COLUMN cafe24_raw_pages.start_no IS 'The startNo offset requested.';
COMMENT ON COLUMN cafe24_raw_pages.request_fields IS 'The form fields sent, without the secure key.';
COMMENT ON COLUMN cafe24_raw_pages.fetched_at IS 'When the answer arrived.';
COMMENT ON COLUMN cafe24_raw_pages.body IS 'The answer body (UTF-8 XML) as received.';
COMMENT ON COLUMN cafe24_raw_pages.body_sha256 IS 'SHA-256 of the body bytes, to prove the archive unchanged.';

CREATE TABLE IF NOT EXISTS cafe24_messages (
    message_key VARCHAR PRIMARY KEY,
    identity_key VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    account VARCHAR NOT NULL,
    message_type VARCHAR NOT NULL,
    send_type VARCHAR,
    send_mode VARCHAR,
    send_phone VARCHAR,
    receive_phone VARCHAR,
    sender VARCHAR,
    recipient VARCHAR,
    subject VARCHAR,
    msg VARCHAR,
    send_date_time VARCHAR NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    activity_date DATE NOT NULL,
    reg_date VARCHAR,
    send_status INTEGER,
    is_final BOOLEAN NOT NULL,
    refund_date VARCHAR,
    refunded_at TIMESTAMPTZ,
    first_fetch_id VARCHAR NOT NULL,
    last_change_fetch_id VARCHAR NOT NULL,
    UNIQUE (identity_key, ordinal)
);
COMMENT ON TABLE cafe24_messages IS 'One row per message listed by Cafe24 sms_list, with its latest status and refund.';
COMMENT ON COLUMN cafe24_messages.message_key IS 'Stable unique key: c24- + identity_key prefix + ordinal among identical records.';
COMMENT ON COLUMN cafe24_messages.identity_key IS 'MD5 of account, type, sendType, sender and recipient digits, sendDateTime, subject and text.';
COMMENT ON COLUMN cafe24_messages.ordinal IS 'Position among identical records (same identity_key), from 0: identical messages stay separate.';
COMMENT ON COLUMN cafe24_messages.account IS 'Cafe24 SMS account (user_id).';
COMMENT ON COLUMN cafe24_messages.message_type IS 'SMS or LMS (Cafe24 lists LMS and MMS together).';
COMMENT ON COLUMN cafe24_messages.send_type IS 'Vendor sendType as received: I general, R reserved.';
COMMENT ON COLUMN cafe24_messages.send_mode IS 'immediate (sendType I) or scheduled (sendType R); NULL for another value.';
COMMENT ON COLUMN cafe24_messages.send_phone IS 'Sender number as received (hyphenated or not).';
COMMENT ON COLUMN cafe24_messages.receive_phone IS 'Recipient number as received.';
COMMENT ON COLUMN cafe24_messages.sender IS 'Sender number, digits only.';
COMMENT ON COLUMN cafe24_messages.recipient IS 'Recipient number, digits only (domestic form, as Cafe24 lists it).';
COMMENT ON COLUMN cafe24_messages.subject IS 'LMS subject; NULL when absent.';
COMMENT ON COLUMN cafe24_messages.msg IS 'Message text as received.';
COMMENT ON COLUMN cafe24_messages.send_date_time IS 'Vendor sendDateTime as received (YYYYMMDDHHII, KST).';
COMMENT ON COLUMN cafe24_messages.sent_at IS 'sendDateTime as a timestamp (KST, minute precision).';
COMMENT ON COLUMN cafe24_messages.activity_date IS 'KST date of sendDateTime: the day the message counts for.';
COMMENT ON COLUMN cafe24_messages.reg_date IS 'Vendor regDate as received (undocumented format); NULL when absent.';
COMMENT ON COLUMN cafe24_messages.send_status IS 'Vendor sendStatus: 1 requested, 2 reserved-requested, 3 success, 9 failure.';
COMMENT ON COLUMN cafe24_messages.is_final IS 'True once sendStatus is 3 or 9; a final status is never replaced.';
COMMENT ON COLUMN cafe24_messages.refund_date IS 'Vendor refundDate as received (YYYYMMDDHHII); NULL when not refunded.';
COMMENT ON COLUMN cafe24_messages.refunded_at IS 'refundDate as a timestamp (KST): when the failed send was refunded.';
COMMENT ON COLUMN cafe24_messages.first_fetch_id IS 'The window read that first stored the message.';
COMMENT ON COLUMN cafe24_messages.last_change_fetch_id IS 'The window read that last changed its status or refund.';

CREATE TABLE IF NOT EXISTS cafe24_status_history (
    message_key VARCHAR NOT NULL,
    fetch_id VARCHAR NOT NULL,
    from_status INTEGER,
    to_status INTEGER,
    from_refund_date VARCHAR,
    to_refund_date VARCHAR,
    PRIMARY KEY (message_key, fetch_id)
);
COMMENT ON TABLE cafe24_status_history IS 'Every change of a stored message''s status or refund, with the window read that saw it.';
COMMENT ON COLUMN cafe24_status_history.message_key IS 'The message (cafe24_messages.message_key).';
COMMENT ON COLUMN cafe24_status_history.fetch_id IS 'The window read that saw the change.';
COMMENT ON COLUMN cafe24_status_history.from_status IS 'sendStatus before the change.';
COMMENT ON COLUMN cafe24_status_history.to_status IS 'sendStatus after the change.';
COMMENT ON COLUMN cafe24_status_history.from_refund_date IS 'refundDate before the change.';
COMMENT ON COLUMN cafe24_status_history.to_refund_date IS 'refundDate after the change.';

CREATE TABLE IF NOT EXISTS cafe24_quarantine (
    fetch_id VARCHAR NOT NULL,
    record JSON NOT NULL,
    reason VARCHAR NOT NULL
);
COMMENT ON TABLE cafe24_quarantine IS 'Listed records that could not be stored as messages, with the reason; nothing is dropped silently.';
COMMENT ON COLUMN cafe24_quarantine.fetch_id IS 'The window read that listed the record.';
COMMENT ON COLUMN cafe24_quarantine.record IS 'The record''s fields as received.';
COMMENT ON COLUMN cafe24_quarantine.reason IS 'Why it could not be stored.';

-- What must agree for a listed record and a stored message of the same identity to pair in one pass of the
-- matching (sql/intermediate/int_cafe24_pass_matches.sql).
CREATE OR REPLACE MACRO cafe24_match_class(pass_number, status, refund) AS
    CASE pass_number
        WHEN 1 THEN concat_ws('|', status, coalesce(refund, ''))
        WHEN 2 THEN CAST(status AS VARCHAR)
        ELSE ''
    END;

-- A Cafe24 message's identity: every field that describes the message itself (status, refund and regDate
-- change later and are left out), phone numbers by their digits so a change of formatting is not a new
-- message. Identical messages share it and are told apart by an ordinal.
CREATE OR REPLACE MACRO cafe24_identity_key(
    account, message_type, send_type, sender_digits, recipient_digits, send_date_time, subject, msg
) AS md5(concat_ws(
    chr(31),
    account, message_type, coalesce(upper(trim(send_type)), ''), coalesce(sender_digits, ''),
    coalesce(recipient_digits, ''), coalesce(trim(send_date_time), ''), coalesce(subject, ''), coalesce(msg, '')
));

-- A Cafe24 message's key: its identity (shortened) and its ordinal among identical messages.
CREATE OR REPLACE MACRO cafe24_message_key(identity_key, ordinal) AS
    'c24-' || left(identity_key, 20) || '-' || ordinal;
