-- The business rules every output reads, written once: which statuses count as failed, as in flight and as
-- decided, and when a day's settle window closes. Reports, the daily page, the morning message, the
-- outcome build and the checks call these; nothing else spells them out.

-- A message that will not be delivered: the vendor said so (undelivered, rejected by the network or the
-- vendor, expired). Finance expects a refund (Cafe24) or no charge for it.
CREATE OR REPLACE MACRO is_failed(status) AS status IN ('undelivered', 'rejected', 'expired');

-- A message whose outcome is not known yet: sent and waiting for its final report, or scheduled for later.
CREATE OR REPLACE MACRO is_in_flight(status) AS status IN ('pending', 'scheduled');

-- A message with a final answer, delivered or failed: what the delivery rate is a share of.
CREATE OR REPLACE MACRO is_decided(status) AS status = 'delivered' OR is_failed(status);

-- When the settle window of KST day `activity_date` closes: `settle_hours` after the day ends. From then on a
-- message still in flight counts as unknown (no final report), and a Cafe24 failure without a refund as
-- refund_missing.
CREATE OR REPLACE MACRO settles_at(activity_date, settle_hours) AS
    CAST(activity_date + 1 AS TIMESTAMPTZ) + to_hours(CAST(settle_hours AS BIGINT));

-- Whether the settle window of `activity_date` has closed at `moment`.
CREATE OR REPLACE MACRO is_settled(activity_date, settle_hours, moment) AS
    moment > settles_at(activity_date, settle_hours);

-- The finance findings a message carries, as a list of names (usually empty), given whether its day's
-- settle window has closed. The report tables count them, the daily page lists them, the morning message
-- reads the report tables: one definition for all three.
--   refund_missing            a Cafe24 failure with no refund once the settle window has closed
--   refund_unexpected         a Cafe24 message delivered and refunded all the same
--   billed_units_on_failures  a failure charged and not refunded: paid for, not delivered (a Cafe24
--                             failure only once its settle window has closed: its refund may still come)
--   delivered_unbilled        a delivery with no billed unit (Infobank rescnt=0 on a delivery)
-- The names of the findings, in the order the page shows them; finance_findings below gives them.
CREATE OR REPLACE MACRO finance_finding_names() AS
    ['refund_missing', 'refund_unexpected', 'billed_units_on_failures', 'delivered_unbilled'];

CREATE OR REPLACE MACRO finance_findings(vendor, status, refunded_at, billed_units, settled) AS
    list_filter([
        CASE WHEN vendor = 'cafe24' AND is_failed(status) AND refunded_at IS NULL AND settled
            THEN 'refund_missing' END,
        CASE WHEN vendor = 'cafe24' AND status = 'delivered' AND refunded_at IS NOT NULL
            THEN 'refund_unexpected' END,
        CASE WHEN is_failed(status) AND refunded_at IS NULL AND coalesce(billed_units, 0) > 0
                AND (vendor <> 'cafe24' OR settled)
            THEN 'billed_units_on_failures' END,
        CASE WHEN status = 'delivered' AND coalesce(billed_units, 0) = 0 THEN 'delivered_unbilled' END
    ], LAMBDA finding: finding IS NOT NULL);

-- A message still in flight once its day's settle window has closed at `moment`: it becomes unknown
-- (no_final_report), and its outcome is rebuilt by the first build after the window closes.
CREATE OR REPLACE MACRO is_overdue(status, activity_date, settle_hours, moment) AS
    is_in_flight(status) AND is_settled(activity_date, settle_hours, moment);

-- The delivery rate: delivered messages over decided ones (delivered or failed); NULL when none is decided.
CREATE OR REPLACE MACRO delivery_rate(delivered, decided) AS delivered / nullif(decided, 0);
