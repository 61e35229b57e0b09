"""The report store: which stored Infobank report files exist, under which names, and which are refused.

A stored file is found by walking INFOBANK_REPORTS_DIR without following links out of it. What the walk
cannot take is reported, never skipped silently:
- a link whose target lies outside the store is refused (its lines are never read);
- a second name for a file already found (a hard link, or a link inside the store) is read once, under the
  first name in name order;
- a file whose name is not a report file's is listed as ignored;
- hidden files and folders (a leading dot) are skipped: writers use them for files still being written.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipelines.kst import KST

# report.log, report.txt, report.jsonl, optionally rotated (report.log.1, report.log-20261201) and gzipped;
# the suffix in any case (REPORT.LOG).
_REPORT_NAME = re.compile(r".+\.(log|txt|jsonl)([.-]\d+)?(\.gz)?", re.IGNORECASE)
_JSON_NAME = re.compile(r".+\.jsonl([.-]\d+)?(\.gz)?", re.IGNORECASE)
_GZIP_NAME = re.compile(r".+\.gz", re.IGNORECASE)


@dataclass(frozen=True)
class StoredFile:
    """One report file as it is now on disk, under the name it is read by."""

    path: Path
    source_file: str
    size_bytes: int
    modified_at: datetime
    modified_ns: int
    device: int
    inode: int

    @property
    def compressed(self) -> bool:
        return _GZIP_NAME.fullmatch(self.path.name) is not None

    @property
    def is_json(self) -> bool:
        return _JSON_NAME.fullmatch(self.path.name) is not None


@dataclass
class StoreScan:
    """What a walk of the store found: the files to read, and what it passed over, with the reason."""

    files: list[StoredFile] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    second_names: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def is_report_name(name: str) -> bool:
    """Whether a file name is one the ingestion reads."""
    return _REPORT_NAME.fullmatch(name) is not None


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every non-hidden entry that is not a folder, with its name relative to the store, in name order."""
    for current, folders, names in os.walk(folder, followlinks=False):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        here = Path(current)
        for name in sorted(names):
            if not name.startswith("."):
                path = here / name
                yield path, path.relative_to(folder).as_posix()
        for name in folders:
            path = here / name
            if path.is_symlink():  # os.walk lists a linked folder but does not enter it
                yield path, path.relative_to(folder).as_posix()


def scan_store(folder: Path) -> StoreScan:
    """Every report file under `folder`, each physical file once (under its real name rather than a
    link's), in name order."""
    scan = StoreScan()
    root = os.path.realpath(folder)
    found: dict[tuple[int, int], list[tuple[bool, str, Path, os.stat_result]]] = {}
    for path, name in _walk(folder):
        is_link = path.is_symlink()
        if is_link:
            target = os.path.realpath(path)
            if not _inside(target, root):
                scan.refused[name] = "a link to a file outside the report store"
                continue
            if os.path.isdir(target):
                continue  # the folder's files are found under their own names
        if not is_report_name(path.name):
            scan.ignored.append(name)
            continue
        try:
            stat = path.stat()
        except OSError as error:
            scan.refused[name] = f"cannot be read ({error.strerror or type(error).__name__})"
            continue
        if not path.is_file():
            scan.refused[name] = "not a regular file"
            continue
        found.setdefault((stat.st_dev, stat.st_ino), []).append((is_link, name, path, stat))
    for names in found.values():
        _, name, path, stat = min(names, key=lambda entry: entry[:2])  # a real name first, then by name
        scan.second_names.update({other: name for _, other, _, _ in names if other != name})
        scan.files.append(
            StoredFile(
                path=path,
                source_file=name,
                size_bytes=stat.st_size,
                modified_at=datetime.fromtimestamp(stat.st_mtime, KST),
                modified_ns=stat.st_mtime_ns,
                device=stat.st_dev,
                inode=stat.st_ino,
            )
        )
    scan.files.sort(key=lambda stored: stored.source_file)
    return scan


def scan_report_files(folder: Path) -> Iterator[StoredFile]:
    """Every report file under `folder`, each physical file once, in name order."""
    yield from scan_store(folder).files
