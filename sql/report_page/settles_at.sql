-- When the settle window of $day closes (the rule in sql/schema/065_rules.sql), for the page to say so.
SELECT settles_at(CAST($day AS DATE), $settle_hours) AS settles_at;
