-- Daily report tables over delivery_outcomes: one row per KST day and dimension, rebuilt for changed days.

CREATE TABLE IF NOT EXISTS report_delivery_daily (
    activity_date DATE NOT NULL,
    vendor VARCHAR NOT NULL,
    message_type VARCHAR NOT NULL,
    carrier VARCHAR NOT NULL,
    messages BIGINT NOT NULL,
    delivered BIGINT NOT NULL,
    undelivered BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    expired BIGINT NOT NULL,
    pending BIGINT NOT NULL,
    scheduled BIGINT NOT NULL,
    unknown BIGINT NOT NULL,
    final_outcomes BIGINT NOT NULL,
    delivery_rate DOUBLE,
    in_flight_share DOUBLE,
    latency_p50_seconds DOUBLE,
    latency_p95_seconds DOUBLE
);
COMMENT ON TABLE report_delivery_daily IS 'Delivery per KST day, vendor, message type and carrier (docs/metrics.md).';
COMMENT ON COLUMN report_delivery_daily.activity_date IS 'The KST day the messages count for.';
COMMENT ON COLUMN report_delivery_daily.vendor IS 'cafe24 or infobank.';
COMMENT ON COLUMN report_delivery_daily.message_type IS 'SMS, LMS, or (unknown) when the vendor does not say.';
COMMENT ON COLUMN report_delivery_daily.carrier IS 'SKT, KT, LG U+ ..., or (unknown).';
COMMENT ON COLUMN report_delivery_daily.messages IS 'Messages of the day and dimension.';
COMMENT ON COLUMN report_delivery_daily.delivered IS 'Messages with status delivered.';
COMMENT ON COLUMN report_delivery_daily.undelivered IS 'Messages with status undelivered.';
COMMENT ON COLUMN report_delivery_daily.rejected IS 'Messages with status rejected.';
COMMENT ON COLUMN report_delivery_daily.expired IS 'Messages with status expired.';
COMMENT ON COLUMN report_delivery_daily.pending IS 'Messages still pending.';
COMMENT ON COLUMN report_delivery_daily.scheduled IS 'Messages scheduled for later.';
COMMENT ON COLUMN report_delivery_daily.unknown IS 'Messages whose outcome is unknown (unmapped code, or no final report in the settle window).';
COMMENT ON COLUMN report_delivery_daily.final_outcomes IS 'delivered + undelivered + rejected + expired.';
COMMENT ON COLUMN report_delivery_daily.delivery_rate IS 'delivered / final_outcomes; NULL when there is no final outcome.';
COMMENT ON COLUMN report_delivery_daily.in_flight_share IS '(pending + scheduled) / messages.';
COMMENT ON COLUMN report_delivery_daily.latency_p50_seconds IS 'Median seconds from sent_at to delivered_at where both are known; NULL otherwise.';
COMMENT ON COLUMN report_delivery_daily.latency_p95_seconds IS '95th percentile of the same.';

CREATE TABLE IF NOT EXISTS report_failure_reasons_daily (
    activity_date DATE NOT NULL,
    vendor VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    failure_class VARCHAR NOT NULL,
    failures BIGINT NOT NULL,
    share_of_failures DOUBLE NOT NULL
);
COMMENT ON TABLE report_failure_reasons_daily IS 'Failed messages (undelivered, rejected, expired) per KST day, vendor, reason and failure class.';
COMMENT ON COLUMN report_failure_reasons_daily.activity_date IS 'The KST day the messages count for.';
COMMENT ON COLUMN report_failure_reasons_daily.vendor IS 'cafe24 or infobank.';
COMMENT ON COLUMN report_failure_reasons_daily.reason IS 'Canonical reason (handset_off, spam_blocked ...).';
COMMENT ON COLUMN report_failure_reasons_daily.failure_class IS 'transient, permanent, policy, sender_config, account, platform, or (none).';
COMMENT ON COLUMN report_failure_reasons_daily.failures IS 'Failed messages with this reason.';
COMMENT ON COLUMN report_failure_reasons_daily.share_of_failures IS 'failures / all failures of the vendor that day.';

