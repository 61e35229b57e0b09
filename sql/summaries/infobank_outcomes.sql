-- Infobank messages by outcome over everything ingested: the demo's closing table.
SELECT
    count(*) AS messages,
    count(*) FILTER (WHERE err_code = '1000' AND has_final) AS delivered,
    count(*) FILTER (WHERE err_code <> '1000' AND has_final) AS failed,
    count(*) FILTER (WHERE NOT has_final) AS pending,
    count(*) FILTER (WHERE has_conflict) AS conflicts,
    sum(billed_units) AS billed_units,
    sum(retry_count) AS retries_not_billed
FROM infobank_messages;
