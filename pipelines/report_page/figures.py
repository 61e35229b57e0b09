"""What the daily report page shows, read from the report tables and delivery_outcomes (sql/report_page/)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

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


def read_daily_figures(warehouse: Warehouse, day: date, now: datetime, settle_hours: int) -> DailyFigures:
    """Read the page's figures for `day`. Its findings are those the day's latest report build recorded
    (finance_findings, as the report tables count them); `now` and `settle_hours` say whether the day's
    settle window has closed, for the page's note."""
    findings = warehouse.records("report_page/findings", day=day, first_rows=FIRST_ROWS)
    settled_at, settled = warehouse.rows(
        "report_page/settles_at", day=day, now=now, settle_hours=settle_hours
    )[0]
    return DailyFigures(
        day=day,
        now=now,
        settle_hours=settle_hours,
        headline=warehouse.run("report_page/headline", day=day).df(),
        delivery_rate=warehouse.run("report_page/delivery_rate", day=day).df(),
        failure_reasons=warehouse.run("report_page/failure_reasons", day=day).df(),
        carriers=warehouse.run("report_page/carriers", day=day).df(),
        refunds=warehouse.run("report_page/refunds", day=day).df(),
        billing=warehouse.run("report_page/billing", day=day).df(),
        findings={
            row["finding"]: Finding(
                name=row["finding"],
                messages=int(row["messages"]),
                billed_units=int(row["billed_units"]),
                first_rows=row["first_rows"],
            )
            for row in findings
        },
        settled_at=settled_at,
        settled=settled,
    )
