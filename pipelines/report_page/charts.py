"""The daily report page's charts, written directly as inline SVG (with svg.py) from the day's figures.

No plotting library: each chart is a few hundred SVG elements laid out here (rectangles, lines, dots and
text), so the five charts of a page take a few milliseconds rather than most of a second. Text from the data
(reasons, carriers, vendors) is escaped by svg.py and drawn as text, never read as markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from pipelines.report_page import svg
from pipelines.report_page.figures import DailyFigures

VENDOR_COLOURS = {"cafe24": "#4e79a7", "infobank": "#f28e2b"}
OTHER_COLOURS = ("#76b7b2", "#b07aa1", "#9c755f", "#edc948")
DELIVERED, FAILED, IN_FLIGHT, UNKNOWN = "#59a14f", "#e15759", "#9db4d0", "#bab0ac"
REFUNDED_THOUGH_DELIVERED = "#f28e2b"
AXIS, GRID, MUTED, REPORT_DAY, EMPTY = "#888888", "#e5e5e5", "#666666", "#fff3bf", "#fafafa"
MOST_REASONS = 12
LONGEST_LABEL = 40  # characters of a label; longer ones are shortened (in full in the tooltip and the tables)

# The layout, in pixels (the page scales a chart down to its column's width, never up).
FONT = 12.0
WIDE = 864.0  # the trend charts
NARROW = 672.0  # the charts of the day, wider when their labels need it
TREND_PLOT = 170.0  # height of a trend chart's plot area
TREND_LEFT, TREND_RIGHT, TREND_BOTTOM = 64.0, 16.0, 30.0
BAR_ROW = 26.0  # a horizontal bar's row; the bar is BAR of it
BAR = 0.7
BAR_PLOT = 300.0  # the least width of a bar chart's plot area
BAR_BOTTOM = 44.0  # tick labels and the axis label
LEGEND_TOP, LEGEND_ROW, SWATCH = 12.0, 20.0, 16.0
EMPTY_BARS = 120.0  # the height of a chart of the day with nothing to show
EMPTY_TREND = LEGEND_TOP + LEGEND_ROW + TREND_PLOT + TREND_BOTTOM  # as a trend chart with one legend row


@dataclass(frozen=True)
class Chart:
    """One rendered chart: a key (unique in the page), its title, and the SVG element."""

    key: str
    title: str
    svg: str


@dataclass(frozen=True)
class Series:
    """One series of a chart: its legend name, its colour and one value per position (NaN where none)."""

    name: str
    colour: str
    values: list[float]


@dataclass(frozen=True)
class Drawing:
    """A chart's size and its elements, before they are wrapped in an `<svg>`."""

    width: float
    height: float
    body: list[str]


@dataclass(frozen=True)
class Frame:
    """The plot area of a chart (in pixels) and the values at its sides."""

    left: float
    top: float
    width: float
    height: float
    x_range: tuple[float, float]  # the values at the left and the right side
    y_range: tuple[float, float]  # the values at the bottom and the top side

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, value: float) -> float:
        low, high = self.x_range
        return self.left + self.width * (value - low) / (high - low)

    def y(self, value: float) -> float:
        low, high = self.y_range
        return self.bottom - self.height * (value - low) / (high - low)


def render_charts(figures: DailyFigures) -> list[Chart]:
    """Every chart of the page, drawn from the day's figures."""
    drawings: list[tuple[str, str, Callable[[DailyFigures], Drawing]]] = [
        ("delivery-rate", "Delivery rate, last 30 days, by vendor", _delivery_rate),
        ("failure-reasons", "Failures by reason, on the day", _failure_reasons),
        ("carriers", "Delivery by carrier, on the day", _carriers),
        ("refunds", "Refunds of failed messages, last 30 days (Cafe24)", _refunds),
        ("billed-units", "Billed units, last 30 days, by vendor", _billed_units),
    ]
    charts = []
    for key, title, draw in drawings:
        drawing = draw(figures)
        charts.append(
            Chart(key, title, svg.document(key, title, drawing.width, drawing.height, drawing.body))
        )
    return charts


