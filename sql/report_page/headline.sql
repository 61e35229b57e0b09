-- The headline per vendor for $day, as the page shows it: the day, the day before, and the 7 days before
-- (the daily_headline macro, sql/schema/070_headline.sql).
SELECT * FROM daily_headline(CAST($day AS DATE));
