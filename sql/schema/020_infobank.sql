-- Infobank tables: the stored report files as read, every accepted report line, and the quarantine.

CREATE TABLE IF NOT EXISTS infobank_stored_files (
    file_id VARCHAR PRIMARY KEY,
    source_file VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    modified_at TIMESTAMPTZ NOT NULL,
    modified_ns BIGINT NOT NULL,
    inode BIGINT NOT NULL,
    bytes_consumed BIGINT,
    lines_consumed BIGINT NOT NULL,
    head_bytes INTEGER,
    head_sha256 VARCHAR,
    tail_sha256 VARCHAR,
    first_loaded_at TIMESTAMPTZ NOT NULL,
    last_loaded_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE infobank_stored_files IS 'Every stored Infobank report file read so far, known by its content (not its name), and how far it was read: a grown file is read on from bytes_consumed, a replaced one from its first line.';
COMMENT ON COLUMN infobank_stored_files.file_id IS 'The file''s identity, given when it was first read; its report and quarantine rows carry it.';
COMMENT ON COLUMN infobank_stored_files.source_file IS 'The name it was last read under, relative to INFOBANK_REPORTS_DIR (a renamed file keeps its identity).';
COMMENT ON COLUMN infobank_stored_files.size_bytes IS 'Size on disk when last planned (compressed size for a gzip file).';
COMMENT ON COLUMN infobank_stored_files.modified_at IS 'Modification time when last planned.';
COMMENT ON COLUMN infobank_stored_files.modified_ns IS 'The same, in nanoseconds since the epoch: with size and inode, an unchanged file is not opened.';
COMMENT ON COLUMN infobank_stored_files.inode IS 'Inode number when last planned.';
COMMENT ON COLUMN infobank_stored_files.bytes_consumed IS 'Content bytes read: up to the end of the last complete line (decompressed bytes for a gzip file); NULL for a file recorded before bytes were counted.';
COMMENT ON COLUMN infobank_stored_files.lines_consumed IS 'Complete lines read so far (a last line without its newline waits for the next run).';
COMMENT ON COLUMN infobank_stored_files.head_bytes IS 'How many leading content bytes head_sha256 covers (up to 4096).';
COMMENT ON COLUMN infobank_stored_files.head_sha256 IS 'SHA-256 of the first head_bytes content bytes: finds the file again after a rename.';
COMMENT ON COLUMN infobank_stored_files.tail_sha256 IS 'SHA-256 of the up to 4096 content bytes before bytes_consumed (plain files): a file rewritten in place no longer matches.';
COMMENT ON COLUMN infobank_stored_files.first_loaded_at IS 'When the file was first read.';
COMMENT ON COLUMN infobank_stored_files.last_loaded_at IS 'When the file was last read.';

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
    file_id VARCHAR,
    PRIMARY KEY (load_id, source_file)
);
ALTER TABLE infobank_file_loads ADD COLUMN IF NOT EXISTS file_id VARCHAR;
COMMENT ON TABLE infobank_file_loads IS 'One row per file per load: lines_read = reports_accepted + retries + quarantined + blank_lines.';
COMMENT ON COLUMN infobank_file_loads.load_id IS 'The load (one ingestion run) that read these lines.';
COMMENT ON COLUMN infobank_file_loads.file_id IS 'The file read (infobank_stored_files).';
COMMENT ON COLUMN infobank_file_loads.source_file IS 'The name it was read under.';
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
    load_id VARCHAR NOT NULL,
    file_id VARCHAR
);
-- Warehouses made before the raw text of accepted reports was dropped (source_file and line_number trace
-- every report to its stored line; quarantined lines keep theirs): drop the column, once.
ALTER TABLE infobank_reports DROP COLUMN IF EXISTS raw;
-- Warehouses made before files were known by their content: the column that says which file (below).
ALTER TABLE infobank_reports ADD COLUMN IF NOT EXISTS file_id VARCHAR;
COMMENT ON TABLE infobank_reports IS 'Every valid Infobank delivery report line, parsed, retries included (flagged is_retry); source_file and line_number lead back to the stored line.';
COMMENT ON COLUMN infobank_reports.file_id IS 'The stored file the line came from (infobank_stored_files): with line_number, it leads back to the line even after the file was renamed or its name reused.';
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
    load_id VARCHAR NOT NULL,
    file_id VARCHAR
);
ALTER TABLE infobank_quarantine ADD COLUMN IF NOT EXISTS file_id VARCHAR;
COMMENT ON TABLE infobank_quarantine IS 'Stored lines that cannot be a report, with the reason; nothing is dropped silently.';
COMMENT ON COLUMN infobank_quarantine.file_id IS 'The stored file the line came from (infobank_stored_files).';
COMMENT ON COLUMN infobank_quarantine.source_file IS 'File the line came from.';
COMMENT ON COLUMN infobank_quarantine.line_number IS 'Line number in that file (1-based).';
COMMENT ON COLUMN infobank_quarantine.raw IS 'The line as stored; bytes that are not UTF-8 and control characters written as \\xNN, and of a line over 1 MiB its first MiB.';
COMMENT ON COLUMN infobank_quarantine.reason IS 'Why it is not a report (no msgid, no err_code, non-numeric rescnt, impossible date, invalid JSON ...).';
COMMENT ON COLUMN infobank_quarantine.load_id IS 'The load that read the line.';

