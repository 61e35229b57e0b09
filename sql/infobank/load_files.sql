-- Load the new lines of a chunk of stored Infobank report files: one read of all the chunk's files into one
-- in-memory table of parsed lines, then one insert per destination.
-- Inputs: the registered view infobank_batch(path, source_file, is_json, skip_lines, ends_with_newline,
-- size_bytes, modified_at), `path` being the file DuckDB reads (a gzip file's decompressed copy); $paths
-- (the same paths, in batch order); $json_files (for each of them, whether it holds JSON lines); $load_id.
-- Every line read lands in exactly one place: infobank_reports (a report, first seen or a retry),
-- infobank_quarantine (cannot be a report, with the reason), or the blank-line count.
-- Where the time goes (5 million lines, docs/infobank-ingestion.md): the parse into infobank_lines, then
-- writing infobank_reports; the other statements are small.

-- A value as the warehouse keeps it: URL-decoded when the line has escapes at all, trimmed, '' as NULL.
-- trim() only removes Unicode space separators (in ASCII only ' '), so a line with no space, no backslash
-- (JSON escape), no URL escape and no byte outside ASCII needs no trimming: `plain` skips it.
CREATE OR REPLACE TEMP MACRO infobank_value(v, escaped, plain) AS
    nullif(CASE
        WHEN plain THEN v
        WHEN escaped THEN trim(url_decode(replace(v, '+', ' ')))
        ELSE trim(v)
    END, '');

-- One parameter's value as written in a query string, the slow way, for the few lines the fast way below
-- cannot take: the text between the first '&<name>=' in '&' + `query` and the next '&' (string search).
CREATE OR REPLACE TEMP MACRO infobank_query_value(query, name) AS
    CASE WHEN contains('&' || query, '&' || name || '=') THEN
        split_part(substr('&' || query, strpos('&' || query, '&' || name || '=') + length(name) + 2), '&', 1)
    END;

-- One parameter as written: from the line's JSON object when it has one (`parsed`), else the slow way (a
-- JSON line whose object could not be read has no query either, so nothing).
CREATE OR REPLACE TEMP MACRO infobank_param(parsed, json_value, query, name) AS
    CASE WHEN parsed THEN json_value ELSE infobank_query_value(query, name) END;