CREATE TABLE IF NOT EXISTS report_refunds_daily (
    activity_date DATE NOT NULL,
    vendor VARCHAR NOT NULL,
    failed BIGINT NOT NULL,
    refunded BIGINT NOT NULL,
    refund_missing BIGINT NOT NULL,
    refund_unexpected BIGINT NOT NULL,
    refund_lag_p50_hours DOUBLE,
    refund_lag_p95_hours DOUBLE
);
COMMENT ON TABLE report_refunds_daily IS 'Refunds of failed messages per KST day (Cafe24 refunds failures to the prepaid balance).';
COMMENT ON COLUMN report_refunds_daily.activity_date IS 'The KST day the messages count for.';
COMMENT ON COLUMN report_refunds_daily.vendor IS 'The vendor (cafe24: the one that refunds).';
COMMENT ON COLUMN report_refunds_daily.failed IS 'Messages that failed (undelivered, rejected, expired).';
COMMENT ON COLUMN report_refunds_daily.refunded IS 'Failed messages with a refund.';
COMMENT ON COLUMN report_refunds_daily.refund_missing IS 'Failed messages with no refund once the settle window after their day has passed: a finance finding.';
COMMENT ON COLUMN report_refunds_daily.refund_unexpected IS 'Delivered messages that were refunded: a finance finding.';
COMMENT ON COLUMN report_refunds_daily.refund_lag_p50_hours IS 'Median hours from sent_at to the refund, over refunded failures.';
COMMENT ON COLUMN report_refunds_daily.refund_lag_p95_hours IS '95th percentile of the same.';

CREATE TABLE IF NOT EXISTS report_billing_daily (
    activity_date DATE NOT NULL,
    vendor VARCHAR NOT NULL,
    carrier VARCHAR NOT NULL,
    messages BIGINT NOT NULL,
    billed_units BIGINT NOT NULL,
    billed_units_on_failures BIGINT NOT NULL,
    delivered_unbilled BIGINT NOT NULL,
    retries_not_billed BIGINT NOT NULL,
    refunded_units BIGINT,
    cost_krw DECIMAL(18, 2),
    unpriced_units BIGINT
);
-- Columns added after the first release: warehouses made before them get them here.
ALTER TABLE report_billing_daily ADD COLUMN IF NOT EXISTS refunded_units BIGINT;
ALTER TABLE report_billing_daily ADD COLUMN IF NOT EXISTS cost_krw DECIMAL(18, 2);
ALTER TABLE report_billing_daily ADD COLUMN IF NOT EXISTS unpriced_units BIGINT;
COMMENT ON TABLE report_billing_daily IS 'Billed units per KST day, vendor and carrier, with the findings finance reconciles.';
COMMENT ON COLUMN report_billing_daily.activity_date IS 'The KST day the messages count for.';
COMMENT ON COLUMN report_billing_daily.vendor IS 'cafe24 or infobank.';
COMMENT ON COLUMN report_billing_daily.carrier IS 'SKT, KT, LG U+ ..., or (unknown).';
COMMENT ON COLUMN report_billing_daily.messages IS 'Messages of the day and dimension.';
COMMENT ON COLUMN report_billing_daily.billed_units IS 'Units charged (Infobank rescnt of the final report; Cafe24 one per message).';
COMMENT ON COLUMN report_billing_daily.billed_units_on_failures IS 'Units charged for messages that failed, net of refunds (Cafe24 refunded failures are not counted).';
COMMENT ON COLUMN report_billing_daily.delivered_unbilled IS 'Delivered messages with no billed unit: a finance finding.';
COMMENT ON COLUMN report_billing_daily.retries_not_billed IS 'Resent reports recognised and not billed again (Infobank).';
COMMENT ON COLUMN report_billing_daily.refunded_units IS 'Billed units the vendor gave back (Cafe24 refunds of failed messages).';
COMMENT ON COLUMN report_billing_daily.cost_krw IS 'What the day cost in KRW: (billed_units - refunded_units) at the price book''s price (sql/seeds/price_book.csv); units without a price add nothing.';
COMMENT ON COLUMN report_billing_daily.unpriced_units IS 'Billed units, net of refunds, the price book has no price for: cost_krw leaves them out.';

