-- Failed messages per reason and vendor of each of $days (a page's day), the most frequent reasons first.
SELECT activity_date AS page_day, reason, vendor, sum(failures) AS failures
FROM report_failure_reasons_daily
WHERE list_contains(CAST($days AS DATE[]), activity_date)
GROUP BY activity_date, reason, vendor
ORDER BY
    activity_date ASC, sum(sum(failures)) OVER (PARTITION BY activity_date, reason) DESC, reason ASC, vendor ASC;
