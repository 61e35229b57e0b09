"""Text from vendors is data in every export: never a formula in a CSV cell, never markup in the page, kept
as it is in Parquet."""

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.exports import DAILY_REPORT, export_report_day
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.reports import build_daily_reports
from pipelines.warehouse import Warehouse
from tests.conftest import ACCOUNT, DAY, sms
from tests.integration.test_report_page import Tables

NOW = datetime(2026, 10, 10, 12, tzinfo=KST)
# Vendor text as it could reach the warehouse: formulas, markup, matplotlib's math syntax, text that looks
# like the SVG attributes the page rewrites, and a label too long for any chart.
REASONS = [
    '=HYPERLINK("http://x","click")',
    "<script>alert(1)</script>",
    "@SUM(1)",
    "-2+3",
    "+cmd|' /C calc'!A0",
    "\tTAB",
    "\rCR",
    "text\r=1+1",  # a new row, unless the cell is quoted
    r"$\frac$ costs $1 or $2",
    'id="x" href="#y" url(#z)',
    "very long reason " * 20,
]
CARRIER = '<img src=x onerror="alert(2)">'
MESSAGE_TYPE = "=1+1"
FAILURE_CLASS = "-1"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def hostile_warehouse(simulator, client, warehouse: Warehouse) -> Warehouse:
    """DAY's messages, built into delivery_outcomes, then given hostile vendor text (one failure per
    reason, the carrier, message type, failure class, account and the vendor's own code and text) before
    the report tables are built; one message is billed -2 units, a negative number."""
    simulator.load(
        ACCOUNT,
        [sms(minute=0), *(sms(minute=i + 1, to=f"010-9999-{i:04d}", status=9) for i in range(len(REASONS)))],
    )
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build_delivery_outcomes(warehouse, NOW)
    keys = [
        key
        for (key,) in warehouse.connection.execute(
            "SELECT message_key FROM delivery_outcomes WHERE status <> 'delivered' ORDER BY sent_at"
        ).fetchall()
    ]
    for key, reason in zip(keys, REASONS, strict=True):
        warehouse.connection.execute(
            "UPDATE delivery_outcomes SET reason = ?, carrier = ?, message_type = ?, failure_class = ?, "
            "account = ?, vendor_status = ?, vendor_status_text = ? WHERE message_key = ?",
            [reason, CARRIER, MESSAGE_TYPE, FAILURE_CLASS, REASONS[0], REASONS[1], REASONS[2], key],
        )
    warehouse.connection.execute(
        "UPDATE delivery_outcomes SET billed_units = -2 WHERE status = 'delivered' AND carrier IS NULL"
    )
    build_daily_reports(warehouse, NOW)
    return warehouse


@pytest.fixture
def exported(simulator, client, warehouse, tmp_path) -> Path:
    hostile_warehouse(simulator, client, warehouse)
    export_report_day(warehouse, tmp_path / "out", DAY)
    return tmp_path / "out" / DAY.isoformat()


def cells(path: Path) -> list[dict[str, str]]:
    """The CSV's cells as a spreadsheet reads them: text, exactly as in the file."""
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def test_no_csv_cell_starts_like_a_formula_and_numbers_stay_numbers(exported):
    reasons = [row["reason"] for row in cells(exported / "report_failure_reasons_daily.csv")]
    assert len(reasons) == len(REASONS)  # one row each: no text starts a row of its own
    assert sorted(reasons) == sorted("'" + r if r.startswith(FORMULA_START) else r for r in REASONS)
    for table in ("report_delivery_daily", "report_failure_reasons_daily", "report_billing_daily"):
        for row in cells(exported / f"{table}.csv"):
            for column, value in row.items():
                assert is_number(value) or not value.startswith(FORMULA_START), (table, column, value)
    delivery = cells(exported / "report_delivery_daily.csv")
    assert {(row["message_type"], row["carrier"]) for row in delivery} == {
        ("SMS", "(unknown)"),
        ("'" + MESSAGE_TYPE, CARRIER),
    }
    failures = cells(exported / "report_failure_reasons_daily.csv")
    assert {row["failure_class"] for row in failures} == {"'" + FAILURE_CLASS}
    billed = {row["carrier"]: row["billed_units"] for row in cells(exported / "report_billing_daily.csv")}
    assert billed["(unknown)"] == "-2"  # a negative number is a number, not a formula to neutralise


def test_parquet_keeps_vendor_text_as_it_is(exported):
    frame = pd.read_parquet(exported / "report_failure_reasons_daily.parquet")
    assert sorted(frame["reason"]) == sorted(REASONS)
    assert set(frame["failure_class"]) == {FAILURE_CLASS}
    billing = pd.read_parquet(exported / "report_billing_daily.parquet")
    assert billing["billed_units"].min() == -2


def chart(html: str, key: str) -> str:
    """The SVG of one chart of the page."""
    match = re.search(rf'<svg class="chart" data-chart="{key}".*?</svg>', html, flags=re.DOTALL)
    assert match, key
    return match[0]


def test_the_page_shows_vendor_text_escaped_and_literally(exported):
    html = (exported / DAILY_REPORT).read_bytes().decode("utf-8")
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered
    findings = Tables(html).tables["Refunds missing"]
    assert sorted(row[4] for row in findings[1:]) == sorted(REASONS)  # each reason, as it is, in the table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    reasons = chart(html, "failure-reasons")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reasons
    assert r"$\frac$ costs $1 or $2" in reasons  # drawn as text, not as matplotlib's math
    assert 'id="x" href="#y" url(#z)' in reasons  # the chart's own ids are renamed, this text is not
    assert "very long reason very long" in reasons  # shortened to fit, and the page still drawn
    assert "&lt;img src=x onerror=" in chart(html, "carriers")
