"""Daily report tables over delivery_outcomes: exact figures, findings, rebuilding only changed days."""

from datetime import datetime, timedelta

import pandas as pd

from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.exports import REPORT_TABLES, export_report_day
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.reports import build_daily_reports
from tests.conftest import ACCOUNT, DAY, sms

LATER = datetime(2026, 10, 10, 12, tzinfo=KST)
REFUND = datetime(2026, 10, 3, 15)


def build(warehouse, now: datetime = LATER) -> dict:
    build_delivery_outcomes(warehouse, now)
    return build_daily_reports(warehouse, now)


def test_delivery_refund_and_billing_figures_of_a_day(simulator, client, warehouse):
    simulator.load(
        ACCOUNT,
        [
            *(sms(minute=i, to=f"010-4444-{i:04d}") for i in range(6)),  # delivered
            sms(minute=10, status=9, refund_at=REFUND),  # failed, refunded after 6 hours
            sms(minute=11, status=9),  # failed, never refunded: refund_missing
            sms(minute=12, status=3, refund_at=REFUND),  # delivered yet refunded: refund_unexpected
        ],
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    built = build(warehouse)
    assert built["days_rebuilt"] == 1
    delivery = warehouse.connection.execute(
        "SELECT messages, delivered, undelivered, final_outcomes, delivery_rate, in_flight_share "
        "FROM report_delivery_daily"
    ).fetchall()
    assert delivery == [(9, 7, 2, 9, 7 / 9, 0.0)]
    refunds = warehouse.connection.execute(
        "SELECT failed, refunded, refund_missing, refund_unexpected, refund_lag_p50_hours "
        "FROM report_refunds_daily"
    ).fetchall()
    assert refunds == [(2, 1, 1, 1, 6.0 - 10 / 60)]
    billing = warehouse.connection.execute(
        "SELECT messages, billed_units, billed_units_on_failures, delivered_unbilled "
        "FROM report_billing_daily"
    ).fetchall()
    assert billing == [(9, 9, 1, 0)]  # the unrefunded failure is the only one finance pays for
    reasons = warehouse.connection.execute(
        "SELECT failures, share_of_failures FROM report_failure_reasons_daily"
    ).fetchall()
    assert reasons == [(2, 1.0)]


def test_only_changed_days_are_rebuilt_and_the_result_is_the_same_as_from_scratch(
    simulator, client, warehouse
):
    second_day = DAY + timedelta(days=1)
    late = sms(second_day, status=1)
    simulator.load(ACCOUNT, [sms(), sms(second_day, minute=1), late])
    ingest_cafe24(client, warehouse, DAY, second_day, lookback_days=0)
    assert build(warehouse, datetime(2026, 10, 4, 20, tzinfo=KST))["days_rebuilt"] == 2
    assert build(warehouse, datetime(2026, 10, 4, 21, tzinfo=KST))["days_rebuilt"] == 0
    late.status = 3
    ingest_cafe24(client, warehouse, DAY, second_day, lookback_days=0)
    assert build(warehouse, datetime(2026, 10, 4, 22, tzinfo=KST))["days_rebuilt"] == 1
    incremental = warehouse.connection.execute("SELECT * FROM report_delivery_daily ORDER BY ALL").fetchall()
    warehouse.connection.execute("DELETE FROM report_builds; DELETE FROM report_delivery_daily")
    warehouse.connection.execute("DELETE FROM outcome_builds")
    build(warehouse, datetime(2026, 10, 4, 22, tzinfo=KST))
    assert (
        warehouse.connection.execute("SELECT * FROM report_delivery_daily ORDER BY ALL").fetchall()
        == incremental
    )
    assert incremental[1][4:6] == (2, 2)  # the second day: 2 messages, both delivered now


def test_each_rebuilt_day_is_exported_as_csv_with_a_bom_and_as_parquet(
    simulator, client, warehouse, tmp_path
):
    simulator.load(ACCOUNT, [sms(minute=1), sms(minute=2, status=9)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_delivery_outcomes(warehouse, LATER)
    built = build_daily_reports(warehouse, LATER)
    assert built["days"] == [DAY]
    written = export_report_day(warehouse, tmp_path / "out", DAY)
    assert sorted(path.name for path in written) == sorted(
        [f"{table}.{kind}" for table in REPORT_TABLES for kind in ("csv", "parquet")] + ["daily_report.html"]
    )
    csv_bytes = (tmp_path / "out" / DAY.isoformat() / "report_delivery_daily.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and b"cafe24" in csv_bytes
    frame = pd.read_parquet(tmp_path / "out" / DAY.isoformat() / "report_delivery_daily.parquet")
    assert (int(frame["messages"].sum()), int(frame["delivered"].sum())) == (2, 1)
    assert not list((tmp_path / "out" / DAY.isoformat()).glob(".*"))  # no temporary file left behind


def billing_totals(warehouse) -> tuple:
    return warehouse.connection.execute(
        "SELECT sum(billed_units), sum(refunded_units), sum(cost_krw), sum(unpriced_units) "
        "FROM report_billing_daily"
    ).fetchone()


def test_cost_is_billed_units_net_of_refunds_at_the_price_book_price(simulator, client, warehouse):
    simulator.load(
        ACCOUNT,
        [
            *(sms(minute=i, to=f"010-4444-{i:04d}") for i in range(3)),  # 3 SMS delivered
            sms(minute=5, status=9, refund_at=REFUND),  # SMS failed and refunded: costs nothing
            sms(minute=6, sms_type="LMS", subject="공지", to="010-5555-0001"),  # 1 LMS delivered
        ],
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build(warehouse)
    sms_price, lms_price = (
        warehouse.connection.execute(
            "SELECT krw_per_unit FROM price_book WHERE vendor = 'cafe24' AND message_type = $1 "
            "AND valid_from <= $2 AND coalesce(valid_until, DATE '9999-12-31') > $2",
            [message_type, DAY],
        ).fetchone()[0]
        for message_type in ("SMS", "LMS")
    )
    assert billing_totals(warehouse) == (5, 1, 3 * sms_price + lms_price, 0)


def test_units_without_a_price_are_counted_and_a_price_book_change_rebuilds_every_day(
    simulator, client, warehouse
):
    simulator.load(ACCOUNT, [sms(), sms(DAY + timedelta(days=1), sms_type="LMS", subject="s")])
    ingest_cafe24(client, warehouse, DAY, DAY + timedelta(days=1), lookback_days=0)
    warehouse.connection.execute("DELETE FROM price_book WHERE message_type = 'LMS'")
    assert build(warehouse)["days_rebuilt"] == 2
    sms_price = warehouse.connection.execute(
        "SELECT krw_per_unit FROM price_book WHERE vendor = 'cafe24' AND message_type = 'SMS'"
    ).fetchone()[0]
    assert billing_totals(warehouse) == (2, 0, sms_price, 1)  # the LMS has no price: counted, not costed
    assert build(warehouse, LATER + timedelta(hours=1))["days_rebuilt"] == 0
    warehouse.connection.execute("UPDATE price_book SET krw_per_unit = 100 WHERE message_type = 'SMS'")
    assert build(warehouse, LATER + timedelta(hours=2))["days_rebuilt"] == 2
    assert billing_totals(warehouse)[2] == 100


def test_a_warehouse_made_before_costs_gets_the_new_columns_and_rebuilds_its_days(
    simulator, client, warehouse
):
    simulator.load(ACCOUNT, [sms()])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build(warehouse)
    for column in ("refunded_units", "cost_krw", "unpriced_units"):
        warehouse.connection.execute(f"ALTER TABLE report_billing_daily DROP COLUMN {column}")
    warehouse.connection.execute("ALTER TABLE report_builds DROP COLUMN price_book_digest")
    warehouse.connection.execute("UPDATE warehouse_schema SET digest = 'older'")  # as after an upgrade
    warehouse.ensure_schema()
    assert build(warehouse, LATER + timedelta(hours=1))["days_rebuilt"] == 1
    sms_price = warehouse.connection.execute(
        "SELECT krw_per_unit FROM price_book WHERE vendor = 'cafe24' AND message_type = 'SMS'"
    ).fetchone()[0]
    assert billing_totals(warehouse) == (1, 0, sms_price, 0)  # one delivered SMS at the SMS price


def test_a_price_for_the_own_type_wins_the_latest_overlapping_range_wins_and_valid_until_is_excluded(
    simulator, client, warehouse
):
    simulator.load(
        ACCOUNT,
        [sms(minute=1, to="010-4444-0001"), sms(minute=2, sms_type="LMS", subject="s", to="010-5555-0001")],
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    prices = warehouse.connection
    prices.execute("DELETE FROM price_book WHERE vendor = 'cafe24'")
    prices.execute(
        "INSERT INTO price_book (vendor, message_type, valid_from, valid_until, krw_per_unit) VALUES "
        "('cafe24', '*', DATE '2024-01-01', NULL, 100),"  # any type: only where no own-type price
        "('cafe24', 'SMS', DATE '2024-01-01', NULL, 16.5),"
        "('cafe24', 'SMS', $day, $day + 1, 20),"  # overlaps the one above, started later: wins on DAY
        "('cafe24', 'LMS', $day - 10, $day, 999)",  # ends as DAY begins: valid_until is excluded
        {"day": DAY},
    )
    build(warehouse)
    assert billing_totals(warehouse) == (2, 0, 20 + 100, 0)
