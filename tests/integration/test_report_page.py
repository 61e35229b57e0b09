"""daily_report.html over a real warehouse: exact headline, findings that agree with the report tables,
masked phone numbers, and nothing that would make a browser fetch anything."""

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipelines.exports
from assets.resources import WarehouseResource
from pipelines.cafe24.client import SmsListClient
from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.exports import DAILY_REPORT, export_due_days, export_report_day, write_daily_report
from pipelines.infobank.ingest import ingest_infobank
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.report_page import draw_page
from pipelines.report_page.figures import FIRST_ROWS, PageAsOf, read_daily_figures, read_pages_figures
from pipelines.reports import build_daily_reports
from pipelines.simulator import Cafe24Simulator
from pipelines.warehouse import Warehouse
from tests.conftest import ACCOUNT, DAY, SECRET, client_config, sms

NOW = datetime(2026, 10, 10, 12, tzinfo=KST)  # long after DAY's settle window closed
PREVIOUS_DAY = DAY - timedelta(days=1)
WEEK_DAY = DAY - timedelta(days=5)
REFUND = datetime(2026, 10, 3, 15)
# All received on DAY: delivered (SKT), failed yet billed (KT), delivered in 2 units (KT).
INFOBANK_REPORTS = [
    "2026-10-03T10:00:05+09:00\t?msgid=21&to=1093446280&to_country=82&network=45005&rescnt=1&err_code=1000"
    "&sent_date=20261003100003",
    "2026-10-03T10:01:00+09:00\t?msgid=22&to=1077001234&to_country=82&network=45008&rescnt=1&err_code=2003",
    "2026-10-03T10:02:00+09:00\t?msgid=23&to=1066005678&to_country=82&network=45008&rescnt=2&err_code=1000"
    "&sent_date=20261003100150",
]


def load_traffic(simulator: Cafe24Simulator, client, warehouse: Warehouse, reports_dir: Path) -> None:
    """Ingest a week of both vendors into the warehouse (nothing built yet):
    DAY       Cafe24: 6 delivered, 1 failed and refunded, 1 failed never refunded, 1 delivered yet refunded;
              Infobank: 2 delivered (1 + 2 units), 1 failed and billed
    the day before: Cafe24 3 delivered, 1 failed never refunded; 5 days before: Cafe24 4 delivered."""
    simulator.load(
        ACCOUNT,
        [
            *(sms(minute=i, to=f"010-4444-{i:04d}") for i in range(6)),
            sms(minute=10, to="010-5555-1010", status=9, refund_at=REFUND),
            sms(minute=11, to="010-5555-1011", status=9),
            sms(minute=12, to="010-5555-1012", status=3, refund_at=REFUND),
            *(sms(PREVIOUS_DAY, minute=i, to=f"010-6666-{i:04d}") for i in range(3)),
            sms(PREVIOUS_DAY, minute=5, to="010-6666-0005", status=9),
            *(sms(WEEK_DAY, minute=i, to=f"010-7777-{i:04d}") for i in range(4)),
        ],
    )
    ingest_cafe24(client, warehouse, WEEK_DAY, DAY, lookback_days=0)
    reports_dir.mkdir(exist_ok=True)
    (reports_dir / "reports.log").write_text("\n".join(INFOBANK_REPORTS) + "\n", encoding="utf-8")
    ingest_infobank(warehouse, reports_dir)


def build(warehouse: Warehouse, now: datetime = NOW) -> None:
    build_delivery_outcomes(warehouse, now)
    build_daily_reports(warehouse, now)


@pytest.fixture
def traffic(simulator, client, warehouse, tmp_path) -> Warehouse:
    load_traffic(simulator, client, warehouse, tmp_path / "reports")
    return warehouse


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Iterator[Warehouse]:
    """The week of traffic, built as of NOW: shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("report_page")
    with (
        Cafe24Simulator(accounts={ACCOUNT: SECRET}) as simulator,
        SmsListClient(client_config(simulator)) as client,
        WarehouseResource(database=str(folder / "warehouse.duckdb")).open() as warehouse,
    ):
        load_traffic(simulator, client, warehouse, folder / "reports")
        build(warehouse)
        yield warehouse


@pytest.fixture(scope="module")
def day_page(built, tmp_path_factory) -> str:
    """DAY's page, as export_report_day writes it."""
    return page(built, tmp_path_factory.mktemp("out"))


