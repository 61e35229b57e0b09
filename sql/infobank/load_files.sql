-- Load the new lines of a batch of stored Infobank report files, all in one set-based pass.
-- Inputs: the registered view infobank_batch(path, source_file, is_json, skip_lines, ends_with_newline,
-- size_bytes, modified_at); $paths (the same paths, in batch order); $load_id.
-- Every line read lands in exactly one place: infobank_reports (a report, first seen or a retry),
-- infobank_quarantine (cannot be a report, with the reason), or the blank-line count.

-- DuckDB keeps insertion order here, so rowid follows each file's line order.
CREATE OR REPLACE TEMP TABLE infobank_raw_lines AS
SELECT filename AS path, line AS raw
FROM read_csv($paths, columns = {'line': 'VARCHAR'}, delim = chr(0), quote = '', escape = '',
              header = false, auto_detect = false, strict_mode = false, filename = true);

CREATE OR REPLACE TEMP MACRO infobank_param(json_ok, raw, params, name) AS
    nullif(trim(CASE
        WHEN json_ok THEN json_extract_string(raw, '$.' || name)
        ELSE list_extract(list_filter(params, lambda p: p.k = name), 1).v
    END), '');

CREATE OR REPLACE TEMP TABLE infobank_lines AS
WITH numbered AS (
    SELECT
        b.source_file,
        b.is_json,
        l.rowid - min(l.rowid) OVER (PARTITION BY l.path) + 1 AS line_number,
        count(*) OVER (PARTITION BY l.path) AS lines_in_file,
        b.skip_lines,
        b.ends_with_newline,
        l.raw
    FROM infobank_raw_lines AS l
    JOIN infobank_batch AS b USING (path)
),
fresh AS (
    -- Lines already loaded are skipped; a last line still missing its newline waits for the next run.
    SELECT *
    FROM numbered
    WHERE line_number > skip_lines AND (ends_with_newline OR line_number < lines_in_file)
),
split AS (
    SELECT
        *,
        is_json AND json_valid(raw) AS json_ok,
        CASE WHEN NOT is_json AND contains(raw, chr(9)) THEN trim(split_part(raw, chr(9), 1)) END AS stamp_text,
        CASE WHEN NOT is_json THEN
            regexp_replace(CASE WHEN contains(raw, chr(9)) THEN substr(raw, strpos(raw, chr(9)) + 1) ELSE raw END,
                           '^[^?]*\?', '')
        END AS query
    FROM fresh
),
paired AS (
    SELECT
        *,
        list_transform(
            string_split(coalesce(query, ''), '&'),
            lambda kv: {
                'k': url_decode(split_part(kv, '=', 1)),
                'v': CASE WHEN contains(kv, '=') THEN url_decode(replace(substr(kv, strpos(kv, '=') + 1), '+', ' ')) END
            }
        ) AS params
    FROM split
)
SELECT
    source_file,
    line_number,
    raw,
    trim(coalesce(raw, '')) = '' AS is_blank,
    is_json,
    json_ok,
    coalesce(stamp_text, infobank_param(json_ok, raw, params, 'received_at')) AS received_text,
    infobank_param(json_ok, raw, params, 'msgid') AS msgid,
    infobank_param(json_ok, raw, params, 'to') AS to_number,
    infobank_param(json_ok, raw, params, 'to_country') AS to_country,
    infobank_param(json_ok, raw, params, 'ref') AS ref,
    infobank_param(json_ok, raw, params, 'network') AS network,
    infobank_param(json_ok, raw, params, 'rescnt') AS rescnt_text,
    infobank_param(json_ok, raw, params, 'err_code') AS err_code,
    infobank_param(json_ok, raw, params, 'sent_date') AS sent_date,
    infobank_param(json_ok, raw, params, 'rslt_type') AS rslt_type
FROM paired;

