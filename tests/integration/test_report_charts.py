"""The daily report page's charts, drawn from small figures with known values: each chart is well-formed SVG,
has one bar or point per value, is scaled to the largest value on round ticks, says so when there is nothing
to show, and draws vendor text as inert text."""

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from pipelines.kst import KST
from pipelines.report_page.charts import (
    DELIVERED,
    FAILED,
    IN_FLIGHT,
    LONGEST_LABEL,
    VENDOR_COLOURS,
    Chart,
    render_charts,
)
from pipelines.report_page.figures import DailyFigures
from pipelines.report_page.svg import nice_ticks

DAY = date(2026, 10, 3)
NOW = datetime(2026, 10, 10, 12, tzinfo=KST)
KEYS = ["delivery-rate", "failure-reasons", "carriers", "refunds", "billed-units"]
COLUMNS = {
    "delivery_rate": ["activity_date", "vendor", "delivery_rate"],
    "failure_reasons": ["reason", "vendor", "failures"],
    "carriers": ["carrier", "delivered", "failed", "in_flight", "unknown", "delivery_rate"],
    "refunds": ["activity_date", "refunded", "awaiting_refund", "refund_missing", "refund_unexpected"],
    "billing": ["activity_date", "vendor", "billed_units"],
}
# The only elements a chart is made of: nothing that could run, load or embed anything.
ELEMENTS = {"svg", "title", "g", "rect", "line", "polyline", "circle", "text"}


def ago(days: int) -> date:
    return DAY - timedelta(days=days)


def figures(**rows: Iterable[tuple]) -> DailyFigures:
    """The figures of DAY with the given rows of the charts' frames (as the queries in sql/report_page/
    return them: activity dates as timestamps); every other frame empty."""
    frames = {}
    for name, columns in COLUMNS.items():
        frame = pd.DataFrame(list(rows.get(name, ())), columns=columns)
        if "activity_date" in columns:
            frame["activity_date"] = pd.to_datetime(frame["activity_date"])
        frames[name] = frame
    return DailyFigures(
        day=DAY,
        now=NOW,
        settle_hours=72,
        headline=pd.DataFrame(columns=["vendor", "period", "messages"]),
        findings={},
        settled_at=NOW,
        settled=False,
        **frames,
    )


def charts(figures: DailyFigures) -> dict[str, ET.Element]:
    """Each chart's SVG, parsed as XML (which fails unless it is well-formed)."""
    return {chart.key: ET.fromstring(chart.svg) for chart in render_charts(figures)}


def chart(key: str, **rows: Iterable[tuple]) -> ET.Element:
    return charts(figures(**rows))[key]


def texts(svg: ET.Element, group: str) -> list[str]:
    return [text.text or "" for text in svg.findall(f".//g[@class='{group}']//text")]


def bars(svg: ET.Element) -> list[ET.Element]:
    return svg.findall(".//g[@class='bars']/rect")


def hover(element: ET.Element) -> str:
    found = element.find("title")
    assert found is not None
    return found.text or ""


def number(element: ET.Element, name: str) -> float:
    return float(element.attrib[name])


def grid(svg: ET.Element, coordinate: str) -> list[float]:
    """Where the grid lines are: one per tick, lowest value first."""
    return [number(line, coordinate) for line in svg.findall(".//g[@class='grid']/line")]


def close(value: float, expected: float) -> bool:
    return math.isclose(value, expected, abs_tol=0.15)  # coordinates are written to a tenth of a pixel


RATES = [
    (ago(3), "cafe24", 0.90),
    (ago(2), "cafe24", 0.85),
    (DAY, "cafe24", 0.95),
    (ago(2), "infobank", math.nan),  # no final outcome yet: no point
    (ago(1), "infobank", 0.80),
    (DAY, "infobank", 0.92),
]
REASONS = [("handset_off", "cafe24", 5.0), ("handset_off", "infobank", 2.0), ("timeout", "infobank", 3.0)]
CARRIERS = [("SKT", 8.0, 2.0, 0.0, 0.0, 0.8), ("(unknown)", 0.0, 0.0, 3.0, 0.0, math.nan)]
REFUNDS = [(ago(40), 9.0, 9.0, 9.0, 9.0), (ago(1), 2.0, 0.0, 1.0, 0.0), (DAY, 3.0, 1.0, 0.0, 2.0)]
BILLING = [(ago(1), "cafe24", 30.0), (DAY, "cafe24", 10.0), (DAY, "infobank", 25.0)]
FULL = figures(
    delivery_rate=RATES, failure_reasons=REASONS, carriers=CARRIERS, refunds=REFUNDS, billing=BILLING
)


