"""Infobank ingestion: read the new lines of every stored report file into the warehouse, in one go."""

import gzip
import os
import shutil
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.infobank.store import StoredFile, scan_report_files
from pipelines.warehouse import Warehouse

COUNTS = ("lines_read", "reports_accepted", "retries", "quarantined", "blank_lines")
# Text parsed per statement set: large enough to keep both of DuckDB's threads busy (64 MiB chunks took half
# as long again on the 5-million-line bench), small enough for a chunk's parsed lines to fit in memory.
CHUNK_BYTES = 256 * 2**20
GZIP_EXPANSION = 6  # report text compresses about this much


@dataclass
class InfobankStats:
    """What one ingestion read; lines_read = reports_accepted + retries + quarantined + blank_lines."""

    files_seen: int = 0
    files_read: int = 0
    files_shrunk: list[str] = field(default_factory=list)
    lines_read: int = 0
    reports_accepted: int = 0
    retries: int = 0
    quarantined: int = 0
    blank_lines: int = 0
    unknown_codes: int = 0
    unknown_networks: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    per_file: list[dict[str, Any]] = field(default_factory=list)
    duration_seconds: float = 0.0

    @property
    def balanced(self) -> bool:
        return self.lines_read == self.reports_accepted + self.retries + self.quarantined + self.blank_lines

    @property
    def quarantine_rate(self) -> float:
        return self.quarantined / self.lines_read if self.lines_read else 0.0

    def as_metadata(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("per_file")
        values["quarantine_rate"] = round(self.quarantine_rate, 6)
        values["duration_seconds"] = round(self.duration_seconds, 3)
        return values


def plan_batch(warehouse: Warehouse, files: list[StoredFile], stats: InfobankStats) -> list[dict[str, Any]]:
    """The files with lines not read yet, each with how many of its lines were read before."""
    consumed = {name: (size, lines) for name, size, lines in warehouse.rows("infobank/files_read")}
    batch = []
    for stored in files:
        size_before, lines_before = consumed.get(stored.source_file, (0, 0))
        if stored.size_bytes < size_before:
            stats.files_shrunk.append(stored.source_file)
            continue
        if stored.source_file in consumed and stored.size_bytes == size_before:
            continue
        batch.append(
            {
                "path": str(stored.path),
                "source_file": stored.source_file,
                "is_json": stored.is_json,
                "compressed": stored.compressed,
                "skip_lines": lines_before,
                "ends_with_newline": stored.ends_with_newline(),
                "size_bytes": stored.size_bytes,
                "modified_at": stored.modified_at,
            }
        )
    return batch


def chunk_batch(
    batch: list[dict[str, Any]], limit_bytes: int = CHUNK_BYTES
) -> Iterator[list[dict[str, Any]]]:
    """The batch in consecutive groups of files of about `limit_bytes` of text each, so that a large backlog
    is parsed in pieces that fit in memory instead of spilling to disk."""
    chunk: list[dict[str, Any]] = []
    weight = 0
    for stored in batch:
        size = stored["size_bytes"] * (GZIP_EXPANSION if stored["compressed"] else 1)
        if chunk and weight + size > limit_bytes:
            yield chunk
            chunk, weight = [], 0
        chunk.append(stored)
        weight += size
    if chunk:
        yield chunk


def _decompress(source: str, target: Path) -> str:
    """The path of `source` decompressed to `target`; `source` itself when it is not a sound gzip file (an
    empty, truncated or corrupt one), so that DuckDB reads it as it always did and fails the same way."""
    try:
        with gzip.open(source, "rb") as packed, target.open("wb") as plain:
            if not packed.peek(1):
                raise EOFError("nothing compressed")  # DuckDB refuses an empty file
            shutil.copyfileobj(packed, plain, 2**20)
    except (OSError, EOFError, zlib.error):
        target.unlink(missing_ok=True)
        return source
    return str(target)


@dataclass
class _Unpacking:
    """One chunk on its way to DuckDB: its gzip files being decompressed into a scratch folder."""

    chunk: list[dict[str, Any]]
    scratch: tempfile.TemporaryDirectory[str]
    jobs: dict[int, Future[str]]

    def readable(self) -> list[dict[str, Any]]:
        """The chunk with each gzip file's `path` pointing to its decompressed copy, once that is written."""
        return [
            {**f, "path": self.jobs[n].result()} if n in self.jobs else f for n, f in enumerate(self.chunk)
        ]


@contextmanager
def readable_chunks(
    chunks: Iterable[list[dict[str, Any]]],
) -> Iterator[Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]]:
    """The chunks, each with a version DuckDB reads fast: gzip files decompressed into a scratch folder that
    is removed once the chunk is loaded (or on leaving, whatever happened).

    DuckDB reads a gzip file on one thread, and while it keeps line order, one file after another; plain
    files it splits over all its threads. zlib releases the GIL, so threads here decompress several files at
    once, the next chunk's while DuckDB loads the current one."""
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    started: list[_Unpacking] = []

    def start(chunk: list[dict[str, Any]]) -> None:
        scratch = tempfile.TemporaryDirectory(prefix="infobank-")
        jobs = {
            n: pool.submit(_decompress, f["path"], Path(scratch.name) / f"{n}-{Path(f['path']).stem}")
            for n, f in enumerate(chunk)
            if f["compressed"]
        }
        started.append(_Unpacking(chunk, scratch, jobs))

    def pairs() -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        for chunk in chunks:
            start(chunk)  # decompressing in the background from now on
            if len(started) == 2:
                yield started[0].chunk, started[0].readable()
                started.pop(0).scratch.cleanup()
        while started:
            yield started[0].chunk, started[0].readable()
            started.pop(0).scratch.cleanup()

    try:
        yield pairs()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for unpacking in started:
            unpacking.scratch.cleanup()


