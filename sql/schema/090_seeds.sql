-- Code dictionaries, reloaded from sql/seeds/*.csv every time the schema is ensured, so the CSV is the truth.

CREATE OR REPLACE TABLE mobile_networks AS
SELECT * FROM read_csv($seeds_dir || '/mobile_networks.csv', header = true, all_varchar = true);
COMMENT ON TABLE mobile_networks IS 'Korean mobile networks by MCC+MNC (seed: sql/seeds/mobile_networks.csv).';
COMMENT ON COLUMN mobile_networks.network IS 'MCC+MNC as Infobank reports it (450xx for Korea).';
COMMENT ON COLUMN mobile_networks.carrier IS 'Carrier name used in reports: SKT, KT, LG U+, Globalstar.';
COMMENT ON COLUMN mobile_networks.operator IS 'The network''s operator.';
COMMENT ON COLUMN mobile_networks.note IS 'IoT, withdrawn, MVNO host and similar remarks.';

CREATE OR REPLACE TABLE infobank_report_codes AS
SELECT * FROM read_csv($seeds_dir || '/infobank_report_codes.csv', header = true, all_varchar = true);
COMMENT ON TABLE infobank_report_codes IS 'Infobank report result codes from the vendor document (seed: sql/seeds/infobank_report_codes.csv).';
COMMENT ON COLUMN infobank_report_codes.code IS 'err_code of a delivery report.';
COMMENT ON COLUMN infobank_report_codes.vendor_class IS 'The vendor''s class: SUCCESS, FAILURE (transient) or INVALID (permanent).';
COMMENT ON COLUMN infobank_report_codes.description_ko IS 'The vendor''s description, as written.';
COMMENT ON COLUMN infobank_report_codes.description_en IS 'English description.';