-- Read and parse every line in one pass of scans and projections only: DuckDB keeps insertion order for
-- those (preserve_insertion_order, on by default), so rowid follows each file's line order and gives the
-- line numbers (infobank_chunk_files).
-- Only what the inserts below need is kept; the raw text only for lines that go to quarantine.
-- (CASE, unlike AND and OR in a projection, evaluates a branch only for the rows that take it.)
CREATE OR REPLACE TEMP TABLE infobank_lines AS
WITH raw_lines AS (
    -- The file as its place in $paths: a number is cheaper to keep and join on than a path on every line.
    -- (Not list_contains($json_paths, filename): with it, DuckDB 2.0 returned the last lines of some files
    -- after all the other files' lines, and their line numbers came out wrong.)
    SELECT
        list_position($paths, filename) AS file_number,
        $json_files[list_position($paths, filename)] AS is_json,
        line AS raw
    FROM read_csv($paths, columns = {'line': 'VARCHAR'}, delim = chr(0), quote = '', escape = '',
                  header = false, auto_detect = false, strict_mode = false, filename = true)
),
tabbed AS (
    SELECT *, CASE WHEN NOT is_json THEN strpos(raw, chr(9)) END AS tab FROM raw_lines
),
shaped AS (
    SELECT
        file_number, raw, is_json,
        -- Blank: NULL, or nothing but space separators. A line starting with an ASCII character other than
        -- ' ' is not, which spares trimming nearly every line.
        CASE
            WHEN raw IS NULL OR raw = '' THEN true
            WHEN ascii(raw) = 32 OR ascii(raw) > 127 THEN trim(raw) = ''
            ELSE false
        END AS is_blank,
        NOT contains(raw, ' ') AND NOT contains(raw, '\') AND strlen(raw) = length(raw) AS ascii_unspaced,
        CASE WHEN tab > 0 THEN trim(left(raw, tab - 1)) END AS stamp_text,
        CASE WHEN tab > 0 THEN substr(raw, tab + 1) WHEN NOT is_json THEN raw END AS request
    FROM tabbed
),
queried AS (
    SELECT
        file_number, raw, is_json, is_blank, ascii_unspaced, stamp_text,
        -- The parameters: everything after the first '?', or the whole request.
        CASE WHEN contains(request, '?') THEN substr(request, strpos(request, '?') + 1) ELSE request END
            AS query,
        coalesce(contains(request, '%') OR contains(request, '+'), false) AS escaped
    FROM shaped
),
documents AS (
    -- The fast way to every parameter at once: a query string with no '"' and no '\' whose parts all hold
    -- exactly one '=' turns into a JSON object by replacing '&' and '=', and reading an object takes the
    -- first value of a repeated name, as the slow way does. The rest yields invalid JSON: the slow way.
    SELECT
        *,
        CASE
            WHEN is_json THEN raw
            WHEN NOT contains(query, '"') AND NOT contains(query, '\')
                THEN '{"' || replace(replace(query, '&', '","'), '=', '":"') || '"}'
        END AS document
    FROM queried
),
parsed AS (
    SELECT
        file_number, raw, is_json, is_blank, ascii_unspaced, stamp_text, query, escaped,
        CASE
            -- A valid document that starts with '{' is an object; only an odd one needs json_type.
            WHEN json_valid(document) AND (starts_with(document, '{') OR json_type(document) = 'OBJECT')
                THEN json_transform(document, '{
                    "received_at": "VARCHAR", "msgid": "VARCHAR", "to": "VARCHAR", "to_country": "VARCHAR",
                    "ref": "VARCHAR", "network": "VARCHAR", "rescnt": "VARCHAR", "err_code": "VARCHAR",
                    "sent_date": "VARCHAR", "rslt_type": "VARCHAR"
                }')
        END AS j
    FROM documents
),
extracted AS (
    SELECT
        file_number, raw, is_blank, escaped,
        coalesce(ascii_unspaced, false) AND NOT escaped AS plain,
        NOT is_json OR j IS NOT NULL AS json_ok,
        coalesce(stamp_text, CASE WHEN is_json THEN nullif(trim(j.received_at), '') END) AS received_text,
        infobank_param(j IS NOT NULL, j.msgid, query, 'msgid') AS msgid,
        infobank_param(j IS NOT NULL, j."to", query, 'to') AS to_number,
        infobank_param(j IS NOT NULL, j.to_country, query, 'to_country') AS to_country,
        infobank_param(j IS NOT NULL, j.ref, query, 'ref') AS ref,
        infobank_param(j IS NOT NULL, j.network, query, 'network') AS network,
        infobank_param(j IS NOT NULL, j.rescnt, query, 'rescnt') AS rescnt_text,
        infobank_param(j IS NOT NULL, j.err_code, query, 'err_code') AS err_code,
        infobank_param(j IS NOT NULL, j.sent_date, query, 'sent_date') AS sent_date,
        infobank_param(j IS NOT NULL, j.rslt_type, query, 'rslt_type') AS rslt_type
    FROM parsed
),
fields AS (
    SELECT
        file_number, raw, is_blank, json_ok, received_text,
        infobank_value(msgid, escaped, plain) AS msgid,
        infobank_value(to_number, escaped, plain) AS to_number,
        infobank_value(to_country, escaped, plain) AS to_country,
        infobank_value(ref, escaped, plain) AS ref,
        infobank_value(network, escaped, plain) AS network,
        infobank_value(rescnt_text, escaped, plain) AS rescnt_text,
        infobank_value(err_code, escaped, plain) AS err_code,
        infobank_value(sent_date, escaped, plain) AS sent_date,
        infobank_value(rslt_type, escaped, plain) AS rslt_type
    FROM extracted
),
typed AS (
    SELECT
        *,
        try_cast(rescnt_text AS INTEGER) AS rescnt,
        try_strptime(sent_date, '%Y%m%d%H%M%S') AS sent_local,
        try_cast(received_text AS TIMESTAMPTZ) AS received_at
    FROM fields
),
checked AS (
    SELECT
        *,
        CASE
            WHEN is_blank THEN NULL
            WHEN NOT json_ok THEN 'not a JSON object'
            WHEN msgid IS NULL THEN 'no msgid'
            WHEN err_code IS NULL THEN 'no err_code'
            WHEN rescnt_text IS NOT NULL AND rescnt IS NULL THEN 'rescnt is not a whole number'
            WHEN rescnt < 0 THEN 'rescnt is negative'
            WHEN sent_date IS NOT NULL AND sent_local IS NULL
                THEN 'sent_date is not a valid YYYYMMDDHHMMSS time'
            WHEN received_text IS NOT NULL AND received_at IS NULL THEN 'received_at is not an ISO-8601 time'
            WHEN rslt_type IS NOT NULL AND rslt_type NOT IN ('0', '3')
                THEN 'rslt_type is neither 0 (final) nor 3 (DLR)'
        END AS reject_reason
    FROM typed
)
SELECT
    file_number, is_blank, reject_reason,
    CASE WHEN reject_reason IS NOT NULL THEN raw END AS raw,
    received_at, msgid, to_number, to_country, ref, network, err_code, rescnt, sent_date,
    timezone('Asia/Seoul', sent_local) AS sent_at, rslt_type,
    md5_number(concat_ws(chr(31), msgid, coalesce(to_number, ''), coalesce(to_country, ''), coalesce(ref, ''),
                  coalesce(network, ''), coalesce(rescnt_text, ''), err_code, coalesce(sent_date, ''),
                  coalesce(rslt_type, ''))) AS fingerprint
FROM checked;

-- Each file of the chunk with its first row and line count (line numbers, lines already loaded, an
-- unfinished last line), and its place in name order (the tie-break between equal arrival times).
-- Line numbers need each file's lines together and in order: lines that are not together fail the load
-- rather than get wrong numbers.
CREATE OR REPLACE TEMP TABLE infobank_chunk_files AS
WITH spans AS (
    SELECT file_number, min(rowid) AS first_rowid, max(rowid) AS last_rowid, count(*) AS lines_in_file
    FROM infobank_lines
    GROUP BY file_number
)
SELECT
    list_position($paths, b.path) AS file_number,
    b.source_file, b.modified_at, b.skip_lines, b.ends_with_newline, b.size_bytes,
    coalesce(s.first_rowid, 0) AS first_rowid,
    coalesce(s.lines_in_file, 0) AS lines_in_file,
    row_number() OVER (ORDER BY b.source_file) AS name_rank,
    CASE WHEN s.last_rowid - s.first_rowid + 1 <> s.lines_in_file THEN
        error('Infobank ingestion: DuckDB did not return the lines of ' || b.source_file || ' in order')
    END AS in_order
FROM infobank_batch AS b
LEFT JOIN spans AS s ON s.file_number = list_position($paths, b.path);

-- The lines not loaded before: lines already loaded are skipped, and a last line still missing its
-- newline waits for the next run.
CREATE OR REPLACE TEMP VIEW infobank_fresh AS
SELECT l.*, l.rowid AS line_rowid, f.source_file, f.modified_at AS file_modified_at, f.name_rank,
       l.rowid - f.first_rowid + 1 AS line_number
FROM infobank_lines AS l
JOIN infobank_chunk_files AS f USING (file_number)
WHERE l.rowid - f.first_rowid + 1 > f.skip_lines
  AND (f.ends_with_newline OR l.rowid - f.first_rowid + 1 < f.lines_in_file);

-- The first line holding each report is the original; the rest are Infobank's resends, as is every line
-- whose report an earlier load (or an earlier chunk of this one) already stored. "First" is by received_at,
-- or the file's modification time for a line without one (as in infobank_messages), then file and line.
-- `reports` is read twice rather than materialised: scanning infobank_lines again costs less than copying it.
INSERT INTO infobank_reports (
    source_file, line_number, received_at, msgid, to_number, to_country, ref, network, carrier, err_code,
    rescnt, sent_date, sent_at, rslt_type, is_final, report_fingerprint, is_retry, known_code, known_network,
    load_id
)
WITH reports AS NOT MATERIALIZED (
    SELECT * FROM infobank_fresh WHERE NOT is_blank AND reject_reason IS NULL
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
    r.source_file,
    r.line_number,
    r.received_at,
    r.msgid,
    r.to_number,
    r.to_country,
    r.ref,
    r.network,
    n.carrier,
    r.err_code,
    r.rescnt,
    r.sent_date,
    r.sent_at,
    r.rslt_type,
    coalesce(r.rslt_type, '0') = '0',
    r.fingerprint,
    r.line_rowid <> o.first_rowid OR r.fingerprint IN (SELECT fingerprint FROM stored),
    k.code IS NOT NULL,
    n.network IS NOT NULL,
    $load_id
FROM reports AS r
JOIN originals AS o USING (fingerprint)
LEFT JOIN mobile_networks AS n ON n.network = r.network
LEFT JOIN status_codes AS k ON k.vendor = 'infobank' AND k.code_kind = 'report' AND k.code = r.err_code;

INSERT INTO infobank_quarantine
SELECT source_file, line_number, raw, reject_reason, $load_id
FROM infobank_fresh
WHERE reject_reason IS NOT NULL;

INSERT INTO infobank_file_loads
WITH line_counts AS (
    SELECT
        source_file,
        count(*) AS lines_read,
        count(*) FILTER (WHERE reject_reason IS NOT NULL) AS quarantined,
        count(*) FILTER (WHERE is_blank) AS blank_lines
    FROM infobank_fresh
    GROUP BY source_file
),
report_counts AS (
    SELECT
        source_file,
        count(*) FILTER (WHERE NOT is_retry) AS accepted,
        count(*) FILTER (WHERE is_retry) AS retries
    FROM infobank_reports
    WHERE load_id = $load_id AND source_file IN (SELECT source_file FROM infobank_chunk_files)
    GROUP BY source_file
)
SELECT
    $load_id,
    f.source_file,
    f.skip_lines + 1,
    coalesce(l.lines_read, 0),
    coalesce(r.accepted, 0),
    coalesce(r.retries, 0),
    coalesce(l.quarantined, 0),
    coalesce(l.blank_lines, 0),
    now()
FROM infobank_chunk_files AS f
LEFT JOIN line_counts AS l USING (source_file)
LEFT JOIN report_counts AS r USING (source_file);

INSERT INTO infobank_files
SELECT f.source_file, f.size_bytes, f.modified_at, f.skip_lines + l.lines_read, now(), now()
FROM infobank_chunk_files AS f
JOIN infobank_file_loads AS l ON l.source_file = f.source_file AND l.load_id = $load_id
ON CONFLICT (source_file) DO UPDATE SET
    size_bytes = excluded.size_bytes,
    modified_at = excluded.modified_at,
    lines_consumed = excluded.lines_consumed,
    last_loaded_at = excluded.last_loaded_at;

-- The chunk's lines are in the warehouse now; free their memory before the next chunk.
DROP VIEW infobank_fresh;
DROP TABLE infobank_chunk_files;
DROP TABLE infobank_lines;
