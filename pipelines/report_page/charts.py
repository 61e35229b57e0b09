"""The daily report page's charts: matplotlib figures (no pyplot) rendered to inline SVG at build time."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pipelines.report_page.figures import DailyFigures

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Matplotlib's settings while the charts are drawn. Text stays SVG text (the browser draws it in a sans-serif
# font) rather than glyph outlines: a third faster to render, smaller, and searchable in the page. Labels are
# data (vendor text among them): never parsed as math between dollar signs. The fixed hash salt makes the SVG
# the same on every render.
STYLE = {
    "text.parse_math": False,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
    "axes.axisbelow": True,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#e5e5e5",
    "legend.frameon": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "daily-report",
}
VENDOR_COLOURS = {"cafe24": "#4e79a7", "infobank": "#f28e2b"}
OTHER_COLOURS = ("#76b7b2", "#b07aa1", "#9c755f", "#edc948")
DELIVERED, FAILED, IN_FLIGHT, UNKNOWN = "#59a14f", "#e15759", "#9db4d0", "#bab0ac"
MOST_REASONS = 12
LONGEST_LABEL = 40  # characters of a bar's label; longer ones are shortened (the full text is in the tables)
WIDE = 9.0  # inches: the trend charts
NARROW = 7.0  # inches: the charts of the day

Stack = list[tuple[str, pd.Series, str]]  # the series of a stacked bar chart: (legend label, values, colour)


@dataclass(frozen=True)
class Chart:
    """One rendered chart: a key (unique in the page), its title, and the SVG element."""

    key: str
    title: str
    svg: str


def render_charts(figures: DailyFigures) -> list[Chart]:
    """Every chart of the page, rendered from the day's figures."""
    # matplotlib takes most of a second to import: only processes that draw a page pay for it, not every
    # process that loads the Dagster code location (which imports pipelines.exports).
    import matplotlib

    drawings: list[tuple[str, str, Callable[[DailyFigures], Figure]]] = [
        ("delivery-rate", "Delivery rate, last 30 days, by vendor", _delivery_rate),
        ("failure-reasons", "Failures by reason, on the day", _failure_reasons),
        ("carriers", "Delivery by carrier, on the day", _carriers),
        ("refunds", "Refunds of failed messages, last 30 days (Cafe24)", _refunds),
        ("billed-units", "Billed units, last 30 days, by vendor", _billed_units),
    ]
    with matplotlib.rc_context(STYLE):
        return [Chart(key, title, _svg(draw(figures), key)) for key, title, draw in drawings]


def _delivery_rate(figures: DailyFigures) -> Figure:
    figure, axes = _figure(WIDE, 2.6, left=0.6, bottom=0.4, top=0.35)
    rates = _by_day(figures, figures.delivery_rate, "vendor", "delivery_rate")
    if rates.isna().all().all():
        return _no_data(figure, axes, "No delivered or failed messages in the last 30 days")
    for position, vendor in enumerate(rates.columns):
        axes.plot(
            range(len(rates)),
            rates[vendor] * 100,
            marker="o",
            markersize=3,
            linewidth=1.5,
            color=_vendor_colour(vendor, position),
            label=vendor,
        )
    lowest = float(rates.min().min()) * 100
    axes.set_ylim(max(0.0, lowest - 5 - lowest % 5), 100.5)
    axes.yaxis.get_major_locator().set_params(nbins=4)
    axes.set_ylabel("% of final outcomes")
    _day_axis(axes, figures)
    _legend(axes, len(rates.columns))
    return figure


def _failure_reasons(figures: DailyFigures) -> Figure:
    reasons = figures.failure_reasons.pivot_table(
        index="reason", columns="vendor", values="failures", aggfunc="sum", fill_value=0, sort=False
    )
    if len(reasons) > MOST_REASONS:
        kept = reasons.iloc[: MOST_REASONS - 1]
        rest = reasons.iloc[MOST_REASONS - 1 :].sum().rename(f"({len(reasons) - len(kept)} other reasons)")
        reasons = pd.concat([kept, rest.to_frame().T])
    figure, axes = _bar_figure(reasons.index)
    if reasons.empty:
        return _no_data(figure, axes, "No failed messages on this day")
    _stacked_bars(
        axes,
        reasons.index,
        [
            (vendor, reasons[vendor], _vendor_colour(vendor, position))
            for position, vendor in enumerate(reasons.columns)
        ],
    )
    axes.set_xlabel("failed messages")
    _legend(axes, len(reasons.columns))
    return figure


