"""Infobank reports from a stored file to the billing report: resends, conflicts, finals, quarantine.

The rules (docs/data-dictionary.md, docs/metrics.md): a report resent is the same report, counted in
report_count and retry_count but billed once (the deciding final's rescnt); two different finals are a
conflict and the one received last decides; a final is not undone by a later DLR; a line that cannot be a
report (a negative rescnt among them) goes to the quarantine with its reason and is never billed.
"""

from datetime import datetime

from pipelines.infobank.ingest import ingest_infobank
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from tests.conftest import DAY
from tests.rules.support import (
    EVENING,
    SETTLE_HOURS,
    build_outcomes_and_reports,
    query,
    report_line,
    write_store,
)

SKT = {"to": "1012345678", "to_country": "82", "network": "45005"}
BILLING = (
    "SELECT activity_date, vendor, carrier, messages, billed_units, retries_not_billed, cost_krw "
    "FROM report_billing_daily"
)


def price_infobank_units_at(warehouse, krw: int) -> None:
    """This test's contract: every Infobank unit costs `krw` (the shipped prices are only examples)."""
    warehouse.connection.execute("UPDATE price_book SET krw_per_unit = ? WHERE vendor = 'infobank'", [krw])


def test_a_resent_report_is_counted_once_and_billed_once(warehouse, tmp_path):
    """msgid 31 (rescnt 1) arrives 4 times, msgid 32 (rescnt 2) twice: 2 messages, 3 units, 4 resends."""
    lines = [
        *(report_line(f"10:0{i}:05", msgid="31", **SKT, rescnt="1", err_code="1000") for i in range(4)),
        *(report_line(f"11:0{i}:05", msgid="32", **SKT, rescnt="2", err_code="1000") for i in range(2)),
    ]
    stats = ingest_infobank(warehouse, write_store(tmp_path / "reports", lines))
    price_infobank_units_at(warehouse, 10)
    build_outcomes_and_reports(warehouse, EVENING)

    assert (stats.lines_read, stats.reports_accepted, stats.retries, stats.quarantined) == (6, 2, 4, 0)
    assert query(warehouse, "SELECT msgid, report_count, retry_count, billed_units FROM infobank_messages "
                 "ORDER BY 1") == [("31", 4, 3, 1), ("32", 2, 1, 2)]  # fmt: skip
    assert query(
        warehouse, "SELECT message_key, status, billed_units, report_count FROM delivery_outcomes ORDER BY 1"
    ) == [("ib-31", "delivered", 1, 4), ("ib-32", "delivered", 2, 2)]
    assert query(warehouse, BILLING) == [(DAY, "infobank", "SKT", 2, 3, 4, 30)]
    assert query(warehouse, "SELECT messages, delivered FROM report_delivery_daily") == [(2, 2)]


def test_two_different_finals_are_a_conflict_and_the_one_received_last_decides(warehouse, tmp_path):
    """Each message has a delivery and a failure. The file lists the later-received one first, so the
    line order cannot be what decides: msgid 51 was delivered last, msgid 52 failed last."""
    lines = [
        report_line("10:05:00", msgid="51", **SKT, rescnt="1", err_code="1000", sent_date="20261003100458"),
        report_line("10:00:00", msgid="51", **SKT, rescnt="0", err_code="2003"),
        report_line("10:05:00", msgid="52", **SKT, rescnt="0", err_code="2003"),
        report_line("10:00:00", msgid="52", **SKT, rescnt="1", err_code="1000", sent_date="20261003095958"),
    ]
    ingest_infobank(warehouse, write_store(tmp_path / "reports", lines))
    build_outcomes_and_reports(warehouse, EVENING)

    assert query(
        warehouse,
        "SELECT message_key, status, reason, vendor_status, delivered_at, billed_units, report_count, "
        "has_conflict FROM delivery_outcomes ORDER BY 1",
    ) == [
        ("ib-51", "delivered", "delivered", "1000", datetime(2026, 10, 3, 10, 4, 58, tzinfo=KST), 1, 2, True),
        ("ib-52", "undelivered", "handset_off", "2003", None, 0, 2, True),
    ]
    assert query(warehouse, "SELECT messages, delivered, undelivered FROM report_delivery_daily") == [
        (2, 1, 1)
    ]
    assert query(
        warehouse, "SELECT messages, billed_units, retries_not_billed FROM report_billing_daily"
    ) == [(2, 1, 0)]


def test_a_final_report_is_not_undone_by_a_later_dlr(warehouse, tmp_path):
    store = write_store(
        tmp_path / "reports", [report_line("10:00:00", msgid="71", **SKT, rescnt="1", err_code="1000")]
    )
    ingest_infobank(warehouse, store)
    build_delivery_outcomes(warehouse, EVENING, SETTLE_HOURS)
    dlr = report_line("10:30:00", msgid="71", **SKT, rescnt="0", err_code="1000", rslt_type="3")
    write_store(store, [dlr], name="later.log")
    ingest_infobank(warehouse, store)
    build_delivery_outcomes(warehouse, EVENING.replace(hour=21), SETTLE_HOURS)

    assert query(warehouse, "SELECT status, is_final, billed_units, report_count FROM delivery_outcomes") == [
        ("delivered", True, 1, 2)
    ]


def test_a_negative_rescnt_is_quarantined_with_its_reason_and_never_billed(warehouse, tmp_path):
    good = report_line("10:00:00", msgid="41", **SKT, rescnt="1", err_code="1000")
    negative = report_line("10:01:00", msgid="42", **SKT, rescnt="-5", err_code="1000")
    stats = ingest_infobank(warehouse, write_store(tmp_path / "reports", [good, negative]))
    price_infobank_units_at(warehouse, 10)
    build_outcomes_and_reports(warehouse, EVENING)

    assert (stats.lines_read, stats.reports_accepted, stats.quarantined) == (2, 1, 1)
    assert stats.quarantine_reasons == {"rescnt is negative": 1}
    assert query(warehouse, "SELECT source_file, line_number, raw, reason FROM infobank_quarantine") == [
        ("reports.log", 2, negative, "rescnt is negative")
    ]
    assert query(warehouse, "SELECT msgid FROM infobank_reports") == [("41",)]
    assert query(warehouse, "SELECT message_key, billed_units FROM delivery_outcomes") == [("ib-41", 1)]
    assert query(warehouse, BILLING) == [(DAY, "infobank", "SKT", 1, 1, 0, 10)]
