"""Exporting report days as files: CSV (UTF-8 with a byte order mark, so Excel shows Hangul), Parquet, and the
self-contained HTML page of the day."""

import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from pipelines.kst import KST
from pipelines.outcomes import DEFAULT_SETTLE_HOURS
from pipelines.report_page import render_daily_report, report_as_of
from pipelines.warehouse import Warehouse

REPORT_TABLES = (
    "report_delivery_daily",
    "report_failure_reasons_daily",
    "report_refunds_daily",
    "report_billing_daily",
)
DAILY_REPORT = "daily_report.html"


def replace_atomically(path: Path, write: Callable[[str], object]) -> None:
    """Write through a temporary file in the same folder, then rename: readers never see half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_report_day(
    warehouse: Warehouse,
    output_dir: Path,
    day: date,
    *,
    now: datetime | None = None,
    settle_hours: int | None = None,
) -> list[Path]:
    """Write every report table's rows of `day` to `output_dir/<YYYY-MM-DD>/<table>.csv|.parquet`, and the
    day's page to `daily_report.html` there. `now` and `settle_hours` decide which failures the page counts
    as refund_missing; by default, those the report tables were last built with, so the page agrees with
    the tables exported beside it."""
    folder = output_dir / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in REPORT_TABLES:
        frame: pd.DataFrame = warehouse.run("reports/day_rows", table=table, day=day).df()
        csv_path, parquet_path = folder / f"{table}.csv", folder / f"{table}.parquet"
        replace_atomically(
            csv_path, lambda target, f=frame: f.to_csv(target, index=False, encoding="utf-8-sig")
        )
        replace_atomically(parquet_path, lambda target, f=frame: f.to_parquet(target, index=False))
        written += [csv_path, parquet_path]
    built_at, built_settle_hours = report_as_of(warehouse)
    if now is None:
        now = built_at if built_at is not None else datetime.now(KST)
    if settle_hours is None:
        settle_hours = built_settle_hours if built_settle_hours is not None else DEFAULT_SETTLE_HOURS
    written.append(write_daily_report(warehouse, output_dir, day, now, settle_hours))
    return written


def write_daily_report(
    warehouse: Warehouse, output_dir: Path, day: date, now: datetime, settle_hours: int
) -> Path:
    """Write the page of `day` (headline, charts, finance findings) to
    `output_dir/<YYYY-MM-DD>/daily_report.html`, replacing any earlier one atomically; refund_missing is
    decided as of `now` with the settle window `settle_hours`."""
    folder = output_dir / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    html = render_daily_report(warehouse, day, now, settle_hours)
    path = folder / DAILY_REPORT
    replace_atomically(path, lambda target: Path(target).write_text(html, encoding="utf-8"))
    return path
