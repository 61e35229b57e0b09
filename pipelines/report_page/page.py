"""The daily report page as one self-contained HTML document: inline CSS and SVG, nothing to fetch."""

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape
from string import Template
from typing import Any

from pipelines.kst import KST
from pipelines.report_page.charts import Chart
from pipelines.report_page.figures import DailyFigures, Finding

# The browser refuses every fetch (scripts, images, fonts, links): the page must stand alone.
CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
NONE = "—"

CSS = """
body { font-family: system-ui, "Segoe UI", "Noto Sans KR", "Malgun Gothic", sans-serif; color: #222;
       max-width: 62rem; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid #ddd; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
.as-of, .note { color: #555; font-size: .9rem; margin: .25rem 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .92rem; margin: .4rem 0; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid #e6e6e6; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f3f4f6; font-weight: 600; }
#headline table { width: 100%; }
.finding th, .finding td { text-align: left; }
.finding .number { text-align: right; }
figure { margin: 0 0 1.25rem; }
svg.chart { display: block; max-width: 100%; height: auto; }
.count { font-size: 1.05rem; margin: .3rem 0; }
.count.found strong { color: #b3261e; }
.table-wrap { overflow-x: auto; }
footer { margin-top: 2.5rem; color: #777; font-size: .85rem; }
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="$policy">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$css</style>
</head>
<body>
<header>
<h1>$title</h1>
<p class="as-of">$as_of</p>
</header>
<section id="headline">
<h2>Headline</h2>
$headline
</section>
<section id="charts">
<h2>Charts</h2>
$charts
</section>
<section id="finance">
<h2>Finance findings</h2>
$findings
</section>
<footer>Built from the warehouse's report tables (report_delivery_daily, report_failure_reasons_daily,
report_refunds_daily, report_billing_daily) and delivery_outcomes. Phone numbers are masked.
Definitions: docs/metrics.md and docs/daily-report.md.</footer>
</body>
</html>
""")

# The headline rows: label, column of sql/report_page/headline.sql, and whether it is a rate.
METRICS = (
    ("Messages", "messages", False),
    ("Delivery rate", "delivery_rate", True),
    ("Failed", "failed", False),
    ("In flight", "in_flight", False),
    ("Billed units", "billed_units", False),
    ("Refunds", "refunds", False),
)
FINDING_TEXT = {
    "refund_missing": (
        "Refunds missing",
        "Cafe24 messages that failed and have no refund once the settle window ({hours} hours after the "
        "day ends) has passed.",
    ),
    "refund_unexpected": (
        "Refunds unexpected",
        "Cafe24 messages that were delivered and refunded all the same.",
    ),
    "billed_units_on_failures": (
        "Billed failures",
        "Messages that failed, were charged, and were not refunded: paid for, not delivered (a Cafe24 "
        "failure once its settle window has passed, as its refund may still come until then).",
    ),
    "delivered_unbilled": (
        "Delivered, not billed",
        "Messages that were delivered with no billed unit.",
    ),
}
FINDING_COLUMNS = (
    ("Vendor", "vendor"),
    ("Sent at (KST)", "sent_at"),
    ("Recipient", "recipient"),
    ("Status", "status"),
    ("Reason", "reason"),
    ("Billed units", "billed_units"),
    ("Refunded at (KST)", "refunded_at"),
)


def render_page(figures: DailyFigures, charts: list[Chart]) -> str:
    """The whole HTML document of the day."""
    day = figures.day
    return PAGE.substitute(
        policy=CONTENT_POLICY,
        title=escape(f"SMS daily report: {day.isoformat()} (KST)"),
        css=CSS,
        as_of=escape(
            f"{day:%A} {day.day} {day:%B %Y}, Korean time. Figures as of {_moment(figures.now)} KST; "
            f"Cafe24 refunds settle {figures.settle_hours} hours after the day ends."
        ),
        headline=_headline(figures),
        charts="\n".join(_chart(chart) for chart in charts),
        findings="\n".join(_finding(figures, figures.findings[name]) for name in FINDING_TEXT),
    )


