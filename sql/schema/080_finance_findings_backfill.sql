-- Warehouses whose reports were built before finance_findings existed: their days' findings, once, as of
-- each day's latest report build (report_day_builds), judged by the same rule the report build applies.
INSERT INTO finance_findings
SELECT
    outcomes.activity_date,
    outcomes.vendor,
    outcomes.message_key,
    unnest(finance_findings(
        outcomes.vendor, outcomes.status, outcomes.refunded_at, outcomes.billed_units,
        is_settled(
            outcomes.activity_date, coalesce(builds.settle_hours, 72), coalesce(builds.built_at, now())
        )
    )) AS finding,
    outcomes.billed_units
FROM delivery_outcomes AS outcomes
INNER JOIN report_day_builds AS builds USING (activity_date)
WHERE NOT EXISTS (SELECT 1 FROM finance_findings);
