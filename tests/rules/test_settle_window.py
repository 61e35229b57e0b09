"""The settle window at its boundary: one hour before it closes and one hour after.

DAY is 2026-10-03 (KST). It ends at 2026-10-04 00:00 KST, and with settle_hours = 72 its window closes
at 2026-10-07 00:00 KST. Until then a message still in flight stays pending (or scheduled) and a failed
Cafe24 message without a refund is no finding; from then on the first is unknown / no_final_report and
the second is refund_missing (docs/metrics.md, docs/data-dictionary.md).
"""

from datetime import datetime

import pytest

from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.infobank.ingest import ingest_infobank
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.report_page import render_daily_report
from pipelines.report_page.figures import read_daily_figures
from tests.conftest import ACCOUNT, DAY, sms
from tests.rules.support import (
    AFTER_SETTLING,
    BEFORE_SETTLING,
    HOUR,
    SETTLE_HOURS,
    SETTLES_AT,
    build_outcomes_and_reports,
    query,
    report_line,
    write_store,
)

STATUS = "SELECT status, is_final, reason FROM delivery_outcomes"


def test_a_pending_cafe24_message_becomes_unknown_only_once_the_settle_window_has_closed(
    simulator, client, warehouse
):
    simulator.load(ACCOUNT, [sms(status=1)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)

    build_delivery_outcomes(warehouse, BEFORE_SETTLING, SETTLE_HOURS)
    assert query(warehouse, STATUS) == [("pending", False, "accepted")]
    build_delivery_outcomes(warehouse, AFTER_SETTLING, SETTLE_HOURS)
    assert query(warehouse, STATUS) == [("unknown", True, "no_final_report")]


def test_a_scheduled_cafe24_message_settles_by_its_own_day(simulator, client, warehouse):
    """A reservation counts for the day it is sent on (sendDateTime), and settles 72 hours after that day."""
    simulator.load(ACCOUNT, [sms(send_type="R", status=2)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)

    build_delivery_outcomes(warehouse, BEFORE_SETTLING, SETTLE_HOURS)
    assert query(warehouse, STATUS) == [("scheduled", False, "accepted")]
    build_delivery_outcomes(warehouse, AFTER_SETTLING, SETTLE_HOURS)
    assert query(warehouse, STATUS) == [("unknown", True, "no_final_report")]


def test_an_infobank_message_with_only_a_dlr_is_pending_until_the_settle_window_closes(warehouse, tmp_path):
    """A DLR (rslt_type=3) says the message is on its way; its rescnt is no bill, only a final's is."""
    dlr = report_line("10:00:05", msgid="61", to="1012345678", to_country="82", network="45005", rescnt="1",
                      err_code="1000", rslt_type="3")  # fmt: skip
    ingest_infobank(warehouse, write_store(tmp_path / "reports", [dlr]))
    outcome = "SELECT status, is_final, reason, activity_date, billed_units FROM delivery_outcomes"

    build_delivery_outcomes(warehouse, BEFORE_SETTLING, SETTLE_HOURS)
    assert query(warehouse, outcome) == [("pending", False, "accepted", DAY, None)]
    build_delivery_outcomes(warehouse, AFTER_SETTLING, SETTLE_HOURS)
    assert query(warehouse, outcome) == [("unknown", True, "no_final_report", DAY, None)]


@pytest.mark.parametrize(
    ("settle_hours", "closes_at"),
    [(24, datetime(2026, 10, 5, 0, 0, tzinfo=KST)), (96, datetime(2026, 10, 8, 0, 0, tzinfo=KST))],
)
def test_the_settle_window_is_the_settle_hours_given_to_the_build(
    simulator, client, warehouse, settle_hours, closes_at
):
    simulator.load(ACCOUNT, [sms(status=1)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)

    build_delivery_outcomes(warehouse, closes_at - HOUR, settle_hours)
    assert query(warehouse, STATUS) == [("pending", False, "accepted")]
    build_delivery_outcomes(warehouse, closes_at + HOUR, settle_hours)
    assert query(warehouse, STATUS) == [("unknown", True, "no_final_report")]


REFUNDS = (
    "SELECT activity_date, failed, refunded, refund_missing, refund_unexpected, refund_lag_p50_hours "
    "FROM report_refunds_daily"
)
BILLING = "SELECT messages, billed_units, billed_units_on_failures, refunded_units FROM report_billing_daily"


def test_a_failure_without_a_refund_is_refund_missing_only_once_the_settle_window_has_closed(
    simulator, client, warehouse
):
    """Two failures: one refunded at 12:01 (2 h 59 min after it was sent at 09:02), one never refunded.
    The unrefunded one is no finding an hour before the window closes (its refund may still come), and
    refund_missing and a billed failure an hour after. The day is rebuilt for that alone: nothing was read
    in between."""
    simulator.load(
        ACCOUNT,
        [
            sms(minute=1, to="010-1111-1111", status=9),
            sms(minute=2, to="010-2222-2222", status=9, refund_at=datetime(2026, 10, 3, 12, 1)),
            sms(minute=3, to="010-3333-3333", status=3),
        ],
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    lag_hours = (3 * 60 - 1) / 60

    build_outcomes_and_reports(warehouse, BEFORE_SETTLING)
    assert query(warehouse, REFUNDS) == [(DAY, 2, 1, 0, 0, lag_hours)]
    assert query(warehouse, BILLING) == [(3, 3, 0, 1)]  # one unit per Cafe24 message, one given back
    build_outcomes_and_reports(warehouse, AFTER_SETTLING)
    assert query(warehouse, REFUNDS) == [(DAY, 2, 1, 1, 0, lag_hours)]
    assert query(warehouse, BILLING) == [(3, 3, 1, 1)]  # the unrefunded failure: paid for, not delivered


@pytest.mark.parametrize(
    ("moment", "settled"),
    [(BEFORE_SETTLING, False), (SETTLES_AT, False), (AFTER_SETTLING, True)],
    ids=["an hour before", "the very moment it closes", "an hour after"],
)
def test_the_page_says_the_window_is_open_exactly_when_the_report_tables_do(
    simulator, client, warehouse, moment, settled
):
    """The page reads is_settled like the report tables: at the very moment the window closes it is still
    open (settled means later than settles_at), so the page's note and its refund_missing count agree."""
    simulator.load(ACCOUNT, [sms(minute=1, to="010-1111-1111", status=9)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_outcomes_and_reports(warehouse, moment)
    figures = read_daily_figures(warehouse, DAY, moment, SETTLE_HOURS)
    assert figures.settled is settled
    assert figures.findings["refund_missing"].messages == int(settled)
    assert query(warehouse, REFUNDS)[0][3] == int(settled)
    page = render_daily_report(warehouse, DAY, moment, SETTLE_HOURS)
    assert ("until then a failure without a refund is not counted as missing" in page) is not settled


def test_a_message_in_flight_settles_however_many_builds_ran_while_it_waited(simulator, client, warehouse):
    """Each build looks for overdue messages only on the days whose window may have closed since the build
    before it: one in flight across many builds is still found when its window closes."""
    simulator.load(ACCOUNT, [sms(status=1)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    for hours_before in (60, 40, 20, 1):
        build_delivery_outcomes(warehouse, SETTLES_AT - hours_before * HOUR, SETTLE_HOURS)
        assert query(warehouse, STATUS) == [("pending", False, "accepted")]
    build_delivery_outcomes(warehouse, AFTER_SETTLING, SETTLE_HOURS)
    assert query(warehouse, STATUS) == [("unknown", True, "no_final_report")]


def test_a_build_judged_as_of_an_earlier_moment_does_not_hide_a_message_from_the_next(
    simulator, client, warehouse
):
    """A build may be run as of any moment (`now`): after one as of a month later, one as of before the
    window closed leaves a message pending, and the next build, as of after the window closed, still turns
    it unknown: neither the overdue horizon nor the changed messages skip it."""
    build_delivery_outcomes(warehouse, AFTER_SETTLING + 30 * 24 * HOUR, SETTLE_HOURS)
    simulator.load(ACCOUNT, [sms(status=1)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_delivery_outcomes(warehouse, BEFORE_SETTLING, SETTLE_HOURS)
    assert query(warehouse, STATUS) == [("pending", False, "accepted")]
    build_delivery_outcomes(warehouse, AFTER_SETTLING, SETTLE_HOURS)
    assert query(warehouse, STATUS) == [("unknown", True, "no_final_report")]
