"""Infobank ingestion: read the new complete lines of every stored report file into the warehouse, in one go.

The store is walked (store.py), each file matched to what was read of it before (files.py), its new lines
copied into scratch files DuckDB reads safely (lines.py) by a thread that runs a chunk ahead, and each chunk
parsed by sql/staging/stg_infobank_lines.sql and written by sql/writes/. The whole load commits in one
transaction: a crash leaves the warehouse as before it, and the next run reads the same lines again.

A file that cannot be read (a broken gzip file, no permission) or is refused (a link leaving the store) is
named in infobank_file_problems and the run's metadata, and the other files are ingested.
"""

import queue
import shutil
import tempfile
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipelines.infobank.files import (
    KnownFile,
    PlannedRead,
    UnreadableFile,
    fingerprint,
    open_content,
    plan_reads,
)
from pipelines.infobank.lines import copy_pieces, read_pieces
from pipelines.infobank.store import scan_store
from pipelines.kst import KST
from pipelines.warehouse import Warehouse

COUNTS = ("lines_read", "reports_accepted", "retries", "quarantined", "blank_lines")
# Text parsed per statement set: large enough to keep both of DuckDB's threads busy, small enough for the
# copying of the next chunk to overlap the parsing of this one from the start (the first chunk is copied
# while nothing else runs) and for a chunk's parsed lines to fit in memory. 64 MiB loaded 2 and 5 million
# lines in 7.3 and 18.3 s, 256 MiB in 10.7 and 23.4 s (docs/infobank-ingestion.md).
CHUNK_BYTES = 64 * 2**20


class InfobankStoreError(Exception):
    """The report store itself cannot be read (INFOBANK_REPORTS_DIR is not a folder)."""


