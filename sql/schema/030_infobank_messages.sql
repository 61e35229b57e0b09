-- One row per Infobank message (msgid), from its reports: the outcome, how many reports it took, conflicts.
-- Rule for the outcome: the final report (rslt_type 0 or absent) received last wins; a message with no
-- final report yet takes its latest DLR (rslt_type 3) and is pending. Retries never count twice.
-- "Received last" orders by received_at; a report that carries none (bare query-string files) takes its
-- file's modification time, the last moment it can have arrived; ties go to the later file name and line.

-- The stored reports with the columns the rule reads: a relation given to it needs these, and the build and
-- the checks copy only these of the reports they give it (a narrower copy is cheaper to make and aggregate).
CREATE OR REPLACE MACRO infobank_rule_reports() AS TABLE
    SELECT
        COLUMNS(LAMBDA name: list_contains([
            'source_file', 'line_number', 'received_at', 'msgid', 'to_number', 'to_country', 'ref', 'network',
            'carrier', 'err_code', 'rescnt', 'sent_at', 'is_final', 'report_fingerprint', 'is_retry', 'file_id'
        ], name))
    FROM infobank_reports;

-- The rule, as a table macro over any relation shaped like infobank_reports holding every report of the
-- messages it covers: the view below applies it to all reports, and the outcome build to the reports of the
-- messages that changed only (sql/staging/stg_infobank_outcomes.sql), so a build costs what changed, not what is stored.
CREATE OR REPLACE MACRO infobank_messages_of(reports) AS TABLE
    WITH ranked AS (
        SELECT
            r.*,
            row_number() OVER (
                PARTITION BY r.msgid
                ORDER BY r.is_final DESC, coalesce(r.received_at, f.modified_at) DESC, r.source_file DESC,
                         r.line_number DESC
            ) AS pick
        FROM query_table(reports) AS r
        LEFT JOIN infobank_stored_files AS f USING (file_id)
        WHERE NOT r.is_retry
    ),
    totals AS (
        SELECT
            msgid,
            count(*) AS report_count,
            count(*) FILTER (WHERE is_retry) AS retry_count,
            count(*) FILTER (WHERE NOT is_final AND NOT is_retry) AS dlr_count,
            -- Two different final reports or more: their least and greatest fingerprints differ (cheaper than
            -- counting the distinct ones).
            min(report_fingerprint) FILTER (WHERE is_final) AS least_final,
            max(report_fingerprint) FILTER (WHERE is_final) AS greatest_final,
            min(received_at) AS first_received_at,
            max(received_at) AS last_received_at,
            arg_min(file_id, (source_file, line_number)) AS first_file_id
        FROM query_table(reports)
        GROUP BY msgid
    )
    SELECT
        r.msgid,
        r.to_number,
        r.to_country,
        r.ref,
        r.network,
        r.carrier,
        r.err_code,
        r.is_final AS has_final,
        CASE WHEN r.is_final THEN r.rescnt END AS billed_units,
        r.sent_at AS delivered_at,
        t.report_count,
        t.retry_count,
        t.dlr_count,
        coalesce(t.least_final <> t.greatest_final, false) AS has_conflict,
        t.first_received_at,
        t.last_received_at,
        -- The KST day the message counts for: earliest receipt, else arrival, else when its file was written.
        CAST(coalesce(t.first_received_at, r.sent_at, first_file.modified_at) AS DATE) AS activity_date,
        r.source_file AS outcome_source_file,
        r.line_number AS outcome_line_number
    FROM ranked AS r
    INNER JOIN totals AS t USING (msgid)
    LEFT JOIN infobank_stored_files AS first_file ON t.first_file_id = first_file.file_id
    WHERE r.pick = 1;

CREATE OR REPLACE VIEW infobank_messages AS SELECT * FROM infobank_messages_of('infobank_reports');
COMMENT ON VIEW infobank_messages IS 'One row per Infobank msgid: the outcome from its last-received final report (else latest DLR, pending).';
COMMENT ON COLUMN infobank_messages.msgid IS 'Infobank message id.';
COMMENT ON COLUMN infobank_messages.to_number IS 'Recipient without country code, from the deciding report.';
COMMENT ON COLUMN infobank_messages.to_country IS 'Recipient country calling code.';
COMMENT ON COLUMN infobank_messages.ref IS 'The customer''s reference echoed from the submit.';
COMMENT ON COLUMN infobank_messages.network IS 'MCC+MNC of the recipient''s network.';
COMMENT ON COLUMN infobank_messages.carrier IS 'Carrier from network (mobile_networks); NULL when unknown.';
COMMENT ON COLUMN infobank_messages.err_code IS 'Result code of the deciding report (the last-received final, else the latest DLR).';
COMMENT ON COLUMN infobank_messages.has_final IS 'False while only DLR (rslt_type=3) reports arrived: the message is pending.';
COMMENT ON COLUMN infobank_messages.billed_units IS 'rescnt of the deciding final report, counted once; NULL without a final.';
COMMENT ON COLUMN infobank_messages.delivered_at IS 'Arrival on the handset (sent_date) of the deciding report.';
COMMENT ON COLUMN infobank_messages.report_count IS 'Report lines received for the message, retries included.';
COMMENT ON COLUMN infobank_messages.retry_count IS 'Lines that were Infobank resending a report already received.';
COMMENT ON COLUMN infobank_messages.dlr_count IS 'Distinct intermediate DLR reports.';
COMMENT ON COLUMN infobank_messages.has_conflict IS 'True when two different final reports arrived.';
COMMENT ON COLUMN infobank_messages.first_received_at IS 'Earliest received_at of its reports.';
COMMENT ON COLUMN infobank_messages.last_received_at IS 'Latest received_at of its reports.';
COMMENT ON COLUMN infobank_messages.activity_date IS 'KST day it counts for: earliest receipt, else arrival, else its first file''s modification time.';
COMMENT ON COLUMN infobank_messages.outcome_source_file IS 'File of the deciding report.';
COMMENT ON COLUMN infobank_messages.outcome_line_number IS 'Line of the deciding report.';
