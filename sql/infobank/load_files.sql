-- Load a chunk of new Infobank report lines: one read of all the chunk's copies into one in-memory table of
-- parsed lines, then one insert per destination.
-- Inputs: the registered view infobank_batch(path, file_id, source_file, first_line, expected_lines,
-- modified_at, name_rank): one row per copy of a stored file's new complete lines (pipelines/infobank/
-- lines.py), `path` being the copy DuckDB reads; $paths (the same paths, in batch order); $json_files (for
-- each of them, whether it holds JSON lines); $load_id.
-- A copy holds only complete, new lines, and a line DuckDB cannot read as it is (not UTF-8, a NUL byte, too
-- long) stands there as a marker line: chr(1) || reason || chr(1) || the line escaped.
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

-- A time a report can carry: not before 2000 (KST has kept no summer time since 1988, so no local time
-- from 2000 on is missing or repeated) and not later than `latest`, give or take an hour of clock skew.
CREATE OR REPLACE TEMP MACRO infobank_plausible(t, latest) AS
    t >= TIMESTAMPTZ '2000-01-01 00:00:00+09' AND t <= latest + INTERVAL 1 HOUR;

-- Whether any field of a JSON line (read as JSON values) is an object or an array.
CREATE OR REPLACE TEMP MACRO infobank_has_nested(j) AS
    list_bool_or([coalesce(json_type(v) IN ('OBJECT', 'ARRAY'), false) FOR v IN [
        j.received_at, j.msgid, j."to", j.to_country, j.ref, j.network, j.rescnt, j.err_code, j.sent_date,
        j.rslt_type
    ]]);

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
                  header = false, auto_detect = false, strict_mode = false, filename = true,
                  max_line_size = 16777216)
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
nested AS (
    -- A JSON line's value that is an object or an array is no report field: the line is quarantined.
    SELECT
        *,
        CASE WHEN is_json AND j IS NOT NULL THEN infobank_has_nested(json_transform(raw, '{
            "received_at": "JSON", "msgid": "JSON", "to": "JSON", "to_country": "JSON", "ref": "JSON",
            "network": "JSON", "rescnt": "JSON", "err_code": "JSON", "sent_date": "JSON", "rslt_type": "JSON"
        }')) ELSE false END AS has_nested
    FROM parsed
),
extracted AS (
    SELECT
        file_number, raw, is_blank, escaped, has_nested,
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
    FROM nested
),
fields AS (
    SELECT
        file_number, raw, is_blank, json_ok, has_nested, received_text,
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
        -- Whole numbers only: a cast alone would round 1.5 to 2 and read 1e2 as 100.
        CASE WHEN regexp_full_match(rescnt_text, '-?[0-9]{1,9}') THEN CAST(rescnt_text AS INTEGER) END AS rescnt,
        try_strptime(sent_date, '%Y%m%d%H%M%S') AS sent_local,
        try_cast(received_text AS TIMESTAMPTZ) AS received_at
    FROM fields
),
checked AS (
    SELECT
        *,
        CASE
            WHEN starts_with(raw, chr(1)) THEN split_part(raw, chr(1), 2)
            WHEN is_blank THEN NULL
            WHEN NOT json_ok THEN 'not a JSON object'
            WHEN has_nested THEN 'a value is a JSON object or array'
            WHEN msgid IS NULL THEN 'no msgid'
            WHEN err_code IS NULL THEN 'no err_code'
            WHEN rescnt_text IS NOT NULL AND rescnt IS NULL THEN 'rescnt is not a whole number'
            WHEN rescnt < 0 THEN 'rescnt is negative'
            WHEN sent_date IS NOT NULL AND sent_local IS NULL
                THEN 'sent_date is not a valid YYYYMMDDHHMMSS time'
            WHEN received_text IS NOT NULL AND received_at IS NULL THEN 'received_at is not an ISO-8601 time'
            WHEN received_at IS NOT NULL AND NOT infobank_plausible(received_at, now())
                THEN 'received_at is before 2000 or in the future'
            WHEN sent_local IS NOT NULL AND NOT infobank_plausible(
                timezone('Asia/Seoul', sent_local), coalesce(received_at, now())
            ) THEN 'sent_date is before 2000 or later than the report was received'
            WHEN rslt_type IS NOT NULL AND rslt_type NOT IN ('0', '3')
                THEN 'rslt_type is neither 0 (final) nor 3 (DLR)'
        END AS reject_reason
    FROM typed
)
SELECT
    file_number, is_blank, reject_reason,
    CASE
        WHEN starts_with(raw, chr(1)) THEN split_part(raw, chr(1), 3)
        WHEN reject_reason IS NOT NULL THEN raw
    END AS raw,
    received_at, msgid, to_number, to_country, ref, network, err_code, rescnt, sent_date,
    timezone('Asia/Seoul', sent_local) AS sent_at, rslt_type,
    md5_number(concat_ws(chr(31), msgid, coalesce(to_number, ''), coalesce(to_country, ''), coalesce(ref, ''),
                  coalesce(network, ''), coalesce(rescnt_text, ''), err_code, coalesce(sent_date, ''),
                  coalesce(rslt_type, ''))) AS fingerprint
FROM checked;

-- Each copy of the chunk with its first row, and its line count checked against the count taken while it
-- was written: a line DuckDB split or merged fails the load rather than shift every line number after it.
-- Line numbers need each copy's lines together and in order: lines that are not together fail the load too.
CREATE OR REPLACE TEMP TABLE infobank_chunk_files AS
WITH spans AS (
    SELECT file_number, min(rowid) AS first_rowid, max(rowid) AS last_rowid, count(*) AS lines_in_file
    FROM infobank_lines
    GROUP BY file_number
)
SELECT
    list_position($paths, b.path) AS file_number,
    b.file_id, b.source_file, b.modified_at, b.first_line, b.expected_lines, b.name_rank,
    coalesce(s.first_rowid, 0) AS first_rowid,
    CASE
        WHEN coalesce(s.lines_in_file, 0) <> b.expected_lines THEN
            error('Infobank ingestion: ' || b.source_file || ' from line ' || b.first_line || ': DuckDB read '
                  || coalesce(s.lines_in_file, 0) || ' lines where ' || b.expected_lines || ' were written')
        WHEN s.last_rowid - s.first_rowid + 1 <> s.lines_in_file THEN
            error('Infobank ingestion: DuckDB did not return the lines of ' || b.source_file || ' in order')
    END AS verified
FROM infobank_batch AS b
LEFT JOIN spans AS s ON s.file_number = list_position($paths, b.path);

-- Every line of the chunk with the file it came from and its line number there.
CREATE OR REPLACE TEMP VIEW infobank_fresh AS
SELECT l.*, l.rowid AS line_rowid, f.file_id, f.source_file, f.modified_at AS file_modified_at, f.name_rank,
       f.first_line + l.rowid - f.first_rowid AS line_number
FROM infobank_lines AS l
JOIN infobank_chunk_files AS f USING (file_number);

-- The first line holding each report is the original; the rest are Infobank's resends, as is every line
-- whose report an earlier load (or an earlier chunk of this one) already stored. "First" is by received_at,
-- or the file's modification time for a line without one (as in infobank_messages), then file and line.
-- `reports` is read twice rather than materialised: scanning infobank_lines again costs less than copying it.
INSERT INTO infobank_reports (
    source_file, line_number, received_at, msgid, to_number, to_country, ref, network, carrier, err_code,
    rescnt, sent_date, sent_at, rslt_type, is_final, report_fingerprint, is_retry, known_code, known_network,
    load_id, file_id
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
    $load_id,
    r.file_id
FROM reports AS r
JOIN originals AS o USING (fingerprint)
LEFT JOIN mobile_networks AS n ON n.network = r.network
LEFT JOIN status_codes AS k ON k.vendor = 'infobank' AND k.code_kind = 'report' AND k.code = r.err_code;

INSERT INTO infobank_quarantine (source_file, line_number, raw, reason, load_id, file_id)
SELECT source_file, line_number, raw, reject_reason, $load_id, file_id
FROM infobank_fresh
WHERE reject_reason IS NOT NULL;

-- What each copy's lines became, added up per file at the end of the load (infobank/record_files).
INSERT INTO infobank_load_spans
WITH line_counts AS (
    SELECT
        file_number,
        count(*) AS lines_read,
        count(*) FILTER (WHERE reject_reason IS NOT NULL) AS quarantined,
        count(*) FILTER (WHERE is_blank) AS blank_lines
    FROM infobank_fresh
    GROUP BY file_number
),
report_counts AS (
    SELECT
        f.file_number,
        count(*) FILTER (WHERE NOT r.is_retry) AS accepted,
        count(*) FILTER (WHERE r.is_retry) AS retries
    FROM infobank_reports AS r
    JOIN infobank_chunk_files AS f
        ON r.file_id = f.file_id AND r.line_number >= f.first_line
        AND r.line_number < f.first_line + f.expected_lines
    WHERE r.load_id = $load_id
    GROUP BY f.file_number
)
SELECT
    f.file_id,
    f.source_file,
    f.first_line,
    coalesce(l.lines_read, 0),
    coalesce(r.accepted, 0),
    coalesce(r.retries, 0),
    coalesce(l.quarantined, 0),
    coalesce(l.blank_lines, 0)
FROM infobank_chunk_files AS f
LEFT JOIN line_counts AS l USING (file_number)
LEFT JOIN report_counts AS r USING (file_number);

-- The chunk's lines are in the warehouse now; free their memory before the next chunk.
DROP VIEW infobank_fresh;
DROP TABLE infobank_chunk_files;
DROP TABLE infobank_lines;
