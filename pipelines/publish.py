"""The read-only copy analysts query, published after each run (no Dagster imports).

DuckDB allows one writing process per file, so analysts never open the warehouse. Each publish writes a new
version folder: delivery_outcomes and the report tables as one Parquet file per month of activity_date
(<table>/<YYYY-MM>.parquet), the small tables whole (<table>.parquet). A month that did not change since the
previous version is hard-linked from it, not written again: a run costs what changed, not what is stored.
Then an analytics.duckdb with one view per table over that folder is built under a temporary name and renamed
onto the old one. A rename is atomic: a session sees one whole publish, and one that has the old file open
keeps reading the old version until it closes.
"""

import hashlib
import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from pipelines.reports import REPORT_TABLES
from pipelines.warehouse import SQL_DIR, Warehouse, schema_digest

ANALYTICS_FILE = "analytics.duckdb"
# Published as one Parquet file per month of activity_date; the others as one file each.
MONTHLY_TABLES = ("delivery_outcomes", *REPORT_TABLES)
WHOLE_TABLES = ("status_codes", "mobile_networks", "price_book")
PUBLISHED_TABLES = (*MONTHLY_TABLES, *WHOLE_TABLES)
PUBLISHED_FILE = "published.parquet"
# The file a table published by month holds when it has no rows at all: it gives the view its columns.
EMPTY_FILE = "empty.parquet"
KEEP_VERSIONS = 3
RETENTION = timedelta(hours=24)

# Tables that need their own export query by month; the report tables use sql/publish/export_report_month.
_MONTH_EXPORTS = {"delivery_outcomes": "publish/export_delivery_outcomes"}
# What decides the shape of a version's files, besides the schema: a change to any writes every file again.
_LAYOUT = "monthly-v1"
_EXPORT_FILES = ("publish/export_delivery_outcomes", "publish/export_report_month", "publish/export_table")
_VERSION = re.compile(r"(\d{8}T\d{6}\.\d{6}Z)-[0-9a-f]{8}")
_VERSION_TIME = "%Y%m%dT%H%M%S.%fZ"
_GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")


@dataclass(frozen=True)
class PublishResult:
    """One publish: its version, the analytics file, rows per published table, the versions pruned, the months
    written per table published by month (the others were linked from the previous version), and why every
    month was written, if it was."""

    version: str
    path: Path
    tables: dict[str, int]
    versions_removed: list[str]
    versions_kept: list[str]
    months_written: dict[str, list[str]] = field(default_factory=dict)
    months_linked: dict[str, int] = field(default_factory=dict)
    rewrote_all: str | None = None


@dataclass(frozen=True)
class PreviousVersion:
    """A whole earlier version, as its published.parquet records it: the builds it holds, the digest of its
    files' shape, and the rows of each month file of the tables published by month."""

    folder: Path
    outcomes_built_at: datetime | None
    reports_built_at: datetime | None
    digest: str
    months: dict[str, dict[date, int]]


@dataclass
class MonthFiles:
    """One table's month files in the new version: rows per month, the months written (the others linked),
    and the files this publish wrote or copied, which must be flushed to disk."""

    rows: dict[date, int] = field(default_factory=dict)
    written: list[date] = field(default_factory=list)
    new_files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class VersionWritten:
    """What a version folder holds: rows per table, the month files of the tables published by month, and why
    every month was written, if it was."""

    tables: dict[str, int]
    months: dict[str, MonthFiles]
    rewrote_all: str | None


