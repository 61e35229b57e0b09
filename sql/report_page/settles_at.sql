-- When the settle window of each page's day closes, and whether it has at that page's moment (the rules in
-- sql/schema/065_rules.sql), for the page to say so. $days, $nows and $settle_hours are lists of one item
-- per page, in the same order.
WITH pages AS (
    SELECT
        unnest(CAST($days AS DATE[])) AS page_day,
        unnest(CAST($nows AS TIMESTAMPTZ[])) AS now,
        unnest(CAST($settle_hours AS INTEGER[])) AS settle_hours
)

SELECT
    page_day,
    settles_at(page_day, settle_hours) AS settles_at,
    is_settled(page_day, settle_hours, now) AS settled
FROM pages;
