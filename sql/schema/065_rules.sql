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
