-- Rebuild the daily report tables for the days whose outcomes changed since the last report build, plus
-- the days whose settle window ran out since then (refund_missing depends on it), plus every day when the
-- price book changed. Idempotent: a day's rows are deleted and inserted again from delivery_outcomes.
-- Parameters: $now, $settle_hours.

CREATE OR REPLACE TEMP TABLE price_book_version AS
SELECT md5(coalesce(string_agg(
    concat_ws('|', vendor, message_type, valid_from, valid_until, krw_per_unit), ';' ORDER BY vendor, message_type, valid_from
), '')) AS digest
FROM price_book;

CREATE OR REPLACE TEMP TABLE report_days AS
WITH last AS (
    SELECT outcomes_through, built_at, price_book_digest FROM report_builds ORDER BY built_at DESC LIMIT 1
)
SELECT DISTINCT activity_date
FROM outcome_changed_days
WHERE built_at > coalesce((SELECT outcomes_through FROM last), '-infinity'::TIMESTAMPTZ)
-- Days already reported (one small table, not every outcome): those whose settle window closed since the
-- last build, and all of them when the price book changed.
UNION
SELECT DISTINCT activity_date
FROM report_delivery_daily
WHERE settles_at(activity_date, $settle_hours)
      BETWEEN coalesce((SELECT built_at FROM last), '-infinity'::TIMESTAMPTZ) AND $now
UNION
SELECT DISTINCT activity_date
FROM report_delivery_daily
WHERE EXISTS (SELECT 1 FROM last)
  AND (SELECT price_book_digest FROM last) IS DISTINCT FROM (SELECT digest FROM price_book_version);

CREATE OR REPLACE TEMP TABLE report_outcomes AS
SELECT
    o.*,
    coalesce(o.message_type, '(unknown)') AS type_label,
    coalesce(o.carrier, '(unknown)') AS carrier_label,
    is_failed(o.status) AS failed,
    finance_findings(
        o.vendor, o.status, o.refunded_at, o.billed_units, is_settled(o.activity_date, $settle_hours, $now)
    ) AS findings,
    coalesce(r.retries, 0) AS retries,
    -- Cafe24 gives a failed message's unit back when it refunds it.
    CASE WHEN o.refunded_at IS NOT NULL THEN coalesce(o.billed_units, 0) ELSE 0 END AS refunded_units,
    p.krw_per_unit
FROM delivery_outcomes AS o
LEFT JOIN (
    SELECT msgid, count(*) FILTER (WHERE is_retry) AS retries
    FROM infobank_reports
    WHERE msgid IN (
        SELECT vendor_message_id FROM delivery_outcomes
        WHERE vendor = 'infobank' AND activity_date IN (SELECT activity_date FROM report_days)
    )
    GROUP BY msgid
) AS r ON o.vendor = 'infobank' AND r.msgid = o.vendor_message_id
LEFT JOIN price_book AS p
    ON p.vendor = o.vendor
   AND p.message_type IN (o.message_type, '*')
   AND o.activity_date >= p.valid_from
   AND (p.valid_until IS NULL OR o.activity_date < p.valid_until)
WHERE o.activity_date IN (SELECT activity_date FROM report_days)
-- A price for the message's own type wins over a price for any type (*).
QUALIFY row_number() OVER (PARTITION BY o.message_key ORDER BY p.message_type = '*') = 1;

DELETE FROM report_delivery_daily WHERE activity_date IN (SELECT activity_date FROM report_days);
INSERT INTO report_delivery_daily
SELECT
    activity_date, vendor, type_label, carrier_label,
    count(*),
    count(*) FILTER (WHERE status = 'delivered'),
    count(*) FILTER (WHERE status = 'undelivered'),
    count(*) FILTER (WHERE status = 'rejected'),
    count(*) FILTER (WHERE status = 'expired'),
    count(*) FILTER (WHERE status = 'pending'),
    count(*) FILTER (WHERE status = 'scheduled'),
    count(*) FILTER (WHERE status = 'unknown'),
    count(*) FILTER (WHERE is_decided(status)),
    count(*) FILTER (WHERE status = 'delivered') / nullif(count(*) FILTER (WHERE is_decided(status)), 0),
    count(*) FILTER (WHERE is_in_flight(status)) / count(*),
    quantile_cont(epoch(delivered_at - sent_at), 0.5),
    quantile_cont(epoch(delivered_at - sent_at), 0.95)
FROM report_outcomes
GROUP BY activity_date, vendor, type_label, carrier_label;

DELETE FROM report_failure_reasons_daily WHERE activity_date IN (SELECT activity_date FROM report_days);
INSERT INTO report_failure_reasons_daily
SELECT
    activity_date, vendor, coalesce(reason, '(none)'), coalesce(failure_class, '(none)'),
    count(*),
    count(*) / sum(count(*)) OVER (PARTITION BY activity_date, vendor)
FROM report_outcomes
WHERE failed
GROUP BY activity_date, vendor, coalesce(reason, '(none)'), coalesce(failure_class, '(none)');

DELETE FROM report_refunds_daily WHERE activity_date IN (SELECT activity_date FROM report_days);
INSERT INTO report_refunds_daily
SELECT
    activity_date, vendor,
    count(*) FILTER (WHERE failed),
    count(*) FILTER (WHERE failed AND refunded_at IS NOT NULL),
    count(*) FILTER (WHERE list_contains(findings, 'refund_missing')),
    count(*) FILTER (WHERE list_contains(findings, 'refund_unexpected')),
    quantile_cont(epoch(refunded_at - sent_at) / 3600, 0.5) FILTER (WHERE failed),
    quantile_cont(epoch(refunded_at - sent_at) / 3600, 0.95) FILTER (WHERE failed)
FROM report_outcomes
WHERE vendor = 'cafe24'
GROUP BY activity_date, vendor;

DELETE FROM report_billing_daily WHERE activity_date IN (SELECT activity_date FROM report_days);
INSERT INTO report_billing_daily (
    activity_date, vendor, carrier, messages, billed_units, billed_units_on_failures, delivered_unbilled,
    retries_not_billed, refunded_units, cost_krw, unpriced_units
)
SELECT
    activity_date, vendor, carrier_label,
    count(*),
    coalesce(sum(billed_units), 0),
    coalesce(sum(billed_units) FILTER (WHERE list_contains(findings, 'billed_units_on_failures')), 0),
    count(*) FILTER (WHERE list_contains(findings, 'delivered_unbilled')),
    sum(retries),
    sum(refunded_units),
    CAST(coalesce(sum((coalesce(billed_units, 0) - refunded_units) * krw_per_unit), 0) AS DECIMAL(18, 2)),
    coalesce(sum(coalesce(billed_units, 0) - refunded_units) FILTER (WHERE krw_per_unit IS NULL), 0)
FROM report_outcomes
GROUP BY activity_date, vendor, carrier_label;

INSERT INTO report_builds (built_at, outcomes_through, days_rebuilt, price_book_digest)
SELECT $now, (SELECT max(built_at) FROM outcome_builds), (SELECT count(*) FROM report_days), digest
FROM price_book_version;

SELECT
    (SELECT count(*) FROM report_days) AS days_rebuilt,
    (SELECT count(*) FROM report_delivery_daily) AS delivery_rows,
    (SELECT count(*) FROM report_failure_reasons_daily) AS failure_reason_rows,
    (SELECT count(*) FROM report_refunds_daily) AS refund_rows,
    (SELECT count(*) FROM report_billing_daily) AS billing_rows;