def _headline(figures: DailyFigures) -> str:
    day = figures.day
    parts = [] if figures.has_messages else [f"<p>No messages on {day.isoformat()}.</p>"]
    header = _row(
        "th",
        [
            "",
            day.isoformat(),
            f"Previous day ({day - timedelta(days=1):%m-%d})",
            "Change",
            f"7-day average ({day - timedelta(days=7):%m-%d} to {day - timedelta(days=1):%m-%d})",
            "Change",
        ],
    )
    for vendor, periods in figures.headline.groupby("vendor", sort=True):
        values = periods.set_index("period")
        rows = []
        for label, column, is_rate in METRICS:
            today = values.at["day", column]
            previous, average = values.at["previous_day", column], values.at["average_7_days", column]
            if is_rate:
                cells = [_rate(today), _rate(previous), _rate_change(today, previous)]
                cells += [_rate(average), _rate_change(today, average)]
            else:
                cells = [_count(today), _count(previous), _count_change(today, previous, 0)]
                cells += [_count(average, 1), _count_change(today, average, 1)]
            rows.append(_row("td", [label, *cells]))
        parts.append(f"<h3>{escape(str(vendor))}</h3>\n{_table(header, rows)}")
    parts.append(
        '<p class="note">The 7-day average is over the 7 days before the day (a day without messages counts '
        "as zero; the rate is over the 7 days together). Refunds: failed messages refunded (Cafe24 only).</p>"
    )
    return "\n".join(parts)


def _chart(chart: Chart) -> str:
    return f'<figure id="chart-{chart.key}">\n<h3>{escape(chart.title)}</h3>\n{chart.svg}\n</figure>'


def _finding(figures: DailyFigures, finding: Finding) -> str:
    title, definition = FINDING_TEXT[finding.name]
    count = (
        f"<strong>{finding.messages:,}</strong> {_plural(finding.messages, 'message')}, "
        f"{finding.billed_units:,} billed {_plural(finding.billed_units, 'unit')}."
    )
    if finding.messages > len(finding.first_rows):
        count += f" The first {len(finding.first_rows)}:"
    parts = [
        f'<section class="finding" id="{finding.name}">',
        f"<h3>{escape(title)}</h3>",
        f'<p class="note">{escape(definition.format(hours=figures.settle_hours))}</p>',
        f'<p class="count{" found" if finding.messages else ""}">{count}</p>',
    ]
    if finding.name == "refund_missing" and not figures.settled:
        parts.append(
            f'<p class="note">The settle window of this day closes at {_moment(figures.settled_at)} KST: '
            "until then a failure without a refund is not counted as missing.</p>"
        )
    if finding.first_rows:
        numbers = [key == "billed_units" for _, key in FINDING_COLUMNS]
        header = _row("th", [label for label, _ in FINDING_COLUMNS], numbers)
        rows = [
            _row("td", [_cell(row[key]) for _, key in FINDING_COLUMNS], numbers) for row in finding.first_rows
        ]
        parts.append(_table(header, rows))
    parts.append("</section>")
    return "\n".join(parts)


def _table(header: str, rows: list[str]) -> str:
    body = "\n".join(rows)
    return (
        f'<div class="table-wrap"><table>\n<thead>{header}</thead>\n<tbody>\n{body}\n</tbody>\n</table></div>'
    )


def _row(tag: str, cells: list[str], numbers: list[bool] | None = None) -> str:
    """A table row; cells are plain text, escaped here, and those marked as numbers are aligned right."""
    numbers = numbers or [False] * len(cells)
    opening = {False: f"<{tag}>", True: f'<{tag} class="number">'}
    body = "".join(
        f"{opening[number]}{escape(cell)}</{tag}>" for cell, number in zip(cells, numbers, strict=True)
    )
    return f"<tr>{body}</tr>"


def _cell(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, datetime):
        return _moment(value)
    return str(value)


def _moment(value: datetime) -> str:
    return value.astimezone(KST).strftime("%Y-%m-%d %H:%M")


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _count(value: Any, decimals: int = 0) -> str:
    return NONE if _missing(value) else f"{value:,.{decimals}f}"


def _rate(value: Any) -> str:
    return NONE if _missing(value) else f"{value:.2%}"


def _count_change(value: Any, other: Any, decimals: int) -> str:
    """The difference, and how much that is of `other` when `other` is not zero."""
    return _change(
        value, other, lambda a, b: f"{a - b:+,.{decimals}f}" + (f" ({a / b - 1:+.1%})" if b else "")
    )


def _rate_change(value: Any, other: Any) -> str:
    """The difference in percentage points."""
    return _change(value, other, lambda a, b: f"{(a - b) * 100:+.2f} pp")


def _change(value: Any, other: Any, describe: Callable[[float, float], str]) -> str:
    return NONE if _missing(value) or _missing(other) else describe(float(value), float(other))
