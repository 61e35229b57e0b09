-- The chunk's reports, each judged original or retry (a view, read once by sql/writes/infobank_reports.sql).
-- The first line holding each report is the original; the rest are Infobank's resends, as is every line
-- whose report an earlier load (or an earlier chunk of this one) already stored. "First" is by received_at,
-- or the file's modification time for a line without one (as in infobank_messages), then file and line.
-- `reports` is read twice rather than materialised: scanning the lines again costs less than copying them.
WITH reports AS NOT MATERIALIZED (
    SELECT * FROM int_infobank_chunk_lines
    WHERE NOT is_blank AND reject_reason IS NULL
),

originals AS (
    SELECT
        fingerprint,
        arg_min(line_rowid, (coalesce(received_at, file_modified_at), name_rank, line_number)) AS first_rowid
    FROM reports
    GROUP BY fingerprint
),

stored AS (
    SELECT DISTINCT report_fingerprint AS fingerprint
    FROM infobank_reports
    WHERE report_fingerprint IN (SELECT fingerprint FROM reports)
)

SELECT
    reports.source_file,
    reports.line_number,
    reports.received_at,
    reports.msgid,
    reports.to_number,
    reports.to_country,
    reports.ref,
    reports.network,
    networks.carrier,
    reports.err_code,
    reports.rescnt,
    reports.sent_date,
    reports.sent_at,
    reports.rslt_type,
    coalesce(reports.rslt_type, '0') = '0' AS is_final,
    reports.fingerprint AS report_fingerprint,
    reports.line_rowid <> originals.first_rowid
    OR reports.fingerprint IN (SELECT fingerprint FROM stored) AS is_retry,
    codes.code IS NOT NULL AS known_code,
    networks.network IS NOT NULL AS known_network,
    reports.file_id
FROM reports
INNER JOIN originals USING (fingerprint)
LEFT JOIN mobile_networks AS networks ON reports.network = networks.network
LEFT JOIN status_codes AS codes
    ON codes.vendor = 'infobank' AND codes.code_kind = 'report' AND reports.err_code = codes.code
