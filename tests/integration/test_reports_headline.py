"""The latest complete day's headline, as the command line and Slack show it."""

from datetime import datetime

from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.reports import build_daily_reports, latest_headline
from tests.conftest import ACCOUNT, DAY, sms

LATER = datetime(2026, 10, 10, 12, tzinfo=KST)


def test_a_warehouse_without_reports_has_no_headline_day(warehouse):
    assert latest_headline(warehouse) == (None, [])


def test_the_headline_is_that_of_the_latest_day_with_report_rows(simulator, client, warehouse):
    simulator.load(
        ACCOUNT, [*(sms(minute=i, to=f"010-4444-{i:04d}") for i in range(3)), sms(minute=9, status=9)]
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_delivery_outcomes(warehouse, LATER)
    build_daily_reports(warehouse, LATER)
    assert latest_headline(warehouse) == (
        DAY,
        [
            {
                "day": DAY,
                "vendor": "cafe24",
                "messages": 4,
                "delivery_rate_pct": 75.0,
                "failed": 1,
                "in_flight": 0,
                "billed_units": 4,
            }
        ],
    )
