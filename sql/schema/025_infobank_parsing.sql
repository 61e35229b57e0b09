-- The parsing rules of an Infobank report line (sql/staging/stg_infobank_lines.sql), as macros.

-- A value as the warehouse keeps it: URL-decoded when the line has escapes at all, trimmed, '' as NULL.
-- trim() only removes Unicode space separators (in ASCII only ' '), so a line with no space, no backslash
-- (JSON escape), no URL escape and no byte outside ASCII needs no trimming: `plain` skips it. A value whose
-- escapes decode to bytes that are not UTF-8 is NULL here, and its line is quarantined (infobank_undecodable).
CREATE OR REPLACE MACRO infobank_value(v, escaped, plain) AS
    nullif(CASE
        WHEN plain THEN v
        WHEN escaped THEN trim(try(url_decode(replace(v, '+', ' '))))
        ELSE trim(v)
    END, '');

-- Whether a value's URL escapes decode to bytes that are not UTF-8 (%B1 alone, %C3%28): no text can hold it.
CREATE OR REPLACE MACRO infobank_undecodable(v) AS
    v IS NOT NULL AND try(url_decode(replace(v, '+', ' '))) IS NULL;

-- A time a report can carry: not before 2000 (KST has kept no summer time since 1988, so no local time
-- from 2000 on is missing or repeated) and not later than `latest`, give or take an hour of clock skew.
CREATE OR REPLACE MACRO infobank_plausible(t, latest) AS
    t >= TIMESTAMPTZ '2000-01-01 00:00:00+09' AND t <= latest + INTERVAL 1 HOUR;

-- Whether any field of a JSON line (read as JSON values) is an object or an array.
CREATE OR REPLACE MACRO infobank_has_nested(j) AS
    list_bool_or([coalesce(json_type(v) IN ('OBJECT', 'ARRAY'), false) FOR v IN [
        j.received_at, j.msgid, j."to", j.to_country, j.ref, j.network, j.rescnt, j.err_code, j.sent_date,
        j.rslt_type
    ]]);

-- One parameter's value as written in a query string, the slow way, for the few lines the fast way below
-- cannot take: the text between the first '&<name>=' in '&' + `query` and the next '&' (string search).
CREATE OR REPLACE MACRO infobank_query_value(query, name) AS
    CASE WHEN contains('&' || query, '&' || name || '=') THEN
        split_part(substr('&' || query, strpos('&' || query, '&' || name || '=') + length(name) + 2), '&', 1)
    END;

-- One parameter as written: from the line's JSON object when it has one (`parsed`), else the slow way (a
-- JSON line whose object could not be read has no query either, so nothing).
CREATE OR REPLACE MACRO infobank_param(parsed, json_value, query, name) AS
    CASE WHEN parsed THEN json_value ELSE infobank_query_value(query, name) END;
