"""Exporting report days as files: CSV (UTF-8 with a byte order mark, so Excel shows Hangul), Parquet, and the
self-contained HTML page of the day.

The exports repair themselves: every run writes the days whose files are missing or older than the day's
figures (report_day_builds against report_day_exports), so an export that was killed or failed part-way is
completed by the next run, and a day whose export raises does not cost the other days theirs. Text cells of
the CSV files never start like a spreadsheet formula; Parquet keeps every value as it is."""

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import pandas as pd
from pandas.api.types import is_object_dtype, is_string_dtype

from pipelines.kst import KST
from pipelines.report_page import (
    DailyFigures,
    PageAsOf,
    draw_page,
    read_pages_figures,
    render_daily_report,
    report_as_of,
)
from pipelines.reports import REPORT_TABLES
from pipelines.settings import DEFAULT_SETTLE_HOURS
from pipelines.warehouse import Warehouse

DAILY_REPORT = "daily_report.html"
# Every file a complete day's folder holds.
DAY_FILES = (*(f"{table}.{kind}" for table in REPORT_TABLES for kind in ("csv", "parquet")), DAILY_REPORT)
# A cell starting with one of these is run as a formula by spreadsheets (OWASP: CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LONGEST_FAILURE = 300  # characters of an export failure's message kept in the run's metadata
# Due days whose pages are read together: each query of the pages runs once for the batch, not once a day (a
# query costs a millisecond or more however few rows it returns; a backfill has dozens of days).
DAYS_PER_BATCH = 31


@dataclass(frozen=True)
class DueDay:
    """A day whose files must be written: its figures' build, and the cut-off its page counts with (None for
    days built before builds were recorded per day: then the latest build's)."""

    day: date
    build_id: UUID
    built_at: datetime | None
    settle_hours: int | None


@dataclass(frozen=True)
class _DayContent:
    """What a day's folder holds, read from the warehouse: the page's figures and each report table's rows."""

    figures: DailyFigures
    rows: dict[str, pd.DataFrame]


@dataclass
class ExportRun:
    """What a run exported: the days written in full, their files, and the days that failed, with why."""

    days: list[date] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    failures: dict[date, str] = field(default_factory=dict)