@pytest.mark.parametrize("day_figures", [FULL, figures()], ids=["with data", "without data"])
def test_every_chart_is_one_well_formed_svg_element_with_a_title(day_figures):
    rendered = render_charts(day_figures)
    assert [chart.key for chart in rendered] == KEYS
    for chart in rendered:
        svg = ET.fromstring(chart.svg)
        assert svg.tag == "svg" and chart.svg.startswith(f'<svg class="chart" data-chart="{chart.key}" ')
        assert svg.attrib["role"] == "img" and svg.attrib["aria-label"] == chart.title
        assert svg[0].tag == "title" and svg[0].text == chart.title
        assert svg.attrib["viewBox"] == f"0 0 {svg.attrib['width']} {svg.attrib['height']}"
        assert {element.tag for element in svg.iter()} <= ELEMENTS
        assert not any("id" in element.attrib for element in svg.iter())  # nothing to collide in the page
        assert "http" not in chart.svg  # no namespace URL nor any other reference


def test_the_delivery_rate_has_a_point_per_known_day_and_a_line_broken_by_gaps():
    svg = chart("delivery-rate", delivery_rate=RATES)
    points = svg.findall(".//g[@class='points']/circle")
    assert len(points) == 5  # the six rows less the one without a rate
    assert [hover(point) for point in points][:3] == [
        "2026-09-30, cafe24: 90.00% delivered",
        "2026-10-01, cafe24: 85.00% delivered",
        "2026-10-03, cafe24: 95.00% delivered",
    ]
    # cafe24: a line through 09-30 and 10-01, 10-03 alone (10-02 has no rate); infobank: 10-02 to 10-03
    lines = [line.attrib["points"].split() for line in svg.findall(".//polyline")]
    assert [len(line) for line in lines] == [2, 2]
    assert [circle.attrib["fill"] for circle in points] == [VENDOR_COLOURS["cafe24"]] * 3 + [
        VENDOR_COLOURS["infobank"]
    ] * 2
    # The lowest rate, 80%, less 5 points gives 75%: round ticks from 70% to 100%.
    assert texts(svg, "ticks") == ["70", "80", "90", "100"]
    bottom, *_, top = grid(svg, "y1")
    for circle, rate in zip(points, [90, 85, 95, 80, 92], strict=True):
        assert close(number(circle, "cy"), bottom - (bottom - top) * (rate - 70) / 30)
    assert texts(svg, "day-labels") == ["09-05", "09-12", "09-19", "09-26", "10-03"]
    assert texts(svg, "legend") == ["cafe24", "infobank"]
    assert number(points[2], "cx") == number(points[4], "cx") > number(points[3], "cx")  # both on the day


def test_failures_by_reason_stack_the_vendors_on_a_bar_per_reason_scaled_to_the_most():
    svg = chart("failure-reasons", failure_reasons=REASONS)
    assert texts(svg, "labels") == ["handset_off", "timeout"]  # the query's order: the most failures first
    assert texts(svg, "notes") == ["7", "3"]
    assert texts(svg, "ticks") == ["0", "2", "4", "6", "8"]  # 7 failures at most: up to 8 in steps of 2
    assert texts(svg, "legend") == ["cafe24", "infobank"]
    left, *_, right = grid(svg, "x1")
    drawn = bars(svg)
    assert [hover(bar) for bar in drawn] == [
        "handset_off, cafe24: 5",
        "handset_off, infobank: 2",
        "timeout, infobank: 3",
    ]
    assert [bar.attrib["fill"] for bar in drawn] == [VENDOR_COLOURS["cafe24"]] + [
        VENDOR_COLOURS["infobank"]
    ] * 2
    starts, values = [0, 5, 0], [5, 2, 3]
    for bar, start, value in zip(drawn, starts, values, strict=True):
        assert close(number(bar, "x"), left + (right - left) * start / 8)
        assert close(number(bar, "width"), (right - left) * value / 8)
    assert number(drawn[0], "y") == number(drawn[1], "y") < number(drawn[2], "y")  # handset_off on top