def _delivery_rate(figures: DailyFigures) -> Drawing:
    days = figures.trend_days
    rates = _by_day(figures.delivery_rate, "vendor", "delivery_rate", days)
    known = [value * 100 for values in rates.values() for value in values if not math.isnan(value)]
    if not known:
        return _empty(WIDE, EMPTY_TREND, "No delivered or failed messages in the last 30 days")
    series = [
        Series(vendor, _vendor_colour(vendor, position), [value * 100 for value in values])
        for position, (vendor, values) in enumerate(rates.items())
    ]
    lowest = min(known)
    ticks = svg.nice_ticks(max(0.0, lowest - 5 - lowest % 5), 100)
    legend, top = _legend(series, TREND_LEFT, WIDE - TREND_RIGHT, lines=True)
    frame, axes = _trend_axes(days, ticks, "% of final outcomes", top, lambda tick: f"{tick:g}")
    lines, dots = [], []
    for entry in series:
        for run in _runs(entry.values):
            if len(run) > 1:
                lines.append(
                    svg.polyline([(frame.x(p), frame.y(entry.values[p])) for p in run], entry.colour)
                )
        dots.extend(
            svg.circle(
                frame.x(p),
                frame.y(value),
                2.5,
                entry.colour,
                hover=f"{days[p]:%Y-%m-%d}, {entry.name}: {value:.2f}% delivered",
            )
            for p, value in enumerate(entry.values)
            if not math.isnan(value)
        )
    return Drawing(
        WIDE, frame.bottom + TREND_BOTTOM, [*axes, *lines, svg.group(dots, class_="points"), legend]
    )


def _failure_reasons(figures: DailyFigures) -> Drawing:
    frame = figures.failure_reasons
    if frame.empty:
        return _empty(NARROW, EMPTY_BARS, "No failed messages on this day")
    vendors = sorted({_text(vendor) for vendor in frame["vendor"].tolist()})
    reasons: dict[str, dict[str, float]] = {}  # in the query's order: the most failures first
    for reason, vendor, failures in zip(
        frame["reason"].tolist(), frame["vendor"].tolist(), frame["failures"].tolist(), strict=True
    ):
        counts = reasons.setdefault(_text(reason), dict.fromkeys(vendors, 0.0))
        counts[_text(vendor)] += _value(failures, 0.0)
    rows = list(reasons.items())
    if len(rows) > MOST_REASONS:
        rest = [counts for _, counts in rows[MOST_REASONS - 1 :]]
        other = {vendor: sum(counts[vendor] for counts in rest) for vendor in vendors}
        rows = [*rows[: MOST_REASONS - 1], (f"({len(rest)} other reasons)", other)]
    series = [
        Series(vendor, _vendor_colour(vendor, position), [counts[vendor] for _, counts in rows])
        for position, vendor in enumerate(vendors)
    ]
    return _bars([label for label, _ in rows], series, "failed messages", lambda total, _: f"{total:,.0f}")


def _carriers(figures: DailyFigures) -> Drawing:
    frame = figures.carriers
    if frame.empty:
        return _empty(NARROW, EMPTY_BARS, "No messages on this day")
    outcomes = [
        Series(name, colour, [_value(value, 0.0) for value in frame[column].tolist()])
        for name, column, colour in (
            ("delivered", "delivered", DELIVERED),
            ("failed", "failed", FAILED),
            ("in flight", "in_flight", IN_FLIGHT),
            ("unknown", "unknown", UNKNOWN),
        )
    ]
    rates = [_value(rate) for rate in frame["delivery_rate"].tolist()]
    return _bars(
        [_text(carrier) for carrier in frame["carrier"].tolist()],
        [entry for entry in outcomes if sum(value for value in entry.values if value > 0) > 0],
        "messages",
        lambda _, row: "no final outcome" if math.isnan(rates[row]) else f"{rates[row]:.1%} delivered",
    )