def neutralise_cell(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs as a formula: prefixed with a single quote when it starts
    with a formula character, unchanged otherwise."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for CSV: every text value neutralised, numbers, dates and missing values as they
    were."""
    guarded = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if is_string_dtype(values) or is_object_dtype(values):
            guarded[column] = values.map(
                lambda value: neutralise_cell(value) if isinstance(value, str) else value
            )
    return guarded


def due_days(warehouse: Warehouse, output_dir: Path) -> list[DueDay]:
    """The days whose files must be written, oldest first: those the bookkeeping says are not exported from
    their current figures, and those it says are but whose folder lacks a file (one directory listing per
    exported day)."""
    return [
        DueDay(row["activity_date"], row["build_id"], row["built_at"], row["settle_hours"])
        for row in warehouse.records("reports/export_status")
        if not row["exported"] or not day_files_complete(output_dir, row["activity_date"])
    ]


def day_files_complete(output_dir: Path, day: date) -> bool:
    """Whether the folder of `day` holds every file of a day."""
    try:
        names = set(os.listdir(output_dir / day.isoformat()))
    except FileNotFoundError:
        return False
    return names.issuperset(DAY_FILES)


def export_due_days(
    warehouse: Warehouse, output_dir: Path, progress: Callable[[str], None] = lambda _: None
) -> ExportRun:
    """Write the files of every due day, each day's page as of its own report build, and record each day
    once all its files are in place. A day whose export raises is left due (the next run tries it again)
    and the others are written all the same; an OSError (disk full, permissions) stops the run, as the
    days after it would fail alike. `progress` hears of each day written."""
    run = ExportRun()
    due = due_days(warehouse, output_dir)
    as_of = report_as_of(warehouse) if due else (None, None)
    for start in range(0, len(due), DAYS_PER_BATCH):
        batch = due[start : start + DAYS_PER_BATCH]
        pages = [_page_as_of(day.day, day.built_at, day.settle_hours, as_of) for day in batch]
        try:
            contents = _read_days(warehouse, pages)
        except OSError:
            raise
        except Exception as error:  # each day is then read alone (below): only the day at fault fails
            progress(f"report_day_files: {len(batch)} days read together failed ({_describe(error)}); alone")
            contents = {}
        for day, page in zip(batch, pages, strict=True):
            try:
                content = contents.get(day.day) or _read_days(warehouse, [page])[day.day]
                files = _write_day(output_dir, content)
            except OSError:
                raise
            except Exception as error:  # one day's data must not cost the other days their files
                run.failures[day.day] = _describe(error)
                continue
            warehouse.run(
                "reports/record_day_export", day=day.day, build_id=day.build_id, exported_at=datetime.now(KST)
            )
            run.days.append(day.day)
            run.files += files
            progress(f"report_day_files: {day.day} written ({len(files)} files)")
    return run


def _page_as_of(
    day: date,
    now: datetime | None,
    settle_hours: int | None,
    as_of: tuple[datetime | None, int | None],
) -> PageAsOf:
    """The moment and settle window `day`'s page is drawn with: those given, else those the report tables
    were last built with (report_as_of), so the page agrees with the tables exported beside it."""
    built_at, built_settle_hours = as_of
    if now is None:
        now = built_at if built_at is not None else datetime.now(KST)
    if settle_hours is None:
        settle_hours = built_settle_hours if built_settle_hours is not None else DEFAULT_SETTLE_HOURS
    return PageAsOf(day, now, settle_hours)


def _read_days(warehouse: Warehouse, pages: list[PageAsOf]) -> dict[date, _DayContent]:
    """What the folders of `pages`' days hold, by day: the pages' figures read together (each query once for
    all of them), each report table's rows a day at a time. The rows are read by day because pandas types a
    column by the rows it holds (int64, or Int64 with a missing value): read together, a day's Parquet file
    would depend on the days read with it."""
    figures = read_pages_figures(warehouse, pages)
    return {
        page.day: _DayContent(
            figures[page.day],
            {
                table: warehouse.run("reports/day_rows", table=table, day=page.day).df()
                for table in REPORT_TABLES
            },
        )
        for page in pages
    }


def _describe(error: Exception) -> str:
    """The error on one line, of bounded length."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= LONGEST_FAILURE else text[: LONGEST_FAILURE - 1] + "…"


def daily_report_path(output_dir: Path, day: date) -> Path:
    """Where the page of `day` is written: `output_dir/<YYYY-MM-DD>/daily_report.html`."""
    return output_dir / day.isoformat() / DAILY_REPORT


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
    page = _page_as_of(day, now, settle_hours, report_as_of(warehouse))
    return _write_day(output_dir, _read_days(warehouse, [page])[day])


def _write_day(output_dir: Path, content: _DayContent) -> list[Path]:
    """Write a day's files from what was read of it. The page is drawn before any file is written: a day
    whose page cannot be drawn keeps its earlier files."""
    html = draw_page(content.figures)
    folder = output_dir / content.figures.day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(folder)
    written = []
    for table in REPORT_TABLES:
        written += _write_table(folder, table, content.rows[table])
    written.append(_write_page(folder, html))
    return written


def _write_table(folder: Path, table: str, frame: pd.DataFrame) -> list[Path]:
    """`<table>.csv`, its text cells neutralised against formulas, and `<table>.parquet`, as it is. The CSV
    ends its lines with CRLF (RFC 4180), so that a cell holding a carriage return or a line feed is quoted:
    a bare carriage return would start a new row, whose first cell no guard has seen."""
    csv_path, parquet_path = folder / f"{table}.csv", folder / f"{table}.parquet"
    guarded = neutralise_formulas(frame)
    replace_atomically(
        csv_path,
        lambda target: guarded.to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\r\n"),
    )
    replace_atomically(parquet_path, lambda target: frame.to_parquet(target, index=False))
    return [csv_path, parquet_path]


def _remove_leftovers(folder: Path) -> None:
    """Remove the temporary files of a writer that was killed before it could (replace_atomically's)."""
    prefixes = tuple(f".{name}." for name in DAY_FILES)
    for entry in os.scandir(folder):
        if entry.name.startswith(prefixes) and entry.is_file():
            Path(entry.path).unlink(missing_ok=True)


def write_daily_report(
    warehouse: Warehouse, output_dir: Path, day: date, now: datetime, settle_hours: int
) -> Path:
    """Write the page of `day` (headline, charts, finance findings) to
    `output_dir/<YYYY-MM-DD>/daily_report.html`, replacing any earlier one atomically; refund_missing is
    decided as of `now` with the settle window `settle_hours`."""
    html = render_daily_report(warehouse, day, now, settle_hours)
    folder = output_dir / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    return _write_page(folder, html)


def _write_page(folder: Path, html: str) -> Path:
    """The day's page as `daily_report.html` in `folder`, replacing any earlier one atomically."""
    path = folder / DAILY_REPORT
    replace_atomically(path, lambda target: Path(target).write_text(html, encoding="utf-8"))
    return path
