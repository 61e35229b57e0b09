-- Failed messages of $day per reason and vendor, the most frequent reasons first.
SELECT reason, vendor, sum(failures) AS failures
FROM report_failure_reasons_daily
WHERE activity_date = $day
GROUP BY reason, vendor
ORDER BY sum(sum(failures)) OVER (PARTITION BY reason) DESC, reason, vendor ASC;