def _refunds(figures: DailyFigures) -> Drawing:
    days = figures.trend_days
    positions = _positions(figures.refunds["activity_date"].tolist(), days)
    if all(position is None for position in positions):
        return _empty(WIDE, EMPTY_TREND, "No Cafe24 messages in the last 30 days (only Cafe24 refunds)")

    def column(name: str) -> list[float]:
        values = [0.0] * len(days)
        for position, value in zip(positions, figures.refunds[name].tolist(), strict=True):
            if position is not None:
                values[position] = _value(value, 0.0)
        return values

    series = [
        Series("refunded", DELIVERED, column("refunded")),
        Series("awaiting refund (settle window open)", IN_FLIGHT, column("awaiting_refund")),
        Series("refund missing", FAILED, column("refund_missing")),
        Series("refunded though delivered", REFUNDED_THOUGH_DELIVERED, column("refund_unexpected")),
    ]
    return _columns(days, series, "messages")


def _billed_units(figures: DailyFigures) -> Drawing:
    days = figures.trend_days
    units = _by_day(figures.billing, "vendor", "billed_units", days)
    if not units:
        return _empty(WIDE, EMPTY_TREND, "No messages in the last 30 days")
    series = [
        Series(vendor, _vendor_colour(vendor, position), [0.0 if math.isnan(v) else v for v in values])
        for position, (vendor, values) in enumerate(units.items())
    ]
    return _columns(days, series, "units")


def _columns(days: Sequence[date], series: list[Series], unit: str) -> Drawing:
    """A trend chart of columns, one per day, made of the series stacked bottom to top (values above zero)."""
    legend, top = _legend(series, TREND_LEFT, WIDE - TREND_RIGHT)
    ends = _stack_ends(series)
    ticks = svg.nice_ticks(0, max(ends), 6, whole=True)
    frame, axes = _trend_axes(days, ticks, unit, top, lambda tick: f"{tick:,.0f}")
    bars = []
    bases = [0.0] * len(days)
    for entry in series:
        for position, value in enumerate(entry.values):
            if value > 0:
                low, high = frame.y(bases[position]), frame.y(bases[position] + value)
                left, right = frame.x(position - BAR / 2), frame.x(position + BAR / 2)
                hover = f"{days[position]:%Y-%m-%d}, {entry.name}: {value:,.0f} {unit}"
                bars.append(svg.rect(left, high, right - left, low - high, entry.colour, hover))
                bases[position] += value
    return Drawing(WIDE, frame.bottom + TREND_BOTTOM, [*axes, svg.group(bars, class_="bars"), legend])


def _trend_axes(
    days: Sequence[date], ticks: list[float], label: str, top: float, tick_label: Callable[[float], str]
) -> tuple[Frame, list[str]]:
    """The plot area of a trend chart and what is drawn behind the data: the report's day shaded, the value
    axis (round ticks, grid lines, its label) and the day axis (every 7th day back from the report's day)."""
    last = len(days) - 1
    frame = Frame(
        TREND_LEFT,
        top,
        WIDE - TREND_LEFT - TREND_RIGHT,
        TREND_PLOT,
        (-0.7, last + 0.7),
        (ticks[0], ticks[-1]),
    )
    shade_left, shade_right = frame.x(last - 0.5), frame.x(last + 0.5)
    parts = [
        svg.rect(
            shade_left, frame.top, shade_right - shade_left, frame.height, REPORT_DAY, "the report's day"
        ),
        *_value_axis(frame, ticks, tick_label, horizontal=False),
        svg.text(
            0,
            0,
            label,
            text_anchor="middle",
            transform=f"translate(16 {svg.number(frame.top + frame.height / 2)}) rotate(-90)",
        ),
    ]
    marks, labels = [], []
    for position in range(last % 7, last + 1, 7):
        x = frame.x(position)
        marks.append(svg.line(x, frame.bottom, x, frame.bottom + 4, AXIS))
        labels.append(svg.text(x, frame.bottom + 17, f"{days[position]:%m-%d}", text_anchor="middle"))
    parts += [svg.group(marks, class_="day-ticks"), svg.group(labels, class_="day-labels")]
    return frame, parts