CREATE TABLE IF NOT EXISTS finance_findings (
    activity_date DATE NOT NULL,
    vendor VARCHAR NOT NULL,
    message_key VARCHAR NOT NULL,
    finding VARCHAR NOT NULL,
    billed_units INTEGER
);
COMMENT ON TABLE finance_findings IS 'One row per message and finance finding it carries, as of its day''s latest report build: what report_refunds_daily and report_billing_daily count and the daily page lists (docs/metrics.md).';
COMMENT ON COLUMN finance_findings.activity_date IS 'The KST day the message counts for.';
COMMENT ON COLUMN finance_findings.vendor IS 'cafe24 or infobank.';
COMMENT ON COLUMN finance_findings.message_key IS 'The message (delivery_outcomes.message_key).';
COMMENT ON COLUMN finance_findings.finding IS 'refund_missing, refund_unexpected, billed_units_on_failures or delivered_unbilled (the finance_findings rule).';
COMMENT ON COLUMN finance_findings.billed_units IS 'The units the message was billed.';

CREATE TABLE IF NOT EXISTS report_builds (
    built_at TIMESTAMPTZ NOT NULL,
    outcomes_through TIMESTAMPTZ,
    days_rebuilt BIGINT NOT NULL,
    price_book_digest VARCHAR
);
ALTER TABLE report_builds ADD COLUMN IF NOT EXISTS price_book_digest VARCHAR;
COMMENT ON TABLE report_builds IS 'Every rebuild of the report tables and the latest delivery_outcomes build it included.';
COMMENT ON COLUMN report_builds.built_at IS 'When the reports were rebuilt.';
COMMENT ON COLUMN report_builds.outcomes_through IS 'The latest outcome_builds.built_at included.';
COMMENT ON COLUMN report_builds.days_rebuilt IS 'KST days rebuilt.';
COMMENT ON COLUMN report_builds.price_book_digest IS 'MD5 of the price book used: when the price book changes, every day is rebuilt.';

CREATE TABLE IF NOT EXISTS report_notifications (
    day DATE NOT NULL,
    channel VARCHAR NOT NULL,
    posted_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE report_notifications IS 'Morning messages posted (the day''s headline and the week''s findings), so each day is posted once.';
COMMENT ON COLUMN report_notifications.day IS 'The KST day the headline was about.';
COMMENT ON COLUMN report_notifications.channel IS 'Where it went: slack.';
COMMENT ON COLUMN report_notifications.posted_at IS 'When it was posted.';

-- Bookkeeping of the exports (pipelines/exports.py): a run writes the files of every day whose figures are
-- newer than its files, or whose files are missing, so a killed or failed export is completed by the next run.
CREATE TABLE IF NOT EXISTS report_day_builds (
    activity_date DATE PRIMARY KEY,
    build_id UUID NOT NULL,
    built_at TIMESTAMPTZ,
    settle_hours INTEGER
);
COMMENT ON TABLE report_day_builds IS 'When each KST day''s report rows were last built: its figures, which its exported files must match.';
COMMENT ON COLUMN report_day_builds.activity_date IS 'The KST day.';
COMMENT ON COLUMN report_day_builds.build_id IS 'New at every rebuild of the day: the exports record which figures they hold by it.';
COMMENT ON COLUMN report_day_builds.built_at IS 'When the report build ran, as of which the day''s page counts refunds missing; NULL for days built before this table existed.';
COMMENT ON COLUMN report_day_builds.settle_hours IS 'The settle window of that build; NULL for days built before this table existed.';
-- Days built before this table existed: their files are written once more, by the next run.
INSERT INTO report_day_builds (activity_date, build_id)
SELECT activity_date, gen_random_uuid()
FROM (
    SELECT activity_date FROM report_delivery_daily
    UNION
    SELECT activity_date FROM report_failure_reasons_daily
    UNION
    SELECT activity_date FROM report_refunds_daily
    UNION
    SELECT activity_date FROM report_billing_daily
) AS reported_days
WHERE activity_date NOT IN (SELECT activity_date FROM report_day_builds);

CREATE TABLE IF NOT EXISTS report_day_exports (
    activity_date DATE PRIMARY KEY,
    build_id UUID NOT NULL,
    exported_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE report_day_exports IS 'The KST days whose files (CSV and Parquet per report table, daily_report.html) are all in SMS_OUTPUT_DIR/<day>/, recorded once the last of them is in place.';
COMMENT ON COLUMN report_day_exports.activity_date IS 'The KST day.';
COMMENT ON COLUMN report_day_exports.build_id IS 'The report_day_builds.build_id of the figures the files hold: when it differs, the files are older than the figures.';
COMMENT ON COLUMN report_day_exports.exported_at IS 'When the day''s last file was written.';
