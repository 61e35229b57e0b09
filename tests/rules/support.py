"""What the business-rule tests share: the moments around DAY's settle window, a report line, a query."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.reports import build_daily_reports

SETTLE_HOURS = 72
HOUR = timedelta(hours=1)
# DAY (2026-10-03, KST) ends at 2026-10-04 00:00 KST; its settle window closes 72 hours later.
SETTLES_AT = datetime(2026, 10, 7, 0, 0, tzinfo=KST)
BEFORE_SETTLING = SETTLES_AT - HOUR
AFTER_SETTLING = SETTLES_AT + HOUR
# The evening of DAY: every message of the day has been read, none of them is settled.
EVENING = datetime(2026, 10, 3, 20, 0, tzinfo=KST)


def query(warehouse, sql: str, *params: Any) -> list[tuple]:
    return warehouse.connection.execute(sql, list(params)).fetchall()


def build_outcomes_and_reports(warehouse, now: datetime, settle_hours: int = SETTLE_HOURS) -> None:
    build_delivery_outcomes(warehouse, now, settle_hours)
    build_daily_reports(warehouse, now, settle_hours)


def report_line(received_at: str, **params: str | int) -> str:
    """One stored Infobank report: its receipt time (KST, on DAY) and the pushed query string."""
    return f"2026-10-03T{received_at}+09:00\t/infobank/report?{urlencode(params)}"


def write_store(folder: Path, lines: list[str], name: str = "reports.log") -> Path:
    """An Infobank report store holding `lines` in one file."""
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