-- Warehouses made before files were known by their content: carry their positions over once (by name, with
-- no fingerprint: the first read after the upgrade trusts the name, as before, and fingerprints the file),
-- give their rows a file_id, and drop the old table. On a newer warehouse this moves nothing.
CREATE TABLE IF NOT EXISTS infobank_files (
    source_file VARCHAR PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    modified_at TIMESTAMPTZ NOT NULL,
    lines_consumed BIGINT NOT NULL,
    first_loaded_at TIMESTAMPTZ NOT NULL,
    last_loaded_at TIMESTAMPTZ NOT NULL
);
INSERT INTO infobank_stored_files
SELECT md5(source_file), source_file, size_bytes, modified_at, -1, -1, NULL, lines_consumed, NULL, NULL, NULL,
       first_loaded_at, last_loaded_at
FROM infobank_files
WHERE md5(source_file) NOT IN (SELECT file_id FROM infobank_stored_files);
DROP TABLE infobank_files;
UPDATE infobank_file_loads SET file_id = md5(source_file)
WHERE file_id IS NULL;
UPDATE infobank_reports SET file_id = md5(source_file)
WHERE file_id IS NULL;
UPDATE infobank_quarantine SET file_id = md5(source_file)
WHERE file_id IS NULL;

CREATE TABLE IF NOT EXISTS infobank_loads (
    load_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    files_seen INTEGER NOT NULL,
    files_read INTEGER NOT NULL,
    lines_read BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    blank_lines BIGINT NOT NULL,
    files_with_problems INTEGER NOT NULL
);
COMMENT ON TABLE infobank_loads IS 'One row per Infobank ingestion run, including runs that found nothing new: what the run''s checks judge.';
COMMENT ON COLUMN infobank_loads.load_id IS 'The load (infobank_file_loads, infobank_reports and infobank_quarantine carry it).';
COMMENT ON COLUMN infobank_loads.started_at IS 'When the run started reading the store.';
COMMENT ON COLUMN infobank_loads.finished_at IS 'When it committed.';
COMMENT ON COLUMN infobank_loads.files_seen IS 'Report files found in the store.';
COMMENT ON COLUMN infobank_loads.files_read IS 'Files that had new complete lines.';
COMMENT ON COLUMN infobank_loads.lines_read IS 'Lines read by this run.';
COMMENT ON COLUMN infobank_loads.quarantined IS 'Lines of this run that went to infobank_quarantine.';
COMMENT ON COLUMN infobank_loads.blank_lines IS 'Blank lines of this run.';
COMMENT ON COLUMN infobank_loads.files_with_problems IS 'Files the run could not read or refused (infobank_file_problems).';

CREATE TABLE IF NOT EXISTS infobank_file_problems (
    load_id VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    problem VARCHAR NOT NULL
);
COMMENT ON TABLE infobank_file_problems IS 'Files of the report store a run could not read (a broken gzip file, no permission) or refused (a link leaving the store), with the reason; a file that can be read later is read then.';
COMMENT ON COLUMN infobank_file_problems.load_id IS 'The run that met the problem (infobank_loads).';
COMMENT ON COLUMN infobank_file_problems.source_file IS 'The name in the store.';
COMMENT ON COLUMN infobank_file_problems.problem IS 'What is wrong, in words.';

-- An Infobank message's key in delivery_outcomes: its msgid, prefixed so it can never meet a Cafe24 key.
CREATE OR REPLACE MACRO infobank_message_key(msgid) AS 'ib-' || msgid;

-- Its inverse: the msgid of an Infobank message key, NULL for any other key. Filtering reports by msgid
-- keeps the scan of infobank_reports a plain column comparison, not a key built for every stored report.
CREATE OR REPLACE MACRO infobank_msgid_of(message_key) AS
    CASE WHEN starts_with(message_key, 'ib-') THEN substr(message_key, 4) END;
