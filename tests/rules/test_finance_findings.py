"""finance_findings: one row per message and finding, written by the report build from the judgement the
report tables count, so the tables, the page and the morning message show one set of figures. A warehouse
built before the table existed gets its rows once, as of each day's latest build."""

from datetime import datetime

from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.warehouse import Warehouse
from tests.conftest import ACCOUNT, DAY, sms
from tests.rules.support import AFTER_SETTLING, build_outcomes_and_reports, query

ROWS = "SELECT activity_date, vendor, finding, billed_units FROM finance_findings ORDER BY ALL"


def load_day(simulator, client, warehouse) -> None:
    """Two failures, one refunded; a delivery refunded all the same; a plain delivery."""
    simulator.load(
        ACCOUNT,
        [
            sms(minute=1, to="010-1111-1111", status=9),
            sms(minute=2, to="010-2222-2222", status=9, refund_at=datetime(2026, 10, 3, 12, 1)),
            sms(minute=3, to="010-3333-3333", status=3, refund_at=datetime(2026, 10, 3, 12, 2)),
            sms(minute=4, to="010-4444-4444", status=3),
        ],
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_outcomes_and_reports(warehouse, AFTER_SETTLING)


def test_the_findings_are_one_row_per_message_and_finding_and_add_up_to_the_report_tables(
    simulator, client, warehouse
):
    load_day(simulator, client, warehouse)
    assert query(warehouse, ROWS) == [
        (DAY, "cafe24", "billed_units_on_failures", 1),
        (DAY, "cafe24", "refund_missing", 1),
        (DAY, "cafe24", "refund_unexpected", 1),
    ]
    tables = query(
        warehouse,
        "SELECT r.refund_missing, r.refund_unexpected, b.billed_units_on_failures, b.delivered_unbilled "
        "FROM report_refunds_daily AS r JOIN report_billing_daily AS b USING (activity_date, vendor)",
    )
    assert tables == [(1, 1, 1, 0)]


def test_a_warehouse_built_before_the_table_gets_its_findings_once(simulator, client, warehouse):
    load_day(simulator, client, warehouse)
    expected = query(warehouse, ROWS)
    # As a warehouse of the previous version: no findings rows, and an older schema recorded.
    query(warehouse, "DELETE FROM finance_findings")
    query(warehouse, "UPDATE warehouse_schema SET digest = 'the previous version'")
    warehouse.ensure_schema()
    assert query(warehouse, ROWS) == expected
    Warehouse(warehouse.connection).ensure_schema()  # nothing to re-apply: nothing added twice
    query(warehouse, "UPDATE warehouse_schema SET digest = 'another version'")
    warehouse.ensure_schema()  # re-applied with rows present: not added twice either
    assert query(warehouse, ROWS) == expected