def test_beyond_twelve_reasons_the_rest_are_one_bar():
    rows = [(f"reason_{index:02}", "cafe24", float(14 - index)) for index in range(14)]
    svg = chart("failure-reasons", failure_reasons=rows)
    assert texts(svg, "labels") == [f"reason_{index:02}" for index in range(11)] + ["(3 other reasons)"]
    assert texts(svg, "notes")[-1] == "6"  # 3 + 2 + 1
    assert len(bars(svg)) == 12


def test_carriers_show_the_outcomes_that_occur_and_each_delivery_rate():
    svg = chart("carriers", carriers=CARRIERS)
    assert texts(svg, "labels") == ["SKT", "(unknown)"]
    assert texts(svg, "legend") == [
        "delivered",
        "failed",
        "in flight",
    ]  # no unknown outcome: not in the legend
    assert texts(svg, "notes") == ["80.0% delivered", "no final outcome"]
    assert [(bar.attrib["fill"], hover(bar)) for bar in bars(svg)] == [
        (DELIVERED, "SKT, delivered: 8"),
        (FAILED, "SKT, failed: 2"),
        (IN_FLIGHT, "(unknown), in flight: 3"),
    ]
    assert texts(svg, "ticks") == ["0", "2", "4", "6", "8", "10"]


def test_refunds_stack_a_column_per_day_of_the_last_30_days():
    svg = chart("refunds", refunds=REFUNDS)
    drawn = bars(svg)
    assert len(drawn) == 5  # 2 + 1 on the day before, 3 + 1 + 2 on the day; the row 40 days back is not shown
    assert [hover(bar) for bar in drawn][:2] == [
        "2026-10-02, refunded: 2 messages",
        "2026-10-03, refunded: 3 messages",
    ]
    assert texts(svg, "ticks") == ["0", "2", "4", "6"]
    bottom, *_, top = grid(svg, "y1")
    tallest = [bar for bar in drawn if hover(bar).startswith("2026-10-03")]
    assert close(min(number(bar, "y") for bar in tallest), top)  # 6 messages: up to the top tick
    assert close(max(number(bar, "y") + number(bar, "height") for bar in tallest), bottom)
    assert texts(svg, "legend") == [
        "refunded",
        "awaiting refund (settle window open)",
        "refund missing",
        "refunded though delivered",
    ]


def test_billed_units_are_scaled_to_the_tallest_day():
    svg = chart("billed-units", billing=[*BILLING, (ago(2), "cafe24", -2.0)])  # a negative count: no column
    drawn = bars(svg)
    assert [hover(bar) for bar in drawn] == [
        "2026-10-02, cafe24: 30 units",
        "2026-10-03, cafe24: 10 units",
        "2026-10-03, infobank: 25 units",
    ]
    assert texts(svg, "ticks") == ["0", "10", "20", "30", "40"]  # 35 units on the day: up to 40
    bottom, *_, top = grid(svg, "y1")
    for bar, value in zip(drawn, [30, 10, 25], strict=True):
        assert close(number(bar, "height"), (bottom - top) * value / 40)
    day, infobank = drawn[1], drawn[2]
    assert close(number(infobank, "y") + number(infobank, "height"), number(day, "y"))  # stacked on cafe24
    assert number(day, "x") == number(infobank, "x") > number(drawn[0], "x")


def test_large_counts_get_round_ticks_with_thousands_separators():
    svg = chart("billed-units", billing=[(DAY, "cafe24", 1234.0)])
    assert texts(svg, "ticks") == ["0", "250", "500", "750", "1,000", "1,250"]


@pytest.mark.parametrize(
    ("low", "high", "most", "whole", "ticks"),
    [
        (0, 7, 6, True, [0, 2, 4, 6, 8]),
        (75, 100, 5, False, [70, 80, 90, 100]),
        (85, 100, 5, False, [85, 90, 95, 100]),
        (0, 0, 6, True, [0, 1]),
        (0, 0.3, 5, False, [0, 0.1, 0.2, 0.3]),
        (0, 1234, 6, True, [0, 250, 500, 750, 1000, 1250]),
    ],
)
def test_ticks_are_round_values_covering_the_range(low, high, most, whole, ticks):
    assert nice_ticks(low, high, most, whole=whole) == ticks


