-- The headline of the daily reports, written once: the daily page shows it whole, the command line and the
-- morning message show its day rows (sql/reports/headline.sql).
-- Per vendor for `headline_day`: the day, the day before, and the average day of the 7 days before it.
-- Counts average over the 7 calendar days (a day without messages counts as zero); the 7-day delivery rate
-- is delivered / final outcomes over the 7 days taken together. refunds is NULL for a vendor that never
-- refunds (only Cafe24 has rows in report_refunds_daily).
CREATE OR REPLACE MACRO daily_headline(headline_day) AS TABLE
    WITH periods (period, first_day, last_day, days) AS (
        VALUES
            ('day', CAST(headline_day AS DATE), CAST(headline_day AS DATE), 1),
            ('previous_day', CAST(headline_day AS DATE) - 1, CAST(headline_day AS DATE) - 1, 1),
            ('average_7_days', CAST(headline_day AS DATE) - 7, CAST(headline_day AS DATE) - 1, 7)
    ),
    delivery AS (
        SELECT
            activity_date, vendor,
            sum(messages) AS messages,
            sum(delivered) AS delivered,
            sum(final_outcomes) AS final_outcomes,
            sum(undelivered + rejected + expired) AS failed,
            sum(pending + scheduled) AS in_flight
        FROM report_delivery_daily
        WHERE activity_date BETWEEN CAST(headline_day AS DATE) - 7 AND CAST(headline_day AS DATE)
        GROUP BY activity_date, vendor
    ),
    billing AS (
        SELECT activity_date, vendor, sum(billed_units) AS billed_units
        FROM report_billing_daily
        WHERE activity_date BETWEEN CAST(headline_day AS DATE) - 7 AND CAST(headline_day AS DATE)
        GROUP BY activity_date, vendor
    ),
    daily AS (
        SELECT d.*, b.billed_units, r.refunded
        FROM delivery AS d
        LEFT JOIN billing AS b ON d.activity_date = b.activity_date AND d.vendor = b.vendor
        LEFT JOIN report_refunds_daily AS r ON d.activity_date = r.activity_date AND d.vendor = r.vendor
    ),
    vendors AS (
        SELECT DISTINCT vendor, vendor IN (SELECT vendor FROM report_refunds_daily) AS refunds FROM daily
    )
    SELECT
        v.vendor,
        p.period,
        coalesce(sum(d.messages), 0) / p.days AS messages,
        delivery_rate(sum(d.delivered), sum(d.final_outcomes)) AS delivery_rate,
        coalesce(sum(d.failed), 0) / p.days AS failed,
        coalesce(sum(d.in_flight), 0) / p.days AS in_flight,
        coalesce(sum(d.billed_units), 0) / p.days AS billed_units,
        CASE WHEN v.refunds THEN coalesce(sum(d.refunded), 0) / p.days END AS refunds
    FROM vendors AS v
    CROSS JOIN periods AS p
    LEFT JOIN daily AS d ON v.vendor = d.vendor AND d.activity_date BETWEEN p.first_day AND p.last_day
    GROUP BY v.vendor, v.refunds, p.period, p.first_day, p.days
    ORDER BY v.vendor ASC, p.first_day DESC;
