-- Billed units per KST day and vendor over the 30 days ending each page's day, for the pages of $days. Days
-- without messages have no row.
SELECT
    pages.page_day,
    r.activity_date,
    r.vendor,
    sum(r.billed_units) AS billed_units
FROM unnest(CAST($days AS DATE[])) AS pages (page_day)
INNER JOIN report_billing_daily AS r ON r.activity_date BETWEEN pages.page_day - 29 AND pages.page_day
GROUP BY pages.page_day, r.activity_date, r.vendor
ORDER BY pages.page_day, r.activity_date, r.vendor;