def test_a_day_without_data_gets_each_chart_with_its_message():
    rendered = charts(
        figures(
            delivery_rate=[(DAY, "cafe24", math.nan)],  # messages, all in flight: no rate yet
            refunds=[(ago(30), 1.0, 0.0, 0.0, 0.0)],  # a day just before the 30 days
        )
    )
    messages = {key: texts(svg, "empty") for key, svg in rendered.items()}
    assert messages == {
        "delivery-rate": ["No delivered or failed messages in the last 30 days"],
        "failure-reasons": ["No failed messages on this day"],
        "carriers": ["No messages on this day"],
        "refunds": ["No Cafe24 messages in the last 30 days (only Cafe24 refunds)"],
        "billed-units": ["No messages in the last 30 days"],
    }
    for svg in rendered.values():
        assert svg.findall(".//rect/title") == [] and svg.findall(".//circle") == []


def test_a_day_with_only_zero_counts_draws_axes_and_no_bar():
    svg = chart("carriers", carriers=[("SKT", 0.0, 0.0, 0.0, 0.0, math.nan)])
    assert bars(svg) == [] and texts(svg, "legend") == []
    assert texts(svg, "ticks") == ["0", "1"] and texts(svg, "notes") == ["no final outcome"]


HOSTILE = [
    "<script>alert(1)</script>",
    "R&D \"double\" 'single' &amp;",
    "</svg><img src=x onerror=alert(2)>",
    "nul\x00bell\x07esc\x1btab\tlf\ncr\rdel\x7fc1\x85end",  # control characters, XML allows none of some
    "]]><!-- -->",
    r"$\frac$ costs $1",
    "수신 거부 번호로 발송되어 실패한 메시지입니다 " * 3,  # wide characters, longer than a label may be
]
PRINTED = [
    "<script>alert(1)</script>",
    "R&D \"double\" 'single' &amp;",
    "</svg><img src=x onerror=alert(2)>",
    "nul bell esc tab lf cr del c1 end",
    "]]><!-- -->",
    r"$\frac$ costs $1",
]


def test_vendor_text_is_drawn_as_escaped_inert_text():
    vendor = '<b onclick="x()">v&"</b>'
    rendered = render_charts(
        figures(
            delivery_rate=[(DAY, vendor, 0.5)],
            failure_reasons=[
                (reason, vendor, float(len(HOSTILE) - index)) for index, reason in enumerate(HOSTILE)
            ],
            carriers=[(reason, 1.0, 1.0, 0.0, 0.0, 0.5) for reason in HOSTILE],
            billing=[(DAY, vendor, 1.0)],
        )
    )
    for drawn in rendered:
        svg = ET.fromstring(drawn.svg)  # well-formed: no control character, every < and & escaped
        assert {element.tag for element in svg.iter()} <= ELEMENTS
        assert not any(name.lower().startswith("on") for element in svg.iter() for name in element.attrib)
        assert "<script" not in drawn.svg and "<img" not in drawn.svg and "<b " not in drawn.svg
    by_key: dict[str, Chart] = {chart.key: chart for chart in rendered}
    for key in ("failure-reasons", "carriers"):
        svg = ET.fromstring(by_key[key].svg)
        labels = texts(svg, "labels")
        assert labels[:-1] == PRINTED  # exactly as written, each on one line
        assert labels[-1] == HOSTILE[-1][: LONGEST_LABEL - 1] + "…"
        assert svg.find(".//g[@class='labels']/g/title").text == HOSTILE[-1]  # the whole of it on hover
    raw = by_key["failure-reasons"].svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "R&amp;D" in raw and "&amp;amp;" in raw
    for key in ("delivery-rate", "failure-reasons", "billed-units"):
        assert texts(ET.fromstring(by_key[key].svg), "legend") == [vendor]


def test_the_same_figures_give_the_same_svg():
    assert render_charts(FULL) == render_charts(FULL)
