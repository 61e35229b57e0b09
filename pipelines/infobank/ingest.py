"""Infobank ingestion: read the new lines of every stored report file into the warehouse, in one go."""

import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipelines.infobank.store import StoredFile, scan_report_files
from pipelines.warehouse import Warehouse

COUNTS = ("lines_read", "reports_accepted", "retries", "quarantined", "blank_lines")
# Text parsed per statement set: large enough to keep DuckDB's threads busy, small enough to stay in memory.
CHUNK_BYTES = 64 * 2**20
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


def _load_chunk(warehouse: Warehouse, chunk: list[dict[str, Any]], load_id: str) -> None:
    warehouse.register("infobank_batch", pa.Table.from_pylist(chunk))  # replaces the previous chunk's
    warehouse.run(
        "infobank/load_files",
        paths=[f["path"] for f in chunk],
        json_paths=[f["path"] for f in chunk if f["is_json"]],
        load_id=load_id,
    )


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
                for chunk in chunk_batch(batch, chunk_bytes):
                    _load_chunk(warehouse, chunk, load_id)
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
