"""The dictionary and the delivery rate, pinned on one hand-made day of Infobank reports: which carrier a
network is, what a code means, that an expired message is a failure, and that the delivery rate is
delivered over decided messages (pending ones excluded)."""

import dagster as dg

from assets.infobank import infobank_quarantine_rate, infobank_reports
from assets.resources import InfobankResource, WarehouseResource
from pipelines.infobank.ingest import ingest_infobank
from tests.rules.support import EVENING, build_outcomes_and_reports, query, report_line, write_store

BASE = {"to": "1093446280", "to_country": "82", "rescnt": 1}
DAY_LINES = [
    report_line("10:00:00", msgid=1, network="45006", err_code="1000", sent_date="20261003100001", **BASE),
    report_line("10:01:00", msgid=2, network="45005", err_code="2003", **{**BASE, "rescnt": 0}),
    report_line("10:02:00", msgid=3, network="45008", err_code="2000", **{**BASE, "rescnt": 0}),
    # Only a DLR so far: pending.
    report_line("10:03:00", msgid=4, network="45006", err_code="1000", rslt_type="3", **BASE),
]


def build_day(warehouse, tmp_path) -> None:
    ingest_infobank(warehouse, write_store(tmp_path / "store", DAY_LINES))
    build_outcomes_and_reports(warehouse, EVENING)


def test_the_carrier_comes_from_the_network_and_the_meaning_from_the_code(warehouse, tmp_path):
    build_day(warehouse, tmp_path)
    assert query(
        warehouse,
        "SELECT vendor_message_id, carrier, status, reason, failure_class, retryable "
        "FROM delivery_outcomes ORDER BY vendor_message_id",
    ) == [
        ("1", "LG U+", "delivered", "delivered", None, False),
        ("2", "SKT", "undelivered", "handset_off", "transient", True),
        ("3", "KT", "expired", "timeout", "transient", True),
        ("4", "LG U+", "pending", "accepted", None, None),
    ]


def test_an_expired_message_is_a_failure_and_the_rate_is_delivered_over_decided(warehouse, tmp_path):
    build_day(warehouse, tmp_path)
    assert query(
        warehouse,
        "SELECT sum(messages), sum(delivered), sum(undelivered), sum(expired), sum(pending), "
        "sum(final_outcomes) FROM report_delivery_daily",
    ) == [(4, 1, 1, 1, 1, 3)]
    # delivered / (delivered + undelivered + expired): 1 of 3, the pending message left out of both.
    rates = query(
        warehouse,
        "SELECT carrier, delivery_rate FROM report_delivery_daily WHERE final_outcomes > 0 ORDER BY carrier",
    )
    assert rates == [("KT", 0.0), ("LG U+", 1.0), ("SKT", 0.0)]
    # LG U+: one delivered and one pending, so 1 of 1 decided, not 1 of 2 messages.
    lg_u_plus = "SELECT messages, final_outcomes FROM report_delivery_daily WHERE carrier = 'LG U+'"
    assert query(warehouse, lg_u_plus) == [(2, 1)]
    assert query(warehouse, "SELECT count(*) FROM report_failure_reasons_daily WHERE reason = 'timeout'") == [
        (1,)
    ]


def test_a_quarantine_rate_equal_to_the_threshold_passes_and_only_above_it_fails(tmp_path):
    store = write_store(tmp_path / "store", [*DAY_LINES[:3], "garbage"])  # 1 of 4 lines quarantined
    for threshold, passes in ((0.25, True), (0.24, False)):
        result = dg.materialize(
            [infobank_reports, infobank_quarantine_rate],
            resources={
                "infobank": InfobankResource(reports_dir=str(store), max_quarantine_rate=threshold),
                "warehouse": WarehouseResource(database=str(tmp_path / f"w{threshold}.duckdb")),
            },
            raise_on_error=False,
        )
        [evaluation] = result.get_asset_check_evaluations()
        assert evaluation.passed is passes, threshold