def page(warehouse: Warehouse, folder: Path, day: date = DAY) -> str:
    export_report_day(warehouse, folder, day)
    return (folder / day.isoformat() / DAILY_REPORT).read_text(encoding="utf-8")


class Tables(HTMLParser):
    """Every table of a page, keyed by the text of the heading (h3) before it, as rows of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[str] = []
        self._heading: str | None = None
        self._cell: str | None = None
        self._row: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("h1", "h2", "h3"):
            self._heading = ""
        elif tag == "table":
            self.tables[self.headings[-1]] = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append(self._heading)
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr":
            self.tables[self.headings[-1]].append(self._row)

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading += data
        if self._cell is not None:
            self._cell += data


def test_the_headline_shows_each_vendor_against_the_day_before_and_the_week(day_page):
    tables = Tables(day_page).tables
    assert tables["cafe24"] == [
        ["", "2026-10-03", "Previous day (10-02)", "Change", "7-day average (09-26 to 10-02)", "Change"],
        ["Messages", "9", "4", "+5 (+125.0%)", "1.1", "+7.9 (+687.5%)"],
        ["Delivery rate", "77.78%", "75.00%", "+2.78 pp", "87.50%", "-9.72 pp"],
        ["Failed", "2", "1", "+1 (+100.0%)", "0.1", "+1.9 (+1300.0%)"],
        ["In flight", "0", "0", "+0", "0.0", "+0.0"],
        ["Billed units", "9", "4", "+5 (+125.0%)", "1.1", "+7.9 (+687.5%)"],
        ["Refunds", "1", "0", "+1", "0.0", "+1.0"],
    ]
    assert tables["infobank"][1:] == [
        ["Messages", "3", "0", "+3", "0.0", "+3.0"],
        ["Delivery rate", "66.67%", "—", "—", "—", "—"],
        ["Failed", "1", "0", "+1", "0.0", "+1.0"],
        ["In flight", "0", "0", "+0", "0.0", "+0.0"],
        ["Billed units", "4", "0", "+4", "0.0", "+4.0"],
        ["Refunds", "—", "—", "—", "—", "—"],  # Infobank does not refund
    ]


def test_the_findings_list_the_messages_finance_must_look_at(day_page):
    html = day_page
    tables = Tables(html).tables
    header = ["Vendor", "Sent at (KST)", "Recipient", "Status", "Reason", "Billed units", "Refunded at (KST)"]
    missing = ["cafe24", "2026-10-03 09:11", "010-****-1011", "undelivered", "unspecified", "1", "—"]
    assert tables["Refunds missing"] == [header, missing]
    assert tables["Refunds unexpected"] == [
        header,
        ["cafe24", "2026-10-03 09:12", "010-****-1012", "delivered", "delivered", "1", "2026-10-03 15:00"],
    ]
    infobank_failure = ["infobank", "—", "010-****-1234", "undelivered", "handset_off", "1", "—"]
    assert tables["Billed failures"] == [header, missing, infobank_failure]
    assert "<strong>1</strong> message, 1 billed unit." in html
    assert "<strong>2</strong> messages, 2 billed units." in html


def test_findings_agree_with_the_report_tables_on_every_day(built):
    totals = {
        "refund_missing": 0,
        "refund_unexpected": 0,
        "billed_units_on_failures": 0,
        "delivered_unbilled": 0,
    }
    for day in (WEEK_DAY + timedelta(days=back) for back in range(6)):
        findings = read_daily_figures(built, day, NOW, 72).findings
        refunds = built.connection.execute(
            "SELECT coalesce(sum(refund_missing), 0), coalesce(sum(refund_unexpected), 0) "
            "FROM report_refunds_daily WHERE activity_date = ?",
            [day],
        ).fetchone()
        billing = built.connection.execute(
            "SELECT coalesce(sum(billed_units_on_failures), 0), coalesce(sum(delivered_unbilled), 0) "
            "FROM report_billing_daily WHERE activity_date = ?",
            [day],
        ).fetchone()
        assert (findings["refund_missing"].messages, findings["refund_unexpected"].messages) == refunds, day
        found = findings["billed_units_on_failures"].billed_units, findings["delivered_unbilled"].messages
        assert found == billing, day
        for name, finding in findings.items():
            assert len(finding.first_rows) == min(finding.messages, FIRST_ROWS)
            totals[name] += finding.messages
    assert totals == {
        "refund_missing": 2,
        "refund_unexpected": 1,
        "billed_units_on_failures": 3,
        "delivered_unbilled": 0,
    }


def test_a_failure_counts_as_refund_missing_only_once_the_settle_window_has_closed(traffic, tmp_path):
    early = datetime(2026, 10, 5, 12, tzinfo=KST)  # DAY's 72-hour settle window closes on 10-07 00:00
    build(traffic, early)
    html = page(traffic, tmp_path / "early")
    tables = Tables(html).tables
    assert "Refunds missing" not in tables
    assert "closes at 2026-10-07 00:00 KST" in html
    # The Cafe24 failure's refund may still come: only the Infobank failure is paid for, not delivered.
    assert [row[0] for row in tables["Billed failures"][1:]] == ["infobank"]
    build(traffic)  # the window has closed: the day is rebuilt, and the page written again agrees
    late = Tables(page(traffic, tmp_path / "late")).tables
    assert len(late["Refunds missing"]) == 2
    assert [row[0] for row in late["Billed failures"][1:]] == ["cafe24", "infobank"]


def test_only_the_first_rows_of_a_long_finding_are_listed(simulator, client, warehouse, tmp_path):
    simulator.load(ACCOUNT, [sms(minute=i, to=f"010-8888-{i:04d}", status=9) for i in range(FIRST_ROWS + 5)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build(warehouse)
    html = page(warehouse, tmp_path / "out")
    assert f"<strong>{FIRST_ROWS + 5}</strong> messages, {FIRST_ROWS + 5} billed units. The first 20:" in html
    assert len(Tables(html).tables["Refunds missing"]) == 1 + FIRST_ROWS


def test_no_phone_number_appears_unmasked(built, day_page):
    html = day_page
    numbers = [
        row[0] for row in built.connection.execute("SELECT recipient FROM delivery_outcomes").fetchall()
    ]
    assert len(numbers) == 20
    for number in numbers:
        domestic = "0" + number.removeprefix("+82")
        hyphenated = f"{domestic[:3]}-{domestic[3:-4]}-{domestic[-4:]}"
        for form in (number, number.removeprefix("+"), domestic, hyphenated, domestic[3:]):
            assert form not in html
    assert not re.search(r"01[016789]-?\d{3,4}-?\d{4}", html)
    assert "02-123-4567" not in html and "021234567" not in html  # the sender
    assert "010-****-1011" in html


def test_the_page_references_nothing_outside_itself(day_page):
    html = day_page
    lowered = html.lower()
    for reference in (
        "http://",
        "https://",
        "//",
        "<link",
        "<script",
        "<img",
        "<iframe",
        "<object",
        "@import",
    ):
        assert reference not in lowered, reference
    assert not re.search(r"\bsrc\s*=", lowered)
    assert not re.search(r"url\((?!#)", lowered)  # only references into the page's own SVG
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # the charts' SVG ids do not collide
    for target in re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', html):
        assert "".join(target) in ids


def test_every_chart_is_drawn_as_inline_svg(day_page):
    html = day_page
    charts = re.findall(r'<svg class="chart" data-chart="([^"]+)"', html)
    assert charts == ["delivery-rate", "failure-reasons", "carriers", "refunds", "billed-units"]
    assert "handset_off" in html and "SKT" in html  # the axes labels are text, in the charts


def test_a_day_without_messages_still_gets_a_page(built, tmp_path):
    quiet = DAY + timedelta(days=40)
    html = page(built, tmp_path / "out", quiet)
    assert "No messages on 2026-11-12." in html
    assert html.count('<svg class="chart"') == 5
    assert html.count("<strong>0</strong> messages, 0 billed units.") == 4
    assert "No messages in the last 30 days" in html


def test_a_day_whose_messages_are_all_in_flight_has_no_delivery_rate_yet(
    simulator, client, warehouse, tmp_path
):
    simulator.load(ACCOUNT, [sms(minute=1, status=1), sms(minute=2, status=1)])
    ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)
    build(warehouse, datetime(2026, 10, 3, 12, tzinfo=KST))
    html = page(warehouse, tmp_path / "out")
    rows = Tables(html).tables["cafe24"]
    assert rows[2] == ["Delivery rate", "—", "—", "—", "—", "—"]
    assert rows[4] == ["In flight", "2", "0", "+2", "0.0", "+2.0"]
    assert "No delivered or failed messages in the last 30 days" in html
    assert "No failed messages on this day" in html


def test_the_page_is_written_with_the_exports_and_replaced_atomically(built, tmp_path):
    written = export_report_day(built, tmp_path / "out", DAY)
    html_path = tmp_path / "out" / DAY.isoformat() / DAILY_REPORT
    assert html_path in written
    first = html_path.read_text(encoding="utf-8")
    assert write_daily_report(built, tmp_path / "out", DAY, NOW, 72) == html_path
    assert html_path.read_text(encoding="utf-8") == first  # the same figures give the same file
    assert not list(html_path.parent.glob(".*"))  # no temporary file left behind


# The days around the week of traffic, quiet ones included, and the moments their pages may be drawn as of.
PAGE_DAYS = [WEEK_DAY + timedelta(days=back) for back in range(-2, 9)]
PAGE_MOMENTS = [NOW, datetime(2026, 10, 4, 12, tzinfo=KST)]  # long after DAY's window closed; within it


@pytest.fixture(scope="module")
def pages_alone(built) -> dict[tuple[date, datetime], str]:
    """Each day's page as a run reading that day alone draws it."""
    return {
        (day, now): draw_page(read_daily_figures(built, day, now, 72))
        for day in PAGE_DAYS
        for now in PAGE_MOMENTS
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(PAGE_DAYS), st.sampled_from(PAGE_MOMENTS)), min_size=1, max_size=8))
def test_pages_read_together_are_the_pages_read_alone(built, pages_alone, pages):
    # A backfill reads its due days' figures with one query per relation: whichever days, in whatever order,
    # each page is the one its day alone gives.
    pages = list({day: now for day, now in pages}.items())  # one moment a day, as a run has
    figures = read_pages_figures(built, [PageAsOf(day, now, 72) for day, now in pages])
    assert sorted(figures) == sorted(day for day, _ in pages)
    for day, now in pages:
        assert draw_page(figures[day]) == pages_alone[(day, now)], (day, now)


