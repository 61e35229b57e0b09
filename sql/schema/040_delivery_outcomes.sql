-- delivery_outcomes: one row per message, whichever vendor sent it (the warehouse contract, DESIGN.md).

CREATE TABLE IF NOT EXISTS delivery_outcomes (
    message_key VARCHAR NOT NULL,
    vendor VARCHAR NOT NULL,
    account VARCHAR,
    vendor_message_id VARCHAR,
    message_type VARCHAR,
    send_mode VARCHAR,
    sender VARCHAR,
    recipient VARCHAR,
    carrier VARCHAR,
    sent_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    activity_date DATE NOT NULL,
    status VARCHAR NOT NULL,
    is_final BOOLEAN NOT NULL,
    reason VARCHAR,
    failure_class VARCHAR,
    retryable BOOLEAN,
    vendor_status VARCHAR,
    vendor_status_text VARCHAR,
    billed_units INTEGER,
    refunded_at TIMESTAMPTZ,
    report_count INTEGER,
    has_conflict BOOLEAN NOT NULL
);
COMMENT ON TABLE delivery_outcomes IS 'One row per message of either vendor: what happened to it and what it cost (docs/data-dictionary.md).';
COMMENT ON COLUMN delivery_outcomes.message_key IS 'Stable unique key: Cafe24 c24-<identity>-<ordinal>; Infobank ib-<msgid>.';
COMMENT ON COLUMN delivery_outcomes.vendor IS 'cafe24 or infobank.';
COMMENT ON COLUMN delivery_outcomes.account IS 'Vendor account the message was sent from (Cafe24 user_id); NULL for Infobank, whose reports do not say.';
COMMENT ON COLUMN delivery_outcomes.vendor_message_id IS 'Infobank msgid; NULL for Cafe24, which has no message id.';
COMMENT ON COLUMN delivery_outcomes.message_type IS 'SMS or LMS (Cafe24 lists MMS with LMS); NULL when unknown (Infobank reports do not say).';
COMMENT ON COLUMN delivery_outcomes.send_mode IS 'immediate or scheduled; NULL when unknown (Infobank).';
COMMENT ON COLUMN delivery_outcomes.sender IS 'Sender number, digits only; NULL when unknown (Infobank reports carry none).';
COMMENT ON COLUMN delivery_outcomes.recipient IS 'Recipient in E.164 (+8210...) where the country is known; else digits only.';
COMMENT ON COLUMN delivery_outcomes.carrier IS 'SKT, KT, LG U+ ... from the network code (Infobank); NULL when unknown (always for Cafe24).';
COMMENT ON COLUMN delivery_outcomes.sent_at IS 'When the message was sent (Cafe24 sendDateTime); NULL when unknown (Infobank).';
COMMENT ON COLUMN delivery_outcomes.delivered_at IS 'Arrival on the handset (Infobank sent_date); NULL when not delivered or unknown (Cafe24).';
COMMENT ON COLUMN delivery_outcomes.activity_date IS 'The KST day the message counts for: Cafe24 sendDateTime; Infobank earliest received_at, else sent_date, else the file''s modification time.';
COMMENT ON COLUMN delivery_outcomes.status IS 'delivered, undelivered, rejected, expired, pending, scheduled or unknown (from status_codes).';
COMMENT ON COLUMN delivery_outcomes.is_final IS 'True when the status will not change any more.';
COMMENT ON COLUMN delivery_outcomes.reason IS 'Canonical reason from status_codes (handset_off, spam_blocked ...); no_final_report or unmapped_code when the pipeline decided.';
COMMENT ON COLUMN delivery_outcomes.failure_class IS 'transient, permanent, policy, sender_config, account or platform; NULL when not a failure.';
COMMENT ON COLUMN delivery_outcomes.retryable IS 'Whether resending may succeed.';
COMMENT ON COLUMN delivery_outcomes.vendor_status IS 'The vendor''s own code (Cafe24 sendStatus, Infobank err_code).';
COMMENT ON COLUMN delivery_outcomes.vendor_status_text IS 'The vendor''s description of that code (Korean, as documented).';
COMMENT ON COLUMN delivery_outcomes.billed_units IS 'Units charged: Infobank rescnt of the final report (retries counted once); Cafe24 one per message.';
COMMENT ON COLUMN delivery_outcomes.refunded_at IS 'When the vendor refunded the message (Cafe24 refundDate).';
COMMENT ON COLUMN delivery_outcomes.report_count IS 'Reports received for the message, retries included (Infobank); 1 for Cafe24.';
COMMENT ON COLUMN delivery_outcomes.has_conflict IS 'True when two different final reports arrived for the message (the one received last decides).';

