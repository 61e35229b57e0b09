-- When the settle window of $day closes, and whether it has at $now (the rules in sql/schema/065_rules.sql),
-- for the page to say so.
SELECT
    settles_at(CAST($day AS DATE), $settle_hours) AS settles_at,
    is_settled(CAST($day AS DATE), $settle_hours, $now) AS settled;