def publish_analytics_copy(
    warehouse: Warehouse,
    folder: Path,
    *,
    now: datetime | None = None,
    keep_versions: int = KEEP_VERSIONS,
    retention: timedelta = RETENTION,
) -> PublishResult:
    """Publish the warehouse's published tables into `folder` as a new version, point
    `folder/analytics.duckdb` at it in one rename, then remove the old versions no session can still be
    reading (see prune_versions). Months unchanged since the previous version are linked from it."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    folder = _checked_folder(folder)
    versions = folder / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(folder)
    previous = _previous_version(warehouse, versions)
    version = f"{now.astimezone(UTC).strftime(_VERSION_TIME)}-{secrets.token_hex(4)}"
    written = _write_version(warehouse, versions / version, now, previous)
    analytics = folder / ANALYTICS_FILE
    _write_analytics_file(warehouse, analytics, versions / version)
    removed, kept = prune_versions(
        versions, now, current=version, keep_versions=keep_versions, retention=retention
    )
    return PublishResult(
        version,
        analytics,
        written.tables,
        removed,
        kept,
        months_written={
            table: [f"{month:%Y-%m}" for month in files.written] for table, files in written.months.items()
        },
        months_linked={
            table: len(files.rows) - len(files.written) for table, files in written.months.items()
        },
        rewrote_all=written.rewrote_all,
    )


def prune_versions(
    versions_dir: Path,
    now: datetime,
    *,
    current: str,
    keep_versions: int = KEEP_VERSIONS,
    retention: timedelta = RETENTION,
) -> tuple[list[str], list[str]]:
    """Remove the version folders no analyst session can still be reading; returns (removed, kept), oldest
    first.

    A session reads the version of the analytics.duckdb it opened until it closes, and a version stops being
    the current one when the next is published. So a version is kept while it is among the newest
    `keep_versions`, or was replaced less than `retention` ago, or is `current`; only one that is none of
    these is removed. A month file linked into a newer version lives on there: removing a folder removes
    only its own names for the files."""
    names = _version_names(versions_dir)  # oldest first
    removed, kept = [], []
    for position, name in enumerate(names):
        newer = names[position + 1 :]
        replaced_recently = not newer or now - _published_at(newer[0]) < retention
        if name == current or len(newer) < keep_versions or replaced_recently:
            kept.append(name)
        else:
            shutil.rmtree(versions_dir / name)
            removed.append(name)
    return removed, kept


def _write_version(
    warehouse: Warehouse, version_dir: Path, now: datetime, previous: PreviousVersion | None
) -> VersionWritten:
    """Every published table as Parquet from one snapshot of the warehouse, reusing the previous version's
    unchanged month files. The files go into a hidden folder that is renamed when complete, so a version
    folder is always whole."""
    partial = version_dir.with_name(f".{version_dir.name}.partial")
    partial.mkdir()
    try:
        with warehouse.transaction():  # one snapshot: every table as of the same moment
            digest = _publish_digest(warehouse)
            rewrote_all = _why_write_everything(warehouse, previous, digest)
            base = None if rewrote_all else previous
            changed = _changed_months(warehouse, base)
            months = {
                table: _publish_by_month(warehouse, table, partial, base, changed.get(table, set()))
                for table in MONTHLY_TABLES
            }
            tables = {table: sum(files.rows.values()) for table, files in months.items()}
            for table in WHOLE_TABLES:
                tables[table] = _export(
                    warehouse, "publish/export_table", table=table, path=partial / f"{table}.parquet"
                )
            _write_published(warehouse, partial, version_dir.name, now, tables, months, digest)
        _flush(partial, months)
        partial.rename(version_dir)
        _sync(version_dir.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return VersionWritten(tables, months, rewrote_all)


def _previous_version(warehouse: Warehouse, versions_dir: Path) -> PreviousVersion | None:
    """The newest whole version whose published.parquet can be read, as it records itself (normally the one
    analytics.duckdb points at); None when there is none, and then every file is written."""
    for name in reversed(_version_names(versions_dir)):
        folder = versions_dir / name
        try:
            records = warehouse.records("publish/previous_version", path=str(folder / PUBLISHED_FILE))
        except duckdb.Error:  # missing, damaged, or from before months were recorded
            continue
        if records:
            return _as_previous_version(folder, records)
    return None


def _as_previous_version(folder: Path, records: list[dict[str, Any]]) -> PreviousVersion:
    """A version's published.parquet rows (one per table) as what the next publish needs of them."""
    first = records[0]
    return PreviousVersion(
        folder,
        first["outcomes_built_at"],
        first["reports_built_at"],
        first["publish_digest"],
        {
            record["table_name"]: {entry["month"]: entry["row_count"] for entry in record["months"]}
            for record in records
            if record["months"] is not None
        },
    )