def _bars(
    labels: Sequence[str], series: list[Series], unit: str, note: Callable[[float, int], str]
) -> Drawing:
    """Horizontal bars, one per label (the first at the top), made of the series stacked left to right
    (values above zero), with `note(total, row)` written after each bar."""
    shown = [_label(label) for label in labels]
    ends = _stack_ends(series) if series else [0.0] * len(labels)
    notes = [note(total, row) for row, total in enumerate(ends)]
    left = max(svg.text_width(text, FONT) for text in shown) + 14
    right = max(svg.text_width(text, FONT) for text in notes) + 14
    width = max(NARROW, left + BAR_PLOT + right)
    legend, top = _legend(series, left, width - right)
    ticks = svg.nice_ticks(0, max(ends), 6, whole=True)
    frame = Frame(
        left,
        top,
        width - left - right,
        BAR_ROW * len(labels),
        (ticks[0], ticks[-1]),
        (len(labels) - 0.5, -0.5),
    )
    parts = _value_axis(frame, ticks, lambda tick: f"{tick:,.0f}", horizontal=True)
    parts.append(svg.text(frame.left + frame.width / 2, frame.bottom + 36, unit, text_anchor="middle"))
    names = []
    for row, (label, text) in enumerate(zip(labels, shown, strict=True)):
        name = svg.text(frame.left - 6, frame.y(row), text, text_anchor="end", dy="0.35em")
        # A shortened label has the whole of it as its tooltip.
        names.append(svg.group([svg.title(label), name]) if text != svg.plain(label) else name)
    bars = []
    bases = [0.0] * len(labels)
    for entry in series:
        for row, value in enumerate(entry.values):
            if value > 0:
                start, end = frame.x(bases[row]), frame.x(bases[row] + value)
                top_edge, bottom_edge = frame.y(row - BAR / 2), frame.y(row + BAR / 2)
                hover = f"{labels[row]}, {entry.name}: {value:,.0f}"
                bars.append(
                    svg.rect(start, top_edge, end - start, bottom_edge - top_edge, entry.colour, hover)
                )
                bases[row] += value
    written = [
        svg.text(frame.x(total) + 4, frame.y(row), text, dy="0.35em")
        for row, (total, text) in enumerate(zip(ends, notes, strict=True))
    ]
    body = [
        *parts,
        svg.group(names, class_="labels"),
        svg.group(bars, class_="bars"),
        svg.group(written, class_="notes"),
        legend,
    ]
    return Drawing(width, frame.bottom + BAR_BOTTOM, body)


def _value_axis(
    frame: Frame, ticks: list[float], tick_label: Callable[[float], str], *, horizontal: bool
) -> list[str]:
    """The axis of the values (at left, or at the bottom of `horizontal` bars): grid lines at the ticks, their
    labels, and the two lines that frame the plot's left and bottom sides."""
    grid, labels = [], []
    for tick in ticks:
        if horizontal:
            x = frame.x(tick)
            grid.append(svg.line(x, frame.top, x, frame.bottom, GRID))
            labels.append(svg.text(x, frame.bottom + 17, tick_label(tick), text_anchor="middle"))
        else:
            y = frame.y(tick)
            grid.append(svg.line(frame.left, y, frame.right, y, GRID))
            labels.append(svg.text(frame.left - 6, y, tick_label(tick), text_anchor="end", dy="0.35em"))
    sides = [
        svg.line(frame.left, frame.top, frame.left, frame.bottom, AXIS),
        svg.line(frame.left, frame.bottom, frame.right, frame.bottom, AXIS),
    ]
    return [
        svg.group(grid, class_="grid", shape_rendering="crispEdges"),
        svg.group(labels, class_="ticks"),
        svg.group(sides, class_="axes", shape_rendering="crispEdges"),
    ]


