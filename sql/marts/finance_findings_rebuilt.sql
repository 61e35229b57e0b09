-- The rebuilt days' rows of finance_findings: one per message and finding it carries, from the findings the
-- report tables count (int_report_outcomes), so the page and the tables read one judgement.
SELECT
    activity_date,
    vendor,
    message_key,
    unnest(findings) AS finding,
    billed_units
FROM int_report_outcomes
WHERE len(findings) > 0