CREATE OR REPLACE TEMP TABLE infobank_checked AS
SELECT
    *,
    CASE
        WHEN is_blank THEN NULL
        WHEN is_json AND NOT json_ok THEN 'not a JSON object'
        WHEN msgid IS NULL THEN 'no msgid'
        WHEN err_code IS NULL THEN 'no err_code'
        WHEN rescnt_text IS NOT NULL AND try_cast(rescnt_text AS INTEGER) IS NULL THEN 'rescnt is not a whole number'
        WHEN try_cast(rescnt_text AS INTEGER) < 0 THEN 'rescnt is negative'
        WHEN sent_date IS NOT NULL AND try_strptime(sent_date, '%Y%m%d%H%M%S') IS NULL
            THEN 'sent_date is not a valid YYYYMMDDHHMMSS time'
        WHEN received_text IS NOT NULL AND try_cast(received_text AS TIMESTAMPTZ) IS NULL
            THEN 'received_at is not an ISO-8601 time'
        WHEN rslt_type IS NOT NULL AND rslt_type NOT IN ('0', '3') THEN 'rslt_type is neither 0 (final) nor 3 (DLR)'
    END AS reject_reason
FROM infobank_lines;

INSERT INTO infobank_reports
WITH valid AS (
    SELECT
        *,
        md5(concat_ws(chr(31), msgid, coalesce(to_number, ''), coalesce(to_country, ''), coalesce(ref, ''),
                      coalesce(network, ''), coalesce(rescnt_text, ''), err_code, coalesce(sent_date, ''),
                      coalesce(rslt_type, ''))) AS fingerprint,
        try_cast(received_text AS TIMESTAMPTZ) AS received_at
    FROM infobank_checked
    WHERE NOT is_blank AND reject_reason IS NULL
)
SELECT
    v.source_file,
    v.line_number,
    v.received_at,
    v.msgid,
    v.to_number,
    v.to_country,
    v.ref,
    v.network,
    n.carrier,
    v.err_code,
    CAST(v.rescnt_text AS INTEGER),
    v.sent_date,
    timezone('Asia/Seoul', strptime(v.sent_date, '%Y%m%d%H%M%S')),
    v.rslt_type,
    coalesce(v.rslt_type, '0') = '0',
    v.fingerprint,
    row_number() OVER (
        PARTITION BY v.fingerprint ORDER BY v.received_at NULLS LAST, v.source_file, v.line_number
    ) > 1 OR v.fingerprint IN (SELECT report_fingerprint FROM infobank_reports),
    v.err_code IN (SELECT code FROM infobank_report_codes),
    n.network IS NOT NULL,
    v.raw,
    $load_id
FROM valid AS v
LEFT JOIN mobile_networks AS n ON n.network = v.network;

INSERT INTO infobank_quarantine
SELECT source_file, line_number, raw, reject_reason, $load_id
FROM infobank_checked
WHERE reject_reason IS NOT NULL;

INSERT INTO infobank_file_loads
SELECT
    $load_id,
    b.source_file,
    b.skip_lines + 1,
    count(c.line_number),
    count(*) FILTER (WHERE r.is_retry = false),
    count(*) FILTER (WHERE r.is_retry),
    count(*) FILTER (WHERE c.reject_reason IS NOT NULL),
    count(*) FILTER (WHERE c.is_blank),
    now()
FROM infobank_batch AS b
LEFT JOIN infobank_checked AS c ON c.source_file = b.source_file
LEFT JOIN infobank_reports AS r
    ON r.source_file = c.source_file AND r.line_number = c.line_number AND r.load_id = $load_id
GROUP BY b.source_file, b.skip_lines;

INSERT INTO infobank_files
SELECT b.source_file, b.size_bytes, b.modified_at, b.skip_lines + l.lines_read, now(), now()
FROM infobank_batch AS b
JOIN infobank_file_loads AS l ON l.source_file = b.source_file AND l.load_id = $load_id
ON CONFLICT (source_file) DO UPDATE SET
    size_bytes = excluded.size_bytes,
    modified_at = excluded.modified_at,
    lines_consumed = excluded.lines_consumed,
    last_loaded_at = excluded.last_loaded_at;

SELECT * FROM infobank_file_loads WHERE load_id = $load_id ORDER BY source_file;
