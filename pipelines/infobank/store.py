"""The report store: which stored Infobank report files exist, and which lines of them are new."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipelines.kst import KST

REPORT_SUFFIXES = (".log", ".txt", ".jsonl")
JSON_SUFFIX = ".jsonl"
GZIP_SUFFIX = ".gz"


@dataclass(frozen=True)
class StoredFile:
    """One report file as it is now on disk."""

    path: Path
    source_file: str
    size_bytes: int
    modified_at: datetime

    @property
    def compressed(self) -> bool:
        return self.path.suffix == GZIP_SUFFIX

    @property
    def is_json(self) -> bool:
        name = self.path.name.removesuffix(GZIP_SUFFIX)
        return name.endswith(JSON_SUFFIX)

    def ends_with_newline(self) -> bool:
        """Whether the last line is complete. A gzip file is written whole, so it always is."""
        if self.compressed or self.size_bytes == 0:
            return True
        with self.path.open("rb") as handle:
            handle.seek(-1, 2)
            return handle.read(1) == b"\n"


def _is_report_file(path: Path) -> bool:
    name = path.name.removesuffix(GZIP_SUFFIX)
    return path.is_file() and not path.name.startswith(".") and name.endswith(REPORT_SUFFIXES)


def scan_report_files(folder: Path) -> Iterator[StoredFile]:
    """Every report file under `folder` (subfolders included), in name order."""
    for path in sorted(p for p in folder.rglob("*") if _is_report_file(p)):
        stat = path.stat()
        yield StoredFile(
            path=path.resolve(),
            source_file=path.relative_to(folder).as_posix(),
            size_bytes=stat.st_size,
            modified_at=datetime.fromtimestamp(stat.st_mtime, KST),
        )
