"""The read-only copy analysts query, published after each run (no Dagster imports).

DuckDB allows one writing process per file, so analysts never open the warehouse. Each publish writes the
published tables as Parquet into a new version folder, builds an analytics.duckdb with one view per table over
that folder under a temporary name, and renames it onto the old one. A rename is atomic: a session sees one
whole publish, and one that has the old file open keeps reading the old version until it closes.
"""

import os
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipelines.exports import REPORT_TABLES
from pipelines.warehouse import Warehouse

ANALYTICS_FILE = "analytics.duckdb"
PUBLISHED_TABLES = ("delivery_outcomes", *REPORT_TABLES, "status_codes", "mobile_networks", "price_book")
KEEP_VERSIONS = 3
RETENTION = timedelta(hours=24)

# Tables that need their own export query; the others are published as they are (sql/publish/export_table).
_EXPORT_QUERIES = {"delivery_outcomes": "publish/export_delivery_outcomes"}
_VERSION = re.compile(r"(\d{8}T\d{6}\.\d{6}Z)-[0-9a-f]{8}")
_VERSION_TIME = "%Y%m%dT%H%M%S.%fZ"
_GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")


@dataclass(frozen=True)
class PublishResult:
    """One publish: its version, the analytics file, rows per published table, and the versions pruned."""

    version: str
    path: Path
    tables: dict[str, int]
    versions_removed: list[str]
    versions_kept: list[str]


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
    reading (see prune_versions)."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    folder = _checked_folder(folder)
    versions = folder / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(folder)
    version = f"{now.astimezone(UTC).strftime(_VERSION_TIME)}-{secrets.token_hex(4)}"
    tables = _write_version(warehouse, versions / version, now)
    analytics = folder / ANALYTICS_FILE
    _write_analytics_file(warehouse, analytics, versions / version)
    removed, kept = prune_versions(
        versions, now, current=version, keep_versions=keep_versions, retention=retention
    )
    return PublishResult(version, analytics, tables, removed, kept)


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
    these is removed."""
    names = sorted(name for name in os.listdir(versions_dir) if _VERSION.fullmatch(name))  # oldest first
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


def _write_version(warehouse: Warehouse, version_dir: Path, now: datetime) -> dict[str, int]:
    """Every published table as Parquet from one snapshot of the warehouse; returns the rows per table. The
    files go into a hidden folder that is renamed when complete, so a version folder is always whole."""
    partial = version_dir.with_name(f".{version_dir.name}.partial")
    partial.mkdir()
    try:
        tables: dict[str, int] = {}
        with warehouse.transaction():  # one snapshot: every table as of the same moment
            for table in PUBLISHED_TABLES:
                query = _EXPORT_QUERIES.get(table, "publish/export_table")
                tables[table] = warehouse.rows(query, table=table, path=str(partial / f"{table}.parquet"))[0][
                    0
                ]
            warehouse.run(
                "publish/export_published",
                path=str(partial / "published.parquet"),
                version=version_dir.name,
                published_at=now,
                table_names=list(tables),
                row_counts=list(tables.values()),
            )
        for file in partial.iterdir():
            _sync(file)
        partial.rename(version_dir)
        _sync(version_dir.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return tables


def _write_analytics_file(warehouse: Warehouse, analytics: Path, version_dir: Path) -> None:
    """Build the analytics file over `version_dir` under a temporary name, through the warehouse connection,
    and rename it onto `analytics`."""
    temporary = analytics.with_name(f".{analytics.name}.{version_dir.name}")
    warehouse.run("publish/attach_copy", path=str(temporary))
    try:
        statements = warehouse.rows(
            "publish/view_statements", tables=[*PUBLISHED_TABLES, "published"], version_dir=str(version_dir)
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


def _published_at(version: str) -> datetime:
    return datetime.strptime(version.split("-")[0], _VERSION_TIME).replace(tzinfo=UTC)


def _sync(path: Path) -> None:
    """Flush a file or a folder's entries to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
