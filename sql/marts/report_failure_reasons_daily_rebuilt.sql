-- The rebuilt days' rows of report_failure_reasons_daily: failures per day, vendor, reason and class, and
-- their share of the vendor's failures that day.
SELECT
    activity_date,
    vendor,
    coalesce(reason, '(none)') AS reason,
    coalesce(failure_class, '(none)') AS failure_class,
    count(*) AS failures,
    count(*) / sum(count(*)) OVER (PARTITION BY activity_date, vendor) AS share_of_failures
FROM int_report_outcomes
WHERE failed
GROUP BY activity_date, vendor, coalesce(reason, '(none)'), coalesce(failure_class, '(none)')
