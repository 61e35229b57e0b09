-- The finance findings of each of $days (a page's day), one row each whether or not any message has it: how
-- many messages, their billed units, and the first $first_rows of them (oldest first) with the recipient
-- masked. Which message has which finding is read from finance_findings, written by the report build with
-- the figures the report tables count, so the page shows exactly what the tables count.
WITH pages AS (
    SELECT unnest(CAST($days AS DATE[])) AS page_day
),

flagged AS (
    SELECT
        findings.activity_date AS page_day,
        findings.finding,
        outcomes.*
    FROM finance_findings AS findings
    INNER JOIN delivery_outcomes AS outcomes USING (message_key)
    WHERE list_contains(CAST($days AS DATE[]), findings.activity_date)
),

names AS (
    SELECT
        unnest(finance_finding_names()) AS finding,
        generate_subscripts(finance_finding_names(), 1) AS position
)

SELECT
    pages.page_day,
    names.finding,
    count(flagged.message_key) AS messages,
    coalesce(sum(flagged.billed_units), 0) AS billed_units,
    coalesce(
        list(
            {
                'vendor': flagged.vendor,
                'sent_at': flagged.sent_at,
                'recipient': mask_phone(flagged.recipient),
                'status': flagged.status,
                'reason': flagged.reason,
                'billed_units': flagged.billed_units,
                'refunded_at': flagged.refunded_at
            }
            ORDER BY flagged.sent_at NULLS LAST, flagged.message_key
        ) FILTER (WHERE flagged.message_key IS NOT NULL),
        []
    )[1:($first_rows)] AS first_rows
FROM pages
CROSS JOIN names
LEFT JOIN flagged ON pages.page_day = flagged.page_day AND names.finding = flagged.finding
GROUP BY pages.page_day, names.finding, names.position
ORDER BY pages.page_day, names.position;