@dataclass
class InfobankStats:
    """What one ingestion read; lines_read = reports_accepted + retries + quarantined + blank_lines."""

    load_id: str = ""
    files_seen: int = 0
    files_read: int = 0
    lines_read: int = 0
    reports_accepted: int = 0
    retries: int = 0
    quarantined: int = 0
    blank_lines: int = 0
    unknown_codes: int = 0
    unknown_networks: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    files_with_problems: dict[str, str] = field(default_factory=dict)
    files_renamed: dict[str, str] = field(default_factory=dict)
    files_replaced: list[str] = field(default_factory=list)
    second_names: dict[str, str] = field(default_factory=dict)
    files_ignored: list[str] = field(default_factory=list)
    per_file: list[dict[str, Any]] = field(default_factory=list)
    duration_seconds: float = 0.0

    @property
    def balanced(self) -> bool:
        return self.lines_read == self.reports_accepted + self.retries + self.quarantined + self.blank_lines

    @property
    def quarantine_rate(self) -> float:
        """Quarantined lines over the non-blank lines this run read."""
        counted = self.lines_read - self.blank_lines
        return self.quarantined / counted if counted else 0.0

    def as_metadata(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("per_file")
        values["files_ignored"] = values["files_ignored"][:50]  # names, not a listing of a whole folder
        values["quarantine_rate"] = round(self.quarantine_rate, 6)
        values["duration_seconds"] = round(self.duration_seconds, 3)
        return values


@dataclass(frozen=True)
class _Copy:
    """One scratch copy of a stored file's new lines, as infobank_batch describes it to SQL."""

    path: str
    file_id: str
    source_file: str
    is_json: bool
    first_line: int
    expected_lines: int
    modified_at: datetime
    name_rank: int


@dataclass
class _FileResult:
    """How far a planned file was read, and its fingerprint up to there."""

    read: PlannedRead
    bytes_consumed: int
    lines: int
    fingerprint: dict[str, Any]


class _ChunkWriter:
    """Copies the planned files' new lines into scratch folders of about `chunk_bytes` each."""

    def __init__(self, reads: list[PlannedRead], chunk_bytes: int, problems: dict[str, str]) -> None:
        self.reads = reads
        self.chunk_bytes = chunk_bytes
        self.problems = problems
        self.results: list[_FileResult] = []

    def chunks(self) -> Iterator[tuple[Path, list[_Copy]]]:
        folder, copies, budget = self._new_folder(), [], self.chunk_bytes
        for rank, read in enumerate(self.reads):
            consumed, lines = read.start_byte, 0
            try:
                with open_content(read.stored) as content:
                    content.seek(read.start_byte)
                    # A gzip file is read whole or not at all: its copy is never cut across chunks.
                    whole = read.stored.compressed
                    pieces = read_pieces(content, self._length(read), whole=whole)
                    done = False
                    while not done:
                        target = folder / f"{len(copies):05d}.txt"
                        with target.open("wb") as out:
                            got, count, done = copy_pieces(
                                pieces, out, budget if not whole else 2**62, at_start=consumed == 0
                            )
                        consumed, lines = consumed + got, lines + count
                        budget -= target.stat().st_size
                        if count:
                            copies.append(self._copy(read, target, lines - count, count, rank))
                        else:
                            target.unlink()
                        if not done:
                            yield folder, copies
                            folder, copies, budget = self._new_folder(), [], self.chunk_bytes
            except (UnreadableFile, OSError, EOFError, zlib.error) as error:
                self._give_up(read, error, copies)
                if read.stored.compressed:
                    continue
            try:
                self.results.append(_FileResult(read, consumed, lines, fingerprint(read.stored, consumed)))
            except UnreadableFile as error:
                self._give_up(read, error, copies)
            if budget <= 0:
                yield folder, copies
                folder, copies, budget = self._new_folder(), [], self.chunk_bytes
        yield folder, copies

    def _length(self, read: PlannedRead) -> int:
        # A plain file is read up to its size when planned: a line written since waits for the next run.
        return 2**62 if read.stored.compressed else max(read.stored.size_bytes - read.start_byte, 0)

    def _copy(self, read: PlannedRead, target: Path, lines_before: int, lines: int, rank: int) -> _Copy:
        stored = read.stored
        return _Copy(
            str(target), read.file_id, stored.source_file, stored.is_json,
            read.first_line + lines_before, lines, stored.modified_at, rank,
        )  # fmt: skip

    def _give_up(self, read: PlannedRead, error: BaseException, copies: list[_Copy]) -> None:
        """A file that failed while being copied: a gzip file's copy is dropped (it is read whole or not at
        all, next run); a plain file keeps the lines copied before the failure."""
        if isinstance(error, EOFError):
            reason = "is a truncated gzip file (it may still be being written)"
        elif isinstance(error, UnreadableFile):
            reason = str(error)
        elif read.stored.compressed:
            reason = f"is not a readable gzip file ({error})"
        else:
            reason = f"could not be read to its end ({error})"
        self.problems[read.stored.source_file] = reason
        if read.stored.compressed:
            for dropped in [c for c in copies if c.file_id == read.file_id]:
                copies.remove(dropped)
                Path(dropped.path).unlink(missing_ok=True)

    @staticmethod
    def _new_folder() -> Path:
        return Path(tempfile.mkdtemp(prefix="infobank-"))


def _ahead(chunks: Iterator[tuple[Path, list[_Copy]]]) -> Iterator[tuple[Path, list[_Copy]]]:
    """The chunks, each written by a background thread while the one before it is loaded."""
    ready: queue.Queue[tuple[Path, list[_Copy]] | BaseException | None] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        ready.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    shutil.rmtree(chunk[0], ignore_errors=True)
                    return
            ready.put(None)
        except BaseException as error:  # handed to the loading thread, which raises it
            ready.put(error)

    worker = threading.Thread(target=produce, name="infobank-copy", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                item = ready.get(timeout=0.1)
                if isinstance(item, tuple):
                    shutil.rmtree(item[0], ignore_errors=True)
            except queue.Empty:
                continue


# What a load records once its chunks are in, in order (sql/writes/<table>.sql): the load itself last, as it
# adds up the file loads.
LOAD_WRITES = ("infobank_file_loads", "infobank_stored_files", "infobank_file_problems", "infobank_loads")


def _load_chunk(warehouse: Warehouse, copies: list[_Copy], load_id: str) -> None:
    warehouse.register("infobank_batch", pa.Table.from_pylist([asdict(c) for c in copies]))
    paths = [c.path for c in copies]
    warehouse.materialize("staging/stg_infobank_lines", paths=paths, json_files=[c.is_json for c in copies])
    warehouse.materialize("intermediate/int_infobank_chunk_files", paths=paths)
    warehouse.define_view("intermediate/int_infobank_chunk_lines")
    warehouse.define_view("intermediate/int_infobank_chunk_reports")
    for table in ("infobank_reports", "infobank_quarantine", "infobank_load_spans"):
        warehouse.run(f"writes/{table}", load_id=load_id)
    warehouse.run("infobank/free_chunk")


def _read_files_table(results: list[_FileResult]) -> pa.Table:
    rows = []
    for result in results:
        stored = result.read.stored
        rows.append(
            {
                "file_id": result.read.file_id,
                "source_file": stored.source_file,
                "size_bytes": stored.size_bytes,
                "modified_at": stored.modified_at,
                "modified_ns": stored.modified_ns,
                "inode": stored.inode,
                "bytes_consumed": result.bytes_consumed,
                "lines_consumed": result.read.first_line - 1 + result.lines,
                **result.fingerprint,
            }
        )
    schema = pa.schema(
        [
            ("file_id", pa.string()), ("source_file", pa.string()), ("size_bytes", pa.int64()),
            ("modified_at", pa.timestamp("us", tz="Asia/Seoul")), ("modified_ns", pa.int64()),
            ("inode", pa.int64()), ("bytes_consumed", pa.int64()), ("lines_consumed", pa.int64()),
            ("head_bytes", pa.int32()), ("head_sha256", pa.string()), ("tail_sha256", pa.string()),
        ]
    )  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)


def _problems_table(problems: dict[str, str]) -> pa.Table:
    return pa.table(
        {"source_file": pa.array(list(problems), pa.string()), "problem": pa.array(list(problems.values()))}
    )


def ingest_infobank(
    warehouse: Warehouse,
    folder: Path,
    chunk_bytes: int = CHUNK_BYTES,
    progress: Callable[[str], None] = lambda _: None,
) -> InfobankStats:
    """Read every new complete line under `folder` into infobank_reports or infobank_quarantine, all in one
    transaction; returns what was read, per file and in total. `progress` hears of each chunk loaded."""
    started = time.perf_counter()
    started_at = datetime.now(KST)
    if not folder.is_dir():
        raise InfobankStoreError(f"INFOBANK_REPORTS_DIR {folder} is not a folder")
    scan = scan_store(folder)
    stats = InfobankStats(load_id=uuid.uuid4().hex, files_seen=len(scan.files))
    stats.second_names, stats.files_ignored = scan.second_names, scan.ignored
    problems = dict(scan.refused)
    known = [KnownFile.from_row(row) for row in warehouse.records("infobank/files_read")]
    reads = plan_reads(scan.files, known, problems)
    stats.files_renamed = {r.stored.source_file: r.renamed_from for r in reads if r.renamed_from}
    stats.files_replaced = [r.stored.source_file for r in reads if r.replaced]
    writer = _ChunkWriter(reads, chunk_bytes, problems)
    try:
        with warehouse.transaction():
            warehouse.run("infobank/begin_load")
            for scratch, copies in _ahead(writer.chunks()):
                try:
                    if copies:
                        _load_chunk(warehouse, copies, stats.load_id)
                        lines = sum(copy.expected_lines for copy in copies)
                        progress(
                            f"infobank: chunk of {lines:,} lines from {len(copies)} files loaded "
                            f"({time.perf_counter() - started:.1f} s)"
                        )
                finally:
                    shutil.rmtree(scratch, ignore_errors=True)
            warehouse.register("infobank_read_files", _read_files_table(writer.results))
            warehouse.register("infobank_problems", _problems_table(problems))
            finish = {"load_id": stats.load_id, "started_at": started_at, "files_seen": len(scan.files)}
            for table in LOAD_WRITES:
                warehouse.run(f"writes/{table}", **finish)
            warehouse.run("infobank/end_load")
            loads = warehouse.records("infobank/file_loads", load_id=stats.load_id)
            flags = warehouse.records("infobank/load_findings", load_id=stats.load_id)
    finally:
        # After the rollback, if any: inside a failed transaction DuckDB refuses every statement.
        for view in ("infobank_batch", "infobank_read_files", "infobank_problems"):
            warehouse.unregister(view)
    stats.files_with_problems = problems
    stats.per_file = [load for load in loads if load["lines_read"]]
    stats.files_read = len(stats.per_file)
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
