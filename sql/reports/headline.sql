-- The headline of one KST day ($day) per vendor that sent messages that day: the day rows of the page's
-- headline (the daily_headline macro, sql/schema/070_headline.sql), as the command line and Slack show them.
SELECT
    CAST($day AS DATE) AS day,
    vendor,
    CAST(messages AS BIGINT) AS messages,
    round(100.0 * delivery_rate, 2) AS delivery_rate_pct,
    CAST(failed AS BIGINT) AS failed,
    CAST(in_flight AS BIGINT) AS in_flight,
    CAST(billed_units AS BIGINT) AS billed_units
FROM daily_headline(CAST($day AS DATE))
WHERE period = 'day' AND messages > 0
ORDER BY vendor;
