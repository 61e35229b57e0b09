"""The daily report page: one self-contained HTML file per KST day (no Dagster imports).

figures.py reads the numbers (sql/report_page/), charts.py draws them as SVG, page.py writes the HTML.
"""

from datetime import date, datetime

from pipelines.report_page.charts import render_charts
from pipelines.report_page.figures import (
    DailyFigures,
    PageAsOf,
    read_daily_figures,
    read_pages_figures,
    report_as_of,
)
from pipelines.report_page.page import render_page
from pipelines.warehouse import Warehouse

__all__ = [
    "DailyFigures",
    "PageAsOf",
    "draw_page",
    "read_pages_figures",
    "render_daily_report",
    "report_as_of",
]


def render_daily_report(warehouse: Warehouse, day: date, now: datetime, settle_hours: int) -> str:
    """The HTML page of `day`: headline, charts and finance findings, with refund_missing decided as of
    `now` with the settle window `settle_hours` (as the report tables were built)."""
    return draw_page(read_daily_figures(warehouse, day, now, settle_hours))


def draw_page(figures: DailyFigures) -> str:
    """The HTML page of the figures read for one day."""
    return render_page(figures, render_charts(figures))