def _carriers(figures: DailyFigures) -> Figure:
    carriers = figures.carriers.set_index("carrier")
    figure, axes = _bar_figure(carriers.index, right=1.0)
    if carriers.empty:
        return _no_data(figure, axes, "No messages on this day")
    series = [
        ("delivered", carriers["delivered"], DELIVERED),
        ("failed", carriers["failed"], FAILED),
        ("in flight", carriers["in_flight"], IN_FLIGHT),
        ("unknown", carriers["unknown"], UNKNOWN),
    ]
    _stacked_bars(axes, carriers.index, [entry for entry in series if entry[1].sum() > 0], totals=False)
    totals = carriers[["delivered", "failed", "in_flight", "unknown"]].sum(axis=1)
    for position, (total, rate) in enumerate(zip(totals, carriers["delivery_rate"], strict=True)):
        label = "no final outcome" if pd.isna(rate) else f"{rate:.1%} delivered"
        axes.annotate(label, (total, position), xytext=(4, 0), textcoords="offset points", va="center")
    axes.set_xlabel("messages")
    _legend(axes, 4)
    return figure


def _refunds(figures: DailyFigures) -> Figure:
    figure, axes = _figure(WIDE, 2.6, left=0.6, bottom=0.4, top=0.35)
    refunds = figures.refunds.set_index("activity_date").reindex(pd.to_datetime(figures.trend_days))
    if refunds.isna().all().all():
        return _no_data(figure, axes, "No Cafe24 messages in the last 30 days (only Cafe24 refunds)")
    refunds = refunds.fillna(0)
    series = [
        ("refunded", refunds["refunded"], DELIVERED),
        ("awaiting refund (settle window open)", refunds["awaiting_refund"], IN_FLIGHT),
        ("refund missing", refunds["refund_missing"], FAILED),
        ("refunded though delivered", refunds["refund_unexpected"], "#f28e2b"),
    ]
    _stacked_columns(axes, series)
    axes.set_ylabel("messages")
    _day_axis(axes, figures)
    _legend(axes, len(series))
    return figure


def _billed_units(figures: DailyFigures) -> Figure:
    figure, axes = _figure(WIDE, 2.6, left=0.6, bottom=0.4, top=0.35)
    units = _by_day(figures, figures.billing, "vendor", "billed_units")
    if units.empty:
        return _no_data(figure, axes, "No messages in the last 30 days")
    units = units.fillna(0)
    _stacked_columns(
        axes,
        [(vendor, units[vendor], _vendor_colour(vendor, position)) for position, vendor in enumerate(units)],
    )
    axes.set_ylabel("units")
    _day_axis(axes, figures)
    _legend(axes, len(units.columns))
    return figure


