-- Billed units per KST day and vendor over the 30 days ending $day. Days without messages have no row.
SELECT activity_date, vendor, sum(billed_units) AS billed_units
FROM report_billing_daily
WHERE activity_date BETWEEN CAST($day AS DATE) - 29 AND CAST($day AS DATE)
GROUP BY activity_date, vendor
ORDER BY activity_date, vendor;
