-- The price of a unit on each day the report build rebuilds (changes/report_days), per vendor and message
-- type ('*': any type), from the price book's validity ranges; where ranges overlap, the one that started
-- last. A few rows: the outcomes are priced by equality joins on it, not by range joins on every message.
SELECT
    days.activity_date,
    prices.vendor,
    prices.message_type,
    prices.krw_per_unit
FROM (SELECT DISTINCT activity_date FROM report_days) AS days
INNER JOIN price_book AS prices
    ON
        days.activity_date >= prices.valid_from
        AND (prices.valid_until IS NULL OR days.activity_date < prices.valid_until)
QUALIFY
    row_number() OVER (
        PARTITION BY days.activity_date, prices.vendor, prices.message_type ORDER BY prices.valid_from DESC
    ) = 1
