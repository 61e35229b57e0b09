-- The price book's version (one row): an MD5 of every price, so a changed price rebuilds every reported day.
SELECT
    md5(coalesce(string_agg(
        concat_ws('|', vendor, message_type, valid_from, valid_until, krw_per_unit),
        ';' ORDER BY vendor, message_type, valid_from
    ), '')) AS digest
FROM price_book