CREATE TABLE IF NOT EXISTS delivery_outcome_finals (
    message_key VARCHAR PRIMARY KEY,
    status VARCHAR NOT NULL,
    first_final_build TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE delivery_outcome_finals IS 'The first final status each message reached, to prove later builds never take a final status back.';
COMMENT ON COLUMN delivery_outcome_finals.message_key IS 'The message (delivery_outcomes.message_key).';
COMMENT ON COLUMN delivery_outcome_finals.status IS 'Its status when first seen final.';
COMMENT ON COLUMN delivery_outcome_finals.first_final_build IS 'The build that first saw it final.';

CREATE TABLE IF NOT EXISTS outcome_builds (
    built_at TIMESTAMPTZ NOT NULL,
    cafe24_through TIMESTAMPTZ,
    infobank_through TIMESTAMPTZ,
    settle_hours INTEGER NOT NULL,
    dictionary_digest VARCHAR NOT NULL,
    full_rebuild BOOLEAN NOT NULL,
    messages_rebuilt BIGINT NOT NULL
);
COMMENT ON TABLE outcome_builds IS 'Every build of delivery_outcomes: what it had seen, so the next build redoes only what changed since.';
COMMENT ON COLUMN outcome_builds.built_at IS 'When the build ran.';
COMMENT ON COLUMN outcome_builds.cafe24_through IS 'Latest Cafe24 window read (cafe24_fetches.completed_at) the build included.';
COMMENT ON COLUMN outcome_builds.infobank_through IS 'Latest Infobank load (infobank_file_loads.loaded_at) the build included.';
COMMENT ON COLUMN outcome_builds.settle_hours IS 'The settle window in force.';
COMMENT ON COLUMN outcome_builds.dictionary_digest IS 'MD5 of status_codes: a changed dictionary rebuilds everything.';
COMMENT ON COLUMN outcome_builds.full_rebuild IS 'True when every message was rebuilt (first build, new dictionary or settle window).';
COMMENT ON COLUMN outcome_builds.messages_rebuilt IS 'Messages recomputed by the build.';
-- Warehouses made before builds recorded when they ran by the wall clock: the column, once.
ALTER TABLE outcome_builds ADD COLUMN IF NOT EXISTS recorded_at TIMESTAMPTZ;
COMMENT ON COLUMN outcome_builds.recorded_at IS 'When the build ran, by the wall clock (the start of its transaction; built_at is the moment it judged messages as of, which a caller may set): orders the builds as they ran. NULL for builds recorded before the column existed.';

CREATE TABLE IF NOT EXISTS outcome_changed_days (
    built_at TIMESTAMPTZ NOT NULL,
    vendor VARCHAR NOT NULL,
    activity_date DATE NOT NULL
);
COMMENT ON TABLE outcome_changed_days IS 'The vendor days whose outcomes a build changed (before or after): the days reports must rebuild.';
COMMENT ON COLUMN outcome_changed_days.built_at IS 'The build (outcome_builds.built_at).';
COMMENT ON COLUMN outcome_changed_days.vendor IS 'cafe24 or infobank.';
COMMENT ON COLUMN outcome_changed_days.activity_date IS 'A KST day with at least one rebuilt message.';

CREATE TABLE IF NOT EXISTS outcome_check_scope (
    message_key VARCHAR NOT NULL
);
COMMENT ON TABLE outcome_check_scope IS 'The messages the latest outcome build recomputed: what the run''s outcome checks look at (a check run with whole: true looks at every message).';
COMMENT ON COLUMN outcome_check_scope.message_key IS 'A message the latest build recomputed.';

-- Whether an outcome check looks at `message_key`: every message when `whole`, else those the latest build
-- recomputed. A daily run checks what it wrote, not the whole history.
CREATE OR REPLACE MACRO in_check_scope(message_key, whole) AS
    whole OR message_key IN (SELECT s.message_key FROM outcome_check_scope AS s);
-- The same for an Infobank report, by its msgid (infobank_msgid_of, the inverse of the key): a comparison of
-- the stored column, not a key built for every stored report.
CREATE OR REPLACE MACRO in_infobank_check_scope(msgid, whole) AS
    whole OR msgid IN (SELECT infobank_msgid_of(s.message_key) FROM outcome_check_scope AS s);

CREATE TABLE IF NOT EXISTS outcome_check_days (
    activity_date DATE NOT NULL
);
COMMENT ON TABLE outcome_check_days IS 'The days the latest outcome build changed, before or after (its outcome_changed_days): every row of a message it recomputed lies on one of them.';
COMMENT ON COLUMN outcome_check_days.activity_date IS 'A KST day the latest build changed.';

-- Whether an outcome check looks at the delivery_outcomes row of `message_key` on `activity_date`: as
-- in_check_scope, with the row's day among the days the latest build changed (every row of a recomputed
-- message is on one of them), so that the scan reads only those days, not every stored key.
CREATE OR REPLACE MACRO in_outcome_check_scope(message_key, activity_date, whole) AS
    in_check_scope(message_key, whole)
    AND (whole OR activity_date IN (SELECT d.activity_date FROM outcome_check_days AS d));
