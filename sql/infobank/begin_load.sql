-- Start a load: an empty tally of what each copy's lines became (filled per chunk by
-- writes/infobank_load_spans, added up per file by writes/infobank_file_loads).
CREATE OR REPLACE TEMP TABLE infobank_load_spans (
    file_id VARCHAR,
    source_file VARCHAR,
    from_line BIGINT,
    lines_read BIGINT,
    reports_accepted BIGINT,
    retries BIGINT,
    quarantined BIGINT,
    blank_lines BIGINT
);
