"""delivery_outcomes over both vendors in a real DuckDB file: mapping, settle window, reconciliation."""

from datetime import date, datetime, time, timedelta

import pytest

from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.infobank.ingest import ingest_infobank
from pipelines.kst import KST
from pipelines.outcome_checks import OutcomeChecks
from pipelines.outcomes import build_delivery_outcomes
from tests.conftest import ACCOUNT, DAY, sms

NOW = datetime(2026, 10, 10, 12, 0, tzinfo=KST)
REPORTS = [
    "2026-10-03T10:00:05+09:00\t?msgid=11&to=1093446280&to_country=82&network=45005&rescnt=1&err_code=1000"
    "&sent_date=20261003100003",
    "2026-10-03T10:00:06+09:00\t?msgid=11&to=1093446280&to_country=82&network=45005&rescnt=1&err_code=1000"
    "&sent_date=20261003100003",
    "2026-10-03T10:01:00+09:00\t?msgid=12&to=5551234&to_country=1&network=310260&rescnt=0&err_code=2003",
    "2026-10-03T10:02:00+09:00\t?msgid=13&to=1000&to_country=82&network=45008&rescnt=0&err_code=1000&rslt_type=3",
    "2026-10-03T10:03:00+09:00\t?msgid=14&to=1000&to_country=82&network=45008&rescnt=0&err_code=4999",
]


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.log").write_text("\n".join(REPORTS) + "\n", encoding="utf-8")
    return folder


