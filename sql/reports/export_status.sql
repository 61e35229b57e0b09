-- Every KST day with built report figures, oldest first, and whether its files were all written from these
-- figures (exported): days not exported are due. One row per day, from the two bookkeeping tables only.
SELECT
    b.activity_date,
    b.build_id,
    b.built_at,
    b.settle_hours,
    (e.build_id IS NOT DISTINCT FROM b.build_id) AS exported
FROM report_day_builds AS b
LEFT JOIN report_day_exports AS e USING (activity_date)
ORDER BY b.activity_date;
