"""daily_report.html in a real browser: it renders its charts, with no error and no request but its own, and
vendor text in it is shown as text: nothing in it runs."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page

from pipelines.exports import DAILY_REPORT, export_report_day
from tests.conftest import DAY
from tests.integration.test_exports_escaping import CARRIER, REASONS, hostile_warehouse
from tests.integration.test_report_page import build, load_traffic

CHART_TITLES = [
    "Delivery rate, last 30 days, by vendor",
    "Failures by reason, on the day",
    "Delivery by carrier, on the day",
    "Refunds of failed messages, last 30 days (Cafe24)",
    "Billed units, last 30 days, by vendor",
]

# Every text of a chart as the browser lays it out: inside its chart, and clear of every other text.
TEXT_PROBLEMS = """svg => {
    const outer = svg.getBoundingClientRect();
    const boxes = [...svg.querySelectorAll("text")].map(
        text => [text.textContent, text.getBoundingClientRect()]
    );
    const problems = [];
    for (const [name, box] of boxes) {
        if (box.left < outer.left - 1 || box.right > outer.right + 1 || box.top < outer.top - 1
            || box.bottom > outer.bottom + 1) problems.push(`outside the chart: ${name}`);
    }
    boxes.forEach(([name, box], index) => boxes.slice(index + 1).forEach(([other, next]) => {
        if (box.left < next.right && next.left < box.right && box.top < next.bottom && next.top < box.bottom)
            problems.push(`overlapping: ${name} / ${other}`);
    }));
    return problems;
}"""


@pytest.fixture
def report(simulator, client, warehouse, tmp_path) -> Path:
    load_traffic(simulator, client, warehouse, tmp_path / "reports")
    build(warehouse)
    export_report_day(warehouse, tmp_path / "out", DAY)
    return tmp_path / "out" / DAY.isoformat() / DAILY_REPORT


@pytest.fixture
def hostile_report(simulator, client, warehouse, tmp_path) -> Path:
    """The page of a day whose failure reasons and carrier are hostile vendor text."""
    hostile_warehouse(simulator, client, warehouse)
    export_report_day(warehouse, tmp_path / "out", DAY)
    return tmp_path / "out" / DAY.isoformat() / DAILY_REPORT


def dismiss(dialog: Dialog, errors: list[str]) -> None:
    errors.append(f"dialog: {dialog.type} {dialog.message}")
    dialog.dismiss()


def open_page(browser: Browser, path: Path) -> tuple[Page, list[str], list[str]]:
    """The page opened in a fresh context, with every request it made and every error it reported (a
    dialog, such as an alert, counts as one)."""
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("dialog", lambda dialog: dismiss(dialog, errors))
    page.goto(path.as_uri(), wait_until="load")
    return page, requests, errors


def test_the_page_renders_its_charts_with_no_error_and_fetches_nothing(browser, report, tmp_path):
    page, requests, errors = open_page(browser, report)
    assert errors == []
    assert requests == [report.as_uri()]
    assert page.title() == "SMS daily report: 2026-10-03 (KST)"
    assert page.locator("h1").inner_text() == "SMS daily report: 2026-10-03 (KST)"
    assert page.locator("h2").all_inner_texts() == ["Headline", "Charts", "Finance findings"]
    assert page.locator("#charts h3").all_inner_texts() == CHART_TITLES
    headings = page.locator("h3").all_inner_texts()
    for heading in ("cafe24", "infobank", "Refunds missing", "Refunds unexpected", "Billed failures"):
        assert heading in headings
    charts = page.locator("svg.chart")
    assert charts.count() == 5
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert chart.locator(".axes line").count() == 2 and chart.locator(".ticks text").count() >= 2
        assert chart.locator(".bars rect, .points circle").count() > 0  # data, not an empty frame
        assert chart.evaluate(TEXT_PROBLEMS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1100  # nothing wider than the window
    page.screenshot(path=tmp_path / "daily_report.png", full_page=True)
    assert (tmp_path / "daily_report.png").stat().st_size > 50_000


def test_vendor_text_is_shown_as_text_and_nothing_in_it_runs(browser, hostile_report):
    page, requests, errors = open_page(browser, hostile_report)
    assert errors == []  # no alert, and no script or handler refused by the page's policy either
    assert requests == [hostile_report.as_uri()]
    assert page.locator("script, img, iframe, object, [onerror]").count() == 0
    reasons = page.locator("#refund_missing td:nth-child(5)").all_text_contents()
    for reason in ("<script>alert(1)</script>", '=HYPERLINK("http://x","click")', r"$\frac$ costs $1 or $2"):
        assert reason in reasons and reason in REASONS
        assert page.get_by_text(reason, exact=True).first.is_visible()
    labels = page.locator('svg[data-chart="failure-reasons"] text').all_text_contents()
    assert "<script>alert(1)</script>" in labels and r"$\frac$ costs $1 or $2" in labels
    assert CARRIER in page.locator('svg[data-chart="carriers"] text').all_text_contents()
    for chart in page.locator("svg.chart").all():
        assert chart.evaluate(TEXT_PROBLEMS) == []  # long and wide labels fit
