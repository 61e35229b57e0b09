-- Phone numbers: their one normal form (E.164), and their masking wherever they leave the warehouse
-- (exports, the HTML report, the published copy).

-- A Korean number in E.164 (+8210...) written the domestic way (010...); other numbers unchanged.
CREATE OR REPLACE MACRO domestic_phone(number) AS
    CASE WHEN number LIKE '+82%' THEN '0' || substr(number, 4) ELSE number END;

-- The number with its middle hidden: +821012345678 and 01012345678 become 010-****-5678 (how Koreans write
-- them); other numbers keep their first three characters and their last four (+12025550123 becomes
-- +12-****-0123); numbers of eight digits or fewer keep only the last four.
CREATE OR REPLACE MACRO mask_phone(number) AS
    CASE
        WHEN number IS NULL THEN NULL
        WHEN length(domestic_phone(number)) <= 8 THEN '****' || right(number, 4)
        ELSE left(domestic_phone(number), 3) || '-****-' || right(number, 4)
    END;

-- A phone number in E.164 from its digits and country code: Korean numbers lose their trunk 0 (010... in
-- country 82 becomes +8210...), a number without a country code stays as its digits, no digits is NULL.
CREATE OR REPLACE MACRO e164(digits, country) AS
    CASE
        WHEN digits IS NULL OR digits = '' THEN NULL
        WHEN country IS NULL OR country = '' THEN digits
        WHEN country = '82' THEN '+82' || ltrim(digits, '0')
        ELSE '+' || country || digits
    END;