def test_a_backfill_writes_each_day_as_the_day_alone_would_be_written(traffic, tmp_path):
    build(traffic)
    run = export_due_days(traffic, tmp_path / "together")
    assert run.days == [WEEK_DAY, PREVIOUS_DAY, DAY] and not run.failures
    for day in run.days:
        export_report_day(traffic, tmp_path / "alone", day)
        together, alone = (tmp_path / kind / day.isoformat() for kind in ("together", "alone"))
        assert sorted(p.name for p in together.iterdir()) == sorted(p.name for p in alone.iterdir())
        for path in alone.iterdir():
            assert (together / path.name).read_bytes() == path.read_bytes(), path


def test_a_day_whose_figures_cannot_be_read_fails_alone_in_a_backfill(traffic, tmp_path, monkeypatch):
    # The days of a backfill are read together; when that read fails, each day is read alone, so only the
    # day whose data breaks the read is left for the next run, and the others are written.
    build(traffic)
    read_together = pipelines.exports.read_pages_figures

    def read_failing_on_a_day(warehouse, pages):
        if PREVIOUS_DAY in [page.day for page in pages]:
            raise ValueError(f"a value of {PREVIOUS_DAY} cannot be read")
        return read_together(warehouse, pages)

    monkeypatch.setattr(pipelines.exports, "read_pages_figures", read_failing_on_a_day)
    run = export_due_days(traffic, tmp_path / "out")
    assert run.days == [WEEK_DAY, DAY]
    assert list(run.failures) == [PREVIOUS_DAY] and "ValueError" in run.failures[PREVIOUS_DAY]
    monkeypatch.undo()
    again = export_due_days(traffic, tmp_path / "out")  # the day is still due, and only it
    assert again.days == [PREVIOUS_DAY] and not again.failures
