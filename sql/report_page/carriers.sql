-- Messages per carrier (both vendors) by outcome of each of $days (a page's day), the busiest carriers first.
SELECT
    activity_date AS page_day,
    carrier,
    sum(delivered) AS delivered,
    sum(undelivered + rejected + expired) AS failed,
    sum(pending + scheduled) AS in_flight,
    sum(unknown) AS unknown,
    delivery_rate(sum(delivered), sum(final_outcomes)) AS delivery_rate
FROM report_delivery_daily
WHERE list_contains(CAST($days AS DATE[]), activity_date)
GROUP BY activity_date, carrier
ORDER BY activity_date ASC, sum(messages) DESC, carrier ASC;