def _figure(
    width: float, height: float, *, left: float, bottom: float, top: float, right: float = 0.25
) -> tuple[Figure, Axes]:
    """A figure with one axes and margins in inches (a layout engine would double the render time)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(
        left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
    )
    return figure, figure.add_subplot()


def _bar_figure(labels: Sequence[str], right: float = 0.4) -> tuple[Figure, Axes]:
    """A figure for horizontal bars, one per label: as tall as the bars need, the labels fitting at left."""
    longest = max((len(_label(label)) for label in labels), default=10)
    height = 1.0 + 0.26 * max(len(labels), 3)
    figure, axes = _figure(NARROW, height, left=0.2 + 0.07 * longest, bottom=0.45, top=0.35, right=right)
    axes.grid(axis="x")
    axes.grid(axis="y", visible=False)
    return figure, axes


def _by_day(figures: DailyFigures, frame: pd.DataFrame, columns: str, values: str) -> pd.DataFrame:
    """`values` per trend day (rows, oldest first) and `columns` (one column each)."""
    table = frame.pivot(index="activity_date", columns=columns, values=values)
    return table.reindex(pd.to_datetime(figures.trend_days)) if not table.empty else table


def _stacked_bars(axes: Axes, labels: Sequence[str], series: Stack, totals: bool = True) -> None:
    """Horizontal bars, one per label (the first at the top), made of the series stacked left to right."""
    ends = _stack(axes, series, horizontal=True)
    if totals:
        for position, total in enumerate(ends):
            axes.annotate(
                f"{total:,.0f}", (total, position), xytext=(3, 0), textcoords="offset points", va="center"
            )
    axes.set_yticks(range(len(labels)), [_label(label) for label in labels])
    axes.set_ylim(len(labels) - 0.5, -0.5)
    axes.set_xlim(left=0)
    axes.xaxis.get_major_locator().set_params(integer=True, nbins=5)


def _stacked_columns(axes: Axes, series: Stack) -> None:
    """Columns, one per trend day, made of the series stacked bottom to top."""
    _stack(axes, series, horizontal=False)
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True, nbins=4)


def _stack(axes: Axes, series: Stack, *, horizontal: bool) -> list[float]:
    """Draw the series (at least one) as stacked bars at positions 0, 1, ...; returns where each bar ends.
    Each series is one collection of rectangles, not one artist per bar: that draws several times faster."""
    from matplotlib.collections import PolyCollection

    ends = [0.0] * len(series[0][1])
    for name, values, colour in series:
        rectangles = []
        for position, length in enumerate(values.astype(float)):
            if length > 0:
                start, end = ends[position], ends[position] + length
                low, high = position - 0.35, position + 0.35
                corners = [(start, low), (end, low), (end, high), (start, high)]
                rectangles.append(corners if horizontal else [(y, x) for x, y in corners])
                ends[position] = end
        axes.add_collection(PolyCollection(rectangles, facecolors=colour, linewidths=0, label=name))
    axes.autoscale_view()
    return ends


def _day_axis(axes: Axes, figures: DailyFigures) -> None:
    """Label every 7th day back from the report's day, and shade the report's day."""
    days = figures.trend_days
    ticks = [position for position in range(len(days)) if (len(days) - 1 - position) % 7 == 0]
    axes.set_xticks(ticks, [days[position].strftime("%m-%d") for position in ticks])
    axes.set_xlim(-0.7, len(days) - 0.3)
    axes.axvspan(len(days) - 1.5, len(days) - 0.5, color="#fff3bf", zorder=0)


def _legend(axes: Axes, entries: int) -> None:
    """The legend in one row above the axes, where it covers nothing."""
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=entries, borderaxespad=0.2, handlelength=1.2)


def _no_data(figure: Figure, axes: Axes, message: str) -> Figure:
    """The chart of a day without data: the message where the chart would be."""
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", color="#666666", transform=axes.transAxes)
    return figure


def _label(value: object) -> str:
    """A bar's label: the text on one line (control characters such as tabs and line breaks as spaces),
    shortened to LONGEST_LABEL characters so that the chart keeps its shape."""
    text = _CONTROL.sub(" ", str(value))
    return text if len(text) <= LONGEST_LABEL else text[: LONGEST_LABEL - 1] + "…"


def _vendor_colour(vendor: str, position: int) -> str:
    return VENDOR_COLOURS.get(vendor, OTHER_COLOURS[position % len(OTHER_COLOURS)])


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
# A tag: matplotlib escapes < and > in text and attribute values, so text never matches.
_TAG = re.compile(r"<[^>]*>")
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_REFERENCES = re.compile(r'(\bid="|\bhref="#|url\(#)([^")]+)')


def _svg(figure: Figure, key: str) -> str:
    """The figure as an `<svg>` element to inline in HTML: no XML prolog, metadata or namespace URLs, and
    every id prefixed with `key`, so that several charts in one page never share an id. Only the tags are
    rewritten: the text drawn (labels from the data) stays exactly as it is."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    svg = _PROLOG.sub("", buffer.getvalue(), count=1)
    svg = _METADATA.sub("", svg, count=1)
    svg = _TAG.sub(lambda tag: _rewrite_tag(tag[0], key), svg)
    return svg.replace("<svg ", f'<svg class="chart" data-chart="{key}" ', 1).strip()


def _rewrite_tag(tag: str, key: str) -> str:
    """One tag without namespace URLs, with `xlink:href` as `href`, and its ids and references to ids
    prefixed with `key`."""
    tag = _NAMESPACES.sub("", tag).replace("xlink:href=", "href=")
    return _REFERENCES.sub(lambda match: f"{match[1]}{key}-{match[2]}", tag)
