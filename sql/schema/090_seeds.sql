-- Code dictionaries, reloaded from sql/seeds/*.csv every time the schema is ensured, so the CSV is the truth.

CREATE OR REPLACE TABLE mobile_networks AS
SELECT * FROM read_csv($seeds_dir || '/mobile_networks.csv', header = true, all_varchar = true);
COMMENT ON TABLE mobile_networks IS 'Korean mobile networks by MCC+MNC (seed: sql/seeds/mobile_networks.csv).';
COMMENT ON COLUMN mobile_networks.network IS 'MCC+MNC as Infobank reports it (450xx for Korea).';
COMMENT ON COLUMN mobile_networks.carrier IS 'Carrier name used in reports: SKT, KT, LG U+, Globalstar.';
COMMENT ON COLUMN mobile_networks.operator IS 'The network''s operator.';
COMMENT ON COLUMN mobile_networks.note IS 'IoT, withdrawn, MVNO host and similar remarks.';

DROP TABLE IF EXISTS infobank_report_codes;  -- folded into status_codes

CREATE OR REPLACE TABLE status_codes AS
SELECT
    vendor,
    code_kind,
    code,
    status,
    CAST(is_final AS BOOLEAN) AS is_final,
    reason,
    nullif(failure_class, '') AS failure_class,
    CAST(retryable AS BOOLEAN) AS retryable,
    CAST(charged AS BOOLEAN) AS charged,
    description_ko,
    description_en,
    CAST(confirmed AS BOOLEAN) AS confirmed
FROM read_csv($seeds_dir || '/status_codes.csv', header = true, all_varchar = true);
COMMENT ON TABLE status_codes IS 'Every vendor code mapped to the canonical outcome (seed: sql/seeds/status_codes.csv; docs/code-dictionary.md).';
COMMENT ON COLUMN status_codes.vendor IS 'cafe24 or infobank.';
COMMENT ON COLUMN status_codes.code_kind IS 'send_status (Cafe24 sms_list), sms_result / lms_result (Cafe24 send API), submit / report (Infobank).';
COMMENT ON COLUMN status_codes.code IS 'The vendor''s code, as text.';
COMMENT ON COLUMN status_codes.status IS 'Canonical status: delivered, undelivered, rejected, expired, pending, scheduled, unknown.';
COMMENT ON COLUMN status_codes.is_final IS 'True when no later result is expected.';
COMMENT ON COLUMN status_codes.reason IS 'Canonical reason (handset_off, spam_blocked, ...).';
COMMENT ON COLUMN status_codes.failure_class IS 'transient, permanent, policy, sender_config, account or platform; NULL when not a failure.';
COMMENT ON COLUMN status_codes.retryable IS 'Whether resending may succeed.';
COMMENT ON COLUMN status_codes.charged IS 'Whether the vendor charges for a message with this code.';
COMMENT ON COLUMN status_codes.description_ko IS 'The vendor''s description, as written.';
COMMENT ON COLUMN status_codes.description_en IS 'English description.';
COMMENT ON COLUMN status_codes.confirmed IS 'True when the mapping follows from the vendor document''s own words; false where it is a judgement.';

-- Whether a Cafe24 send status is final, as the code dictionary says (3 delivered and 9 failed never change
-- again; 1 and 2, waiting and sending, may). The ingestion stores it with each message and never replaces a
-- final status. Defined here, after status_codes, because it reads it.
CREATE OR REPLACE MACRO cafe24_is_final(send_status) AS send_status IN (
    SELECT CAST(code AS INTEGER) FROM status_codes
    WHERE vendor = 'cafe24' AND code_kind = 'send_status' AND is_final
);

CREATE OR REPLACE TABLE price_book AS
SELECT
    vendor,
    message_type,
    CAST(valid_from AS DATE) AS valid_from,
    CAST(nullif(valid_until, '') AS DATE) AS valid_until,
    CAST(krw_per_unit AS DECIMAL(12, 4)) AS krw_per_unit,
    note
FROM read_csv($seeds_dir || '/price_book.csv', header = true, all_varchar = true);
COMMENT ON TABLE price_book IS 'KRW per billed unit by vendor and message type, with validity dates (seed: sql/seeds/price_book.csv).';
COMMENT ON COLUMN price_book.vendor IS 'cafe24 or infobank.';
COMMENT ON COLUMN price_book.message_type IS 'SMS, LMS, MMS, or * for any type (an exact type wins over *).';
COMMENT ON COLUMN price_book.valid_from IS 'First KST day the price applies to (activity_date).';
COMMENT ON COLUMN price_book.valid_until IS 'First KST day it no longer applies to; NULL while current.';
COMMENT ON COLUMN price_book.krw_per_unit IS 'Price of one billed unit in KRW, VAT excluded.';
COMMENT ON COLUMN price_book.note IS 'Where the price comes from.';