def _publish_digest(warehouse: Warehouse) -> str:
    """SHA-256 over what decides the shape of the month files: the layout, the warehouse schema (the masking
    macro among it), the export queries and the published tables' columns. Files written under another digest
    are never reused."""
    digest = hashlib.sha256(_LAYOUT.encode())
    digest.update(schema_digest().encode())
    for name in _EXPORT_FILES:
        digest.update((SQL_DIR / f"{name}.sql").read_bytes())
    for row in warehouse.rows("publish/published_columns", tables=list(PUBLISHED_TABLES)):
        digest.update("\0".join(row).encode() + b"\n")
    return digest.hexdigest()


def _why_write_everything(warehouse: Warehouse, previous: PreviousVersion | None, digest: str) -> str | None:
    """Why no month file of the previous version can be reused, or None when they can."""
    if previous is None:
        return "no readable previous version"
    if previous.digest != digest:
        return "the schema, the export queries or the published columns changed"
    known = warehouse.rows(
        "publish/builds_known",
        outcomes_built_at=previous.outcomes_built_at,
        reports_built_at=previous.reports_built_at,
    )[0][0]
    if not known:
        return "the previous version holds builds this warehouse does not have"
    return None


def _changed_months(warehouse: Warehouse, base: PreviousVersion | None) -> dict[str, set[date]]:
    """The months of each table published by month whose rows changed since `base` (sql/publish/
    changed_months.sql); nothing when there is no base to compare with."""
    if base is None:
        return {}
    changed: dict[str, set[date]] = {}
    for table, month in warehouse.rows(
        "publish/changed_months",
        outcomes_since=base.outcomes_built_at,
        reports_since=base.reports_built_at,
        report_tables=list(REPORT_TABLES),
    ):
        changed.setdefault(table, set()).add(month)
    return changed


def _publish_by_month(
    warehouse: Warehouse, table: str, folder: Path, base: PreviousVersion | None, changed: set[date]
) -> MonthFiles:
    """`table` as one file per month in `folder/table/`: the months in `changed` written, the others linked
    from `base`. Every month is written when there is no base, or when the months would not add up to the
    table's rows (it was written without its changes recorded)."""
    target = folder / table
    target.mkdir()
    files = _reuse_months(warehouse, table, target, base, changed) if base and table in base.months else None
    if files is not None and sum(files.rows.values()) != _row_count(warehouse, table):
        shutil.rmtree(target)
        target.mkdir()
        files = None
    if files is None:
        months = [month for (month,) in warehouse.rows("publish/table_months", table=table)]
        files = _write_months(warehouse, table, target, months)
    if not files.rows:  # no rows at all: a file with no rows gives the view its columns
        _write_month(warehouse, table, target / EMPTY_FILE, None)
        files.new_files.append(target / EMPTY_FILE)
    return files


def _reuse_months(
    warehouse: Warehouse, table: str, target: Path, base: PreviousVersion, changed: set[date]
) -> MonthFiles:
    """The changed months of `table` written into `target`, every other month of `base` linked from it (a
    month whose file `base` lost is written too)."""
    source, before = base.folder / table, base.months[table]
    missing = {month for month in before if not (source / _month_file(month)).is_file()}
    rewrite = changed | missing
    files = _write_months(warehouse, table, target, sorted(rewrite))
    for month in sorted(before.keys() - rewrite):
        name = _month_file(month)
        if not _link(source / name, target / name):
            files.new_files.append(target / name)
        files.rows[month] = before[month]
    return files


def _row_count(warehouse: Warehouse, table: str) -> int:
    return warehouse.rows("publish/row_count", table=table)[0][0]


def _write_months(warehouse: Warehouse, table: str, target: Path, months: list[date]) -> MonthFiles:
    """The given months of `table` written into `target`; a month left without rows has no file."""
    files = MonthFiles()
    for month in months:
        path = target / _month_file(month)
        rows = _write_month(warehouse, table, path, month)
        if rows:
            files.rows[month] = rows
            files.written.append(month)
            files.new_files.append(path)
        else:
            path.unlink(missing_ok=True)
    return files


def _write_month(warehouse: Warehouse, table: str, path: Path, month: date | None) -> int:
    """One month of `table` (None: no rows, only the columns) as Parquet at `path`; returns its rows."""
    query = _MONTH_EXPORTS.get(table, "publish/export_report_month")
    return _export(warehouse, query, table=table, path=path, month=month)


