"""What the daily report page shows, read from the report tables and delivery_outcomes (sql/report_page/)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import pandas as pd

from pipelines.warehouse import Warehouse

TREND_DAYS = 30
FIRST_ROWS = 20


@dataclass(frozen=True)
class Finding:
    """One finance finding of the day: how many messages have it, their billed units, the first of them."""

    name: str
    messages: int
    billed_units: int
    first_rows: list[dict[str, Any]]


@dataclass(frozen=True)
class DailyFigures:
    """Everything the page of one KST day shows, as of `now` with the settle window `settle_hours`."""

    day: date
    now: datetime
    settle_hours: int
    headline: pd.DataFrame
    delivery_rate: pd.DataFrame
    failure_reasons: pd.DataFrame
    carriers: pd.DataFrame
    refunds: pd.DataFrame
    billing: pd.DataFrame
    findings: dict[str, Finding]
    settled_at: datetime  # when the day's settle window closes: then a failure without a refund is missing
    settled: bool  # whether it has closed at `now` (is_settled, as the report tables judge it)

    @property
    def trend_days(self) -> list[date]:
        """The days of the trend charts: the TREND_DAYS days ending with the report's day."""
        return [self.day - timedelta(days=back) for back in range(TREND_DAYS - 1, -1, -1)]

    @property
    def has_messages(self) -> bool:
        """Whether any vendor sent a message on the day."""
        day_rows = self.headline[self.headline["period"] == "day"]
        return bool(day_rows["messages"].sum() > 0)


def report_as_of(warehouse: Warehouse) -> tuple[datetime | None, int | None]:
    """When the report tables were last built and the settle window of the latest outcome build (None when
    there has been no build)."""
    built_at, settle_hours = warehouse.rows("report_page/as_of")[0]
    return built_at, settle_hours


class PageAsOf(NamedTuple):
    """A page to draw: its KST day, and the moment and settle window its refund_missing is decided with."""

    day: date
    now: datetime
    settle_hours: int


def read_daily_figures(warehouse: Warehouse, day: date, now: datetime, settle_hours: int) -> DailyFigures:
    """Read the page's figures for `day`. Its findings are those the day's latest report build recorded
    (finance_findings, as the report tables count them); `now` and `settle_hours` say whether the day's
    settle window has closed, for the page's note."""
    return read_pages_figures(warehouse, [PageAsOf(day, now, settle_hours)])[day]


def read_pages_figures(warehouse: Warehouse, pages: Sequence[PageAsOf]) -> dict[date, DailyFigures]:
    """The figures of several pages (as read_daily_figures reads one), by day: each relation of
    sql/report_page/ is queried once for all of them, not once a page."""
    days = [page.day for page in pages]
    if len(set(days)) != len(days):
        raise ValueError("each page's day once: the trend queries would count a day given twice twice")
    per_day = {
        name: _split_by_page(warehouse.run(f"report_page/{name}", days=days).df(), days)
        for name in ("delivery_rate", "failure_reasons", "carriers", "refunds", "billing")
    }
    findings: dict[date, dict[str, Finding]] = {day: {} for day in days}
    for row in warehouse.records("report_page/findings", days=days, first_rows=FIRST_ROWS):
        findings[row["page_day"]][row["finding"]] = Finding(
            name=row["finding"],
            messages=int(row["messages"]),
            billed_units=int(row["billed_units"]),
            first_rows=row["first_rows"],
        )
    settles = warehouse.records(
        "report_page/settles_at",
        days=days,
        nows=[page.now for page in pages],
        settle_hours=[page.settle_hours for page in pages],
    )
    settling = {row["page_day"]: (row["settles_at"], row["settled"]) for row in settles}
    return {
        page.day: DailyFigures(
            day=page.day,
            now=page.now,
            settle_hours=page.settle_hours,
            headline=warehouse.run("report_page/headline", day=page.day).df(),
            delivery_rate=per_day["delivery_rate"][page.day],
            failure_reasons=per_day["failure_reasons"][page.day],
            carriers=per_day["carriers"][page.day],
            refunds=per_day["refunds"][page.day],
            billing=per_day["billing"][page.day],
            findings=findings[page.day],
            settled_at=settling[page.day][0],
            settled=settling[page.day][1],
        )
        for page in pages
    }


def _split_by_page(frame: pd.DataFrame, days: Sequence[date]) -> dict[date, pd.DataFrame]:
    """The rows of `frame` for each of `days` (its page_day column), in their order, without that column and
    indexed from 0, as a query of that day alone gives them."""
    of_day = frame["page_day"].dt.date.to_numpy()
    rows = frame.drop(columns="page_day")
    return {day: rows[of_day == day].reset_index(drop=True) for day in days}
