-- Vendor days where the ingested messages and delivery_outcomes disagree in number (should be none).
WITH ingested AS (
    SELECT 'cafe24' AS vendor, activity_date, count(*) AS messages FROM cafe24_messages GROUP BY activity_date
    UNION ALL
    SELECT 'infobank', activity_date, count(*) FROM infobank_messages GROUP BY activity_date
),
published AS (
    SELECT vendor, activity_date, count(*) AS messages FROM delivery_outcomes GROUP BY vendor, activity_date
)
SELECT vendor, activity_date, coalesce(i.messages, 0) AS ingested, coalesce(p.messages, 0) AS published
FROM ingested AS i
FULL OUTER JOIN published AS p USING (vendor, activity_date)
WHERE coalesce(i.messages, 0) <> coalesce(p.messages, 0);