def _load_chunk(
    warehouse: Warehouse, chunk: list[dict[str, Any]], readable: list[dict[str, Any]], load_id: str
) -> None:
    warehouse.register("infobank_batch", pa.Table.from_pylist(readable))  # replaces the previous chunk's
    try:
        warehouse.run(
            "infobank/load_files",
            paths=[f["path"] for f in readable],
            json_files=[f["is_json"] for f in readable],
            load_id=load_id,
        )
    except duckdb.Error as error:
        # Name the stored file, not its decompressed copy (an encoding error names the file it read).
        message = str(error)
        for stored, read in zip(chunk, readable, strict=True):
            message = message.replace(read["path"], stored["path"])
        if message == str(error):
            raise
        raise type(error)(message) from error


def ingest_infobank(warehouse: Warehouse, folder: Path, chunk_bytes: int = CHUNK_BYTES) -> InfobankStats:
    """Read every new line under `folder`: new files whole, grown files from where they stopped. All of it
    commits in one transaction, parsed in chunks of about `chunk_bytes` of text."""
    started = time.perf_counter()
    if not folder.is_dir():
        raise FileNotFoundError(f"INFOBANK_REPORTS_DIR {folder} is not a folder")
    stats = InfobankStats()
    files = list(scan_report_files(folder))
    stats.files_seen = len(files)
    batch = plan_batch(warehouse, files, stats)
    if batch:
        load_id = uuid.uuid4().hex
        try:
            with warehouse.transaction():
                with readable_chunks(chunk_batch(batch, chunk_bytes)) as chunks:
                    for chunk, readable in chunks:
                        _load_chunk(warehouse, chunk, readable, load_id)
                loads = warehouse.records("infobank/file_loads", load_id=load_id)
                flags = warehouse.records("infobank/load_findings", load_id=load_id)
        finally:
            # After the rollback, if any: inside a failed transaction DuckDB refuses every statement.
            warehouse.unregister("infobank_batch")
        stats.files_read = len(loads)
        stats.per_file = loads
        for load in loads:
            for name in COUNTS:
                setattr(stats, name, getattr(stats, name) + load[name])
        for finding in flags:
            if finding["kind"] == "quarantine":
                stats.quarantine_reasons[finding["name"]] = finding["lines"]
            else:
                setattr(stats, finding["kind"], getattr(stats, finding["kind"]) + finding["lines"])
    stats.duration_seconds = time.perf_counter() - started
    return stats
