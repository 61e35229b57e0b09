-- Messages of $day per carrier (both vendors) by outcome, the busiest carriers first.
SELECT
    carrier,
    sum(delivered) AS delivered,
    sum(undelivered + rejected + expired) AS failed,
    sum(pending + scheduled) AS in_flight,
    sum(unknown) AS unknown,
    delivery_rate(sum(delivered), sum(final_outcomes)) AS delivery_rate
FROM report_delivery_daily
WHERE activity_date = $day
GROUP BY carrier
ORDER BY sum(messages) DESC, carrier;