def outcomes(warehouse) -> dict[str, tuple]:
    rows = warehouse.connection.execute(
        "SELECT message_key, vendor, recipient, carrier, status, is_final, reason, billed_units, "
        "report_count, activity_date FROM delivery_outcomes"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def at(day: date, hours: int = 0) -> datetime:
    return datetime.combine(day, time(), KST) + timedelta(hours=hours)


def test_both_vendors_land_in_one_schema(simulator, client, warehouse, reports):
    refund = datetime(2026, 10, 3, 12)
    simulator.load(
        ACCOUNT, [sms(minute=1), sms(minute=2, status=9, refund_at=refund), sms(minute=3, status=1)]
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    ingest_infobank(warehouse, reports)
    summary = build_delivery_outcomes(warehouse, NOW)
    assert {row["vendor"]: row["messages"] for row in summary} == {"cafe24": 3, "infobank": 4}
    rows = outcomes(warehouse)
    assert rows["ib-11"] == ("infobank", "+821093446280", "SKT", "delivered", True, "delivered", 1, 2, DAY)
    assert rows["ib-12"][:6] == ("infobank", "+15551234", None, "undelivered", True, "handset_off")
    assert rows["ib-13"][3:6] == ("unknown", True, "no_final_report")  # only a DLR, long past settling
    assert rows["ib-14"][3:6] == ("unknown", True, "unmapped_code")
    cafe24 = [value for key, value in rows.items() if key.startswith("c24-")]
    assert sorted(row[3] for row in cafe24) == [
        "delivered",
        "undelivered",
        "unknown",
    ]  # the pending one settled
    assert {row[1] for row in cafe24} == {"+821012345678"}
    refunded = warehouse.connection.execute(
        "SELECT refunded_at FROM delivery_outcomes WHERE vendor = 'cafe24' AND status = 'undelivered'"
    ).fetchone()[0]
    assert refunded == refund.replace(tzinfo=KST)


def test_a_message_pending_within_the_settle_window_stays_pending(simulator, client, warehouse):
    simulator.load(ACCOUNT, [sms(status=1)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_delivery_outcomes(warehouse, at(DAY + timedelta(days=2)))
    assert warehouse.connection.execute("SELECT status, is_final FROM delivery_outcomes").fetchall() == [
        ("pending", False)
    ]
    build_delivery_outcomes(warehouse, at(DAY + timedelta(days=4), hours=1))
    assert warehouse.connection.execute("SELECT status, reason FROM delivery_outcomes").fetchall() == [
        ("unknown", "no_final_report")
    ]


def test_rebuilding_gives_the_same_table_and_every_check_holds(simulator, client, warehouse, reports):
    simulator.load(ACCOUNT, [sms(minute=i, to=f"010-2222-{i:04d}") for i in range(30)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    ingest_infobank(warehouse, reports)
    build_delivery_outcomes(warehouse, NOW)
    first = sorted(outcomes(warehouse).items())
    build_delivery_outcomes(warehouse, NOW)
    assert sorted(outcomes(warehouse).items()) == first
    queries = ["outcomes_duplicate_keys", "outcomes_statuses_not_canonical", "outcomes_unreconciled",
               "outcomes_final_went_back"]  # fmt: skip
    checks = OutcomeChecks(warehouse, whole=True)
    assert {query: checks.findings(query) for query in queries} == {query: [] for query in queries}
    assert warehouse.rows("checks/outcomes_unmapped_codes", whole=True) == [("infobank", "4999", 1)]


def test_the_activity_date_is_the_kst_day_of_receipt(warehouse, tmp_path):
    folder = tmp_path / "late"
    folder.mkdir()
    # Received at 00:30 KST on the 4th = 15:30 UTC on the 3rd: the message counts for the 4th.
    (folder / "a.log").write_text("2026-10-04T00:30:00+09:00\tmsgid=1&to=1&to_country=82&err_code=1000\n")
    ingest_infobank(warehouse, folder)
    build_delivery_outcomes(warehouse, NOW)
    assert warehouse.connection.execute("SELECT activity_date FROM delivery_outcomes").fetchall() == [
        (date(2026, 10, 4),)
    ]


def rebuilt(summary: list[dict]) -> dict[str, int]:
    return {row["vendor"]: row["rebuilt"] for row in summary}


def test_a_build_recomputes_only_what_changed_and_matches_a_full_build(
    simulator, client, warehouse, reports, tmp_path
):
    pending = sms(minute=5, status=1)
    simulator.load(ACCOUNT, [*(sms(minute=i, to=f"010-3333-{i:04d}") for i in range(20)), pending])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    ingest_infobank(warehouse, reports)
    first = build_delivery_outcomes(warehouse, at(DAY, hours=20))
    assert rebuilt(first) == {"cafe24": 21, "infobank": 4} and first[0]["full_rebuild"]

    assert rebuilt(build_delivery_outcomes(warehouse, at(DAY, hours=21))) == {"cafe24": 0, "infobank": 0}

    pending.status = 3
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    later = "2026-10-04T09:00:00+09:00\tmsgid=13&to=1000&to_country=82&network=45008&rescnt=1&err_code=1000\n"
    (reports / "b.log").write_text(later, encoding="utf-8")
    ingest_infobank(warehouse, reports)
    second = build_delivery_outcomes(warehouse, at(DAY, hours=22))
    assert rebuilt(second) == {"cafe24": 1, "infobank": 1} and not second[0]["full_rebuild"]
    assert warehouse.connection.execute(
        "SELECT status FROM delivery_outcomes WHERE message_key = 'ib-13'"
    ).fetchone() == ("delivered",)
    changed = warehouse.connection.execute(
        "SELECT DISTINCT vendor, activity_date FROM outcome_changed_days WHERE built_at = ? ORDER BY ALL",
        [at(DAY, hours=22)],
    ).fetchall()
    assert changed == [("cafe24", DAY), ("infobank", DAY)]

    incremental = sorted(outcomes(warehouse).items())
    warehouse.connection.execute("DELETE FROM outcome_builds")  # forget the history: a full build
    assert build_delivery_outcomes(warehouse, at(DAY, hours=22))[0]["full_rebuild"]
    assert sorted(outcomes(warehouse).items()) == incremental


def test_the_settle_window_running_out_is_a_change_by_itself(simulator, client, warehouse):
    simulator.load(ACCOUNT, [sms(status=1), sms(minute=1)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_delivery_outcomes(warehouse, at(DAY, hours=20))
    summary = build_delivery_outcomes(warehouse, at(DAY + timedelta(days=5)))
    assert rebuilt(summary) == {"cafe24": 1}
    assert OutcomeChecks(warehouse, whole=True).findings("outcomes_final_went_back") == []
