-- One row per Infobank message (msgid), from its reports: the outcome, how many reports it took, conflicts.
-- Rule for the outcome: the final report (rslt_type 0 or absent) received last wins; a message with no
-- final report yet takes its latest DLR (rslt_type 3) and is pending. Retries never count twice.
-- "Received last" orders by received_at; a report that carries none (bare query-string files) takes its
-- file's modification time, the last moment it can have arrived; ties go to the later file name and line.

CREATE OR REPLACE VIEW infobank_messages AS
WITH ranked AS (
    SELECT
        r.*,
        row_number() OVER (
            PARTITION BY r.msgid
            ORDER BY r.is_final DESC, coalesce(r.received_at, f.modified_at) DESC, r.source_file DESC,
                     r.line_number DESC
        ) AS pick
    FROM infobank_reports AS r
    LEFT JOIN infobank_files AS f USING (source_file)
    WHERE NOT r.is_retry
),
totals AS (
    SELECT
        msgid,
        count(*) AS report_count,
        count(*) FILTER (WHERE is_retry) AS retry_count,
        count(*) FILTER (WHERE NOT is_final AND NOT is_retry) AS dlr_count,
        count(DISTINCT report_fingerprint) FILTER (WHERE is_final) AS distinct_finals,
        min(received_at) AS first_received_at,
        max(received_at) AS last_received_at,
        min(source_file) AS first_source_file
    FROM infobank_reports
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
    t.distinct_finals > 1 AS has_conflict,
    t.first_received_at,
    t.last_received_at,
    -- The KST day the message counts for: earliest receipt, else arrival, else when its file was written.
    CAST(coalesce(t.first_received_at, r.sent_at, first_file.modified_at) AS DATE) AS activity_date,
    r.source_file AS outcome_source_file,
    r.line_number AS outcome_line_number
FROM ranked AS r
JOIN totals AS t USING (msgid)
LEFT JOIN infobank_files AS first_file ON first_file.source_file = t.first_source_file
WHERE r.pick = 1;
COMMENT ON VIEW infobank_messages IS 'One row per Infobank msgid: the outcome from its last-received final report (else latest DLR, pending).';