def _legend(series: Sequence[Series], left: float, right: float, *, lines: bool = False) -> tuple[str, float]:
    """The series' names and colours in rows above the plot, from `left` and wrapping before `right`; returns
    the legend and where the plot below it starts. A series of `lines` gets a line with a dot, others a
    square."""
    parts: list[str] = []
    x, row = left, 0
    for entry in series:
        name = _label(entry.name)
        width = SWATCH + 5 + svg.text_width(name, FONT)
        if x > left and x + width > right:
            x, row = left, row + 1
        y = LEGEND_TOP + row * LEGEND_ROW
        if lines:
            parts.append(svg.line(x, y, x + SWATCH, y, entry.colour, stroke_width=1.5))
            parts.append(svg.circle(x + SWATCH / 2, y, 2.5, entry.colour))
        else:
            parts.append(svg.rect(x + 3, y - 5, 10, 10, entry.colour))
        parts.append(svg.text(x + SWATCH + 5, y, name, dy="0.35em"))
        x += width + 16
    rows = row + 1 if series else 0
    return svg.group(parts, class_="legend"), LEGEND_TOP + rows * LEGEND_ROW


def _empty(width: float, height: float, message: str) -> Drawing:
    """The chart of a day without data: the message on a pale panel where the chart would be."""
    panel = svg.element("rect", x=0.5, y=0.5, width=width - 1, height=height - 1, fill=EMPTY, stroke=GRID)
    message_text = svg.text(width / 2, height / 2, message, text_anchor="middle", dy="0.35em", fill=MUTED)
    return Drawing(width, height, [svg.group([panel, message_text], class_="empty")])


def _stack_ends(series: Sequence[Series]) -> list[float]:
    """Where each stack of the series' values above zero ends, position by position."""
    return [
        sum(value for value in values if value > 0)
        for values in zip(*(s.values for s in series), strict=True)
    ]


def _runs(values: Sequence[float]) -> list[list[int]]:
    """The positions of the values, in runs of neighbours that are not NaN (a line is broken by a gap)."""
    runs: list[list[int]] = []
    for position, value in enumerate(values):
        if math.isnan(value):
            continue
        if runs and runs[-1][-1] == position - 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    return runs


def _by_day(frame: pd.DataFrame, columns: str, values: str, days: Sequence[date]) -> dict[str, list[float]]:
    """`values` per name in `columns` (sorted by name) and trend day (oldest first), NaN where none."""
    table: dict[str, list[float]] = {}
    positions = _positions(frame["activity_date"].tolist(), days)
    for position, name, value in zip(positions, frame[columns].tolist(), frame[values].tolist(), strict=True):
        row = table.setdefault(_text(name), [math.nan] * len(days))
        if position is not None:
            row[position] = _value(value)
    return dict(sorted(table.items()))


def _positions(activity_dates: Sequence[object], days: Sequence[date]) -> list[int | None]:
    """Where each activity date is among the trend days (None for a date outside them)."""
    index = {day: position for position, day in enumerate(days)}
    return [
        index.get(value.date() if isinstance(value, datetime) else value)  # pandas gives a Timestamp
        for value in activity_dates
    ]


def _value(value: Any, missing: float = math.nan) -> float:
    """A figure as a float, `missing` for NULL (None, NaN or pandas' NA) or a value that is not finite."""
    if value is None or value is pd.NA:
        return missing
    number = float(value)
    return number if math.isfinite(number) else missing


def _text(value: object) -> str:
    """A name from the data as text: `(none)` for NULL."""
    return (
        "(none)"
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
        else str(value)
    )


def _label(value: str) -> str:
    """A label as drawn: one line (control characters such as tabs and line breaks as spaces), shortened to
    LONGEST_LABEL characters so that the chart keeps its shape."""
    text = svg.plain(value)
    return text if len(text) <= LONGEST_LABEL else text[: LONGEST_LABEL - 1] + "…"


def _vendor_colour(vendor: str, position: int) -> str:
    return VENDOR_COLOURS.get(vendor, OTHER_COLOURS[position % len(OTHER_COLOURS)])
