-- Infobank tables: the stored report files as read, every accepted report line, and the quarantine.

CREATE TABLE IF NOT EXISTS infobank_files (
    source_file VARCHAR PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    modified_at TIMESTAMPTZ NOT NULL,
    lines_consumed BIGINT NOT NULL,
    first_loaded_at TIMESTAMPTZ NOT NULL,
    last_loaded_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE infobank_files IS 'Every stored Infobank report file read so far, and how far: a grown file is read on from lines_consumed.';
COMMENT ON COLUMN infobank_files.source_file IS 'File name, relative to INFOBANK_REPORTS_DIR.';
COMMENT ON COLUMN infobank_files.size_bytes IS 'Size when last read.';
COMMENT ON COLUMN infobank_files.modified_at IS 'Modification time when last read.';
COMMENT ON COLUMN infobank_files.lines_consumed IS 'Complete lines read so far (a last line without its newline waits for the next run).';
COMMENT ON COLUMN infobank_files.first_loaded_at IS 'When the file was first read.';
COMMENT ON COLUMN infobank_files.last_loaded_at IS 'When the file was last read.';

CREATE TABLE IF NOT EXISTS infobank_file_loads (
    load_id VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    from_line BIGINT NOT NULL,
    lines_read BIGINT NOT NULL,
    reports_accepted BIGINT NOT NULL,
    retries BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    blank_lines BIGINT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (load_id, source_file)
);
COMMENT ON TABLE infobank_file_loads IS 'One row per file per load: lines_read = reports_accepted + retries + quarantined + blank_lines.';
COMMENT ON COLUMN infobank_file_loads.load_id IS 'The load (one ingestion run) that read these lines.';
COMMENT ON COLUMN infobank_file_loads.source_file IS 'The file read.';
COMMENT ON COLUMN infobank_file_loads.from_line IS 'First line number read in this load (1-based).';
COMMENT ON COLUMN infobank_file_loads.lines_read IS 'Lines read in this load.';
COMMENT ON COLUMN infobank_file_loads.reports_accepted IS 'Valid reports seen for the first time.';
COMMENT ON COLUMN infobank_file_loads.retries IS 'Valid reports that repeat an earlier report exactly (Infobank resends).';
COMMENT ON COLUMN infobank_file_loads.quarantined IS 'Lines that cannot be a report (see infobank_quarantine).';
COMMENT ON COLUMN infobank_file_loads.blank_lines IS 'Empty lines, skipped.';
COMMENT ON COLUMN infobank_file_loads.loaded_at IS 'When the load committed.';

CREATE TABLE IF NOT EXISTS infobank_reports (
    source_file VARCHAR NOT NULL,
    line_number BIGINT NOT NULL,
    received_at TIMESTAMPTZ,
    msgid VARCHAR NOT NULL,
    to_number VARCHAR,
    to_country VARCHAR,
    ref VARCHAR,
    network VARCHAR,
    carrier VARCHAR,
    err_code VARCHAR NOT NULL,
    rescnt INTEGER,
    sent_date VARCHAR,
    sent_at TIMESTAMPTZ,
    rslt_type VARCHAR,
    is_final BOOLEAN NOT NULL,
    report_fingerprint UHUGEINT NOT NULL,
    is_retry BOOLEAN NOT NULL,
    known_code BOOLEAN NOT NULL,
    known_network BOOLEAN NOT NULL,
    load_id VARCHAR NOT NULL
);
-- Warehouses made before the raw text of accepted reports was dropped (source_file and line_number trace
-- every report to its stored line; quarantined lines keep theirs): drop the column, once.
ALTER TABLE infobank_reports DROP COLUMN IF EXISTS raw;
COMMENT ON TABLE infobank_reports IS 'Every valid Infobank delivery report line, parsed, retries included (flagged is_retry); source_file and line_number lead back to the stored line.';
COMMENT ON COLUMN infobank_reports.source_file IS 'File the line came from, relative to INFOBANK_REPORTS_DIR.';
COMMENT ON COLUMN infobank_reports.line_number IS 'Line number in that file (1-based, blank lines counted).';
COMMENT ON COLUMN infobank_reports.received_at IS 'When the report was received (the line''s timestamp); NULL when the file format has none.';
COMMENT ON COLUMN infobank_reports.msgid IS 'Infobank message id.';
COMMENT ON COLUMN infobank_reports.to_number IS 'Recipient without country code (to), URL-decoded.';
COMMENT ON COLUMN infobank_reports.to_country IS 'Recipient country calling code (to_country), 82 for Korea.';
COMMENT ON COLUMN infobank_reports.ref IS 'The customer''s own reference echoed from the submit.';
COMMENT ON COLUMN infobank_reports.network IS 'MCC+MNC of the recipient''s network, as received.';
COMMENT ON COLUMN infobank_reports.carrier IS 'Carrier from network through mobile_networks (SKT, KT, LG U+ ...); NULL when unknown.';
COMMENT ON COLUMN infobank_reports.err_code IS 'Report result code (1000 delivered; see status_codes).';
COMMENT ON COLUMN infobank_reports.rescnt IS 'Units billed for the message (a split international message bills several).';
COMMENT ON COLUMN infobank_reports.sent_date IS 'Arrival on the handset as received (YYYYMMDDHHMMSS KST); absent when not delivered.';
COMMENT ON COLUMN infobank_reports.sent_at IS 'sent_date as a timestamp (KST).';
COMMENT ON COLUMN infobank_reports.rslt_type IS 'Report kind as received: 0 final, 3 intermediate DLR; NULL when absent (= final).';
COMMENT ON COLUMN infobank_reports.is_final IS 'True for a final report (rslt_type 0 or absent).';
COMMENT ON COLUMN infobank_reports.report_fingerprint IS 'MD5 (as a 128-bit number) of the report''s parameters (without received_at): equal fingerprints are the same report resent.';
COMMENT ON COLUMN infobank_reports.is_retry IS 'True when an earlier line held the same report (Infobank resent it); never counted as a new message.';
COMMENT ON COLUMN infobank_reports.known_code IS 'False when err_code is not in the vendor''s code list (kept, counted, flagged).';
COMMENT ON COLUMN infobank_reports.known_network IS 'False when network is not in mobile_networks (kept, counted, flagged).';
COMMENT ON COLUMN infobank_reports.load_id IS 'The load that read the line (infobank_file_loads).';

CREATE TABLE IF NOT EXISTS infobank_quarantine (
    source_file VARCHAR NOT NULL,
    line_number BIGINT NOT NULL,
    raw VARCHAR,
    reason VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);
COMMENT ON TABLE infobank_quarantine IS 'Stored lines that cannot be a report, with the reason; nothing is dropped silently.';
COMMENT ON COLUMN infobank_quarantine.source_file IS 'File the line came from.';
COMMENT ON COLUMN infobank_quarantine.line_number IS 'Line number in that file (1-based).';
COMMENT ON COLUMN infobank_quarantine.raw IS 'The line exactly as stored.';
COMMENT ON COLUMN infobank_quarantine.reason IS 'Why it is not a report (no msgid, no err_code, non-numeric rescnt, impossible date, invalid JSON ...).';
COMMENT ON COLUMN infobank_quarantine.load_id IS 'The load that read the line.';
