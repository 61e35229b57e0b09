-- A chunk of new Infobank report lines, parsed: one read of all the chunk's copies, one row per line.
-- Inputs: $paths (the copies DuckDB reads, pipelines/infobank/lines.py, in batch order); $json_files (for
-- each of them, whether it holds JSON lines).
-- A copy holds only complete, new lines, and a line DuckDB cannot read as it is (not UTF-8, a NUL byte, too
-- long) stands there as a marker line: chr(1) || reason || chr(1) || the line escaped.
-- Where the time goes (5 million lines, docs/infobank-ingestion.md): this parse, then writing
-- infobank_reports; the other statements of a load are small.
--
-- Read and parse every line in one pass of scans and projections only: DuckDB keeps insertion order for
-- those (preserve_insertion_order, on by default), so rowid follows each file's line order and gives the
-- line numbers (int_infobank_chunk_files).
-- Only what the writes need is kept; the raw text only for lines that go to quarantine.
-- (CASE, unlike AND and OR in a projection, evaluates a branch only for the rows that take it.)
WITH raw_lines AS (
    -- The file as its place in $paths: a number is cheaper to keep and join on than a path on every line.
    -- (Not list_contains($json_paths, filename): with it, DuckDB 2.0 returned the last lines of some files
    -- after all the other files' lines, and their line numbers came out wrong.)
    SELECT
        list_position($paths, filename) AS file_number,
        $json_files[list_position($paths, filename)] AS is_json,
        line AS raw
    FROM read_csv(
        $paths, columns = { 'line': 'VARCHAR' }, delim = chr(0), quote = '', escape = '',
        header = false, auto_detect = false, strict_mode = false, filename = true,
        max_line_size = 16777216
    )
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
        infobank_value(rslt_type, escaped, plain) AS rslt_type,
        CASE WHEN escaped THEN list_bool_or([infobank_undecodable(v) FOR v IN [
            msgid, to_number, to_country, ref, network, rescnt_text, err_code, sent_date, rslt_type
        ]]) ELSE false END AS undecodable
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
            WHEN undecodable THEN 'a value''s URL escapes are not UTF-8'
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
    md5_number(concat_ws(
        chr(31), msgid, coalesce(to_number, ''), coalesce(to_country, ''), coalesce(ref, ''),
        coalesce(network, ''), coalesce(rescnt_text, ''), err_code, coalesce(sent_date, ''),
        coalesce(rslt_type, '')
    )) AS fingerprint
FROM checked