def _export(warehouse: Warehouse, query: str, *, path: Path, **params: object) -> int:
    """Run the export `query` (a COPY) into `path`; returns the rows it wrote."""
    return warehouse.rows(query, path=str(path), **params)[0][0]


def _write_published(
    warehouse: Warehouse,
    folder: Path,
    version: str,
    now: datetime,
    tables: dict[str, int],
    months: dict[str, MonthFiles],
    digest: str,
) -> None:
    """The copy's `published` table (sql/publish/export_published.sql), which the next publish reads back."""
    entries = [
        (table, month, rows) for table, files in months.items() for month, rows in sorted(files.rows.items())
    ]
    warehouse.run(
        "publish/export_published",
        path=str(folder / PUBLISHED_FILE),
        version=version,
        published_at=now,
        table_names=list(tables),
        row_counts=list(tables.values()),
        publish_digest=digest,
        partitioned=list(MONTHLY_TABLES),
        month_tables=[table for table, _, _ in entries],
        months=[month for _, month, _ in entries],
        month_rows=[rows for _, _, rows in entries],
    )


def _write_analytics_file(warehouse: Warehouse, analytics: Path, version_dir: Path) -> None:
    """Build the analytics file over `version_dir` under a temporary name, through the warehouse connection,
    and rename it onto `analytics`."""
    temporary = analytics.with_name(f".{analytics.name}.{version_dir.name}")
    warehouse.run("publish/attach_copy", path=str(temporary))
    try:
        statements = warehouse.rows(
            "publish/view_statements",
            tables=[*PUBLISHED_TABLES, "published"],
            partitioned=list(MONTHLY_TABLES),
            version_dir=str(version_dir),
        )
        with warehouse.transaction():  # one commit, not one per statement
            for (statement,) in statements:
                warehouse.connection.execute(statement)
            warehouse.run("publish/describe_copy")
        warehouse.run("publish/detach_copy")
        os.replace(temporary, analytics)
        # Durable before any old version is removed: a rename lost in a power cut would bring back an
        # analytics file whose version folder is gone.
        _sync(analytics.parent)
    except BaseException:
        warehouse.run("publish/abandon_copy")
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}.wal").unlink(missing_ok=True)
        raise


def _link(source: Path, target: Path) -> bool:
    """`target` as another name of the unchanged file `source` (a hard link: no bytes copied); a copy where
    linking fails (another file system, too many links). Returns whether it linked."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        return False
    return True


def _month_file(month: date) -> str:
    return f"{month:%Y-%m}.parquet"


def _flush(partial: Path, months: dict[str, MonthFiles]) -> None:
    """Flush what this publish wrote to disk: its new files and every folder's entries (a linked file's bytes
    are on disk since the version it was written for)."""
    for files in months.values():
        for path in files.new_files:
            _sync(path)
    for path in partial.glob("*.parquet"):
        _sync(path)
    for table in months:
        _sync(partial / table)
    _sync(partial)


def _checked_folder(folder: Path) -> Path:
    """The folder as an absolute path, which the views name their Parquet files by; read_parquet would take
    any of * ? [ ] { } in it for a file pattern."""
    folder = folder.resolve()
    if _GLOB_CHARACTERS.search(str(folder)):
        raise ValueError(f"the analytics folder must not contain any of * ? [ ] {{ }}: {folder}")
    return folder


def _remove_leftovers(folder: Path) -> None:
    """Delete what a crashed publish left behind: a half-written version folder, an unfinished analytics file.
    Nothing else can be writing them: a publish holds the warehouse, which one process at a time can open."""
    for partial in (folder / "versions").glob(".*.partial"):
        shutil.rmtree(partial, ignore_errors=True)
    for temporary in folder.glob(f".{ANALYTICS_FILE}.*"):
        temporary.unlink(missing_ok=True)


def _version_names(versions_dir: Path) -> list[str]:
    """The whole version folders, oldest first (their names start with the UTC time of the publish)."""
    return sorted(name for name in os.listdir(versions_dir) if _VERSION.fullmatch(name))


def _published_at(version: str) -> datetime:
    return datetime.strptime(version.split("-")[0], _VERSION_TIME).replace(tzinfo=UTC)


def _sync(path: Path) -> None:
    """Flush a file or a folder's entries to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
