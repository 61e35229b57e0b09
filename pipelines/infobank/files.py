"""Which stored report files hold lines not read yet, identified by what they hold rather than by name.

A file is known by a fingerprint of its content: the SHA-256 of its first bytes (up to HEAD_BYTES) and of
the last bytes read before (up to HEAD_BYTES, plain files only). So:
- a file that grew is read on from the byte after the last complete line read before;
- a file replaced under the same name (rotated, truncated, rewritten) no longer matches and is read whole;
- a file renamed (rotated aside, or compressed to .gz) matches its old fingerprint and is read on from
  where it stopped, not again;
- a file unchanged since the last read (same size, modification time and inode) is not opened at all.
Content means the bytes as stored for a plain file and the decompressed bytes for a gzip file; a gzip file
is read whole or not at all, so only its head identifies it.
"""

import gzip
import hashlib
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

from pipelines.infobank.store import StoredFile

HEAD_BYTES = 4096


class UnreadableFile(Exception):
    """A stored file that cannot be opened or decompressed; the message says why, in words."""


@dataclass(frozen=True)
class KnownFile:
    """A file identity as the warehouse last recorded it (a row of infobank_files)."""

    file_id: str
    source_file: str
    size_bytes: int
    modified_ns: int
    inode: int
    bytes_consumed: int
    lines_consumed: int
    head_sha256: str
    head_bytes: int
    tail_sha256: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "KnownFile":
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class PlannedRead:
    """One file to read this run: from which content byte and which line number, under which identity."""

    stored: StoredFile
    file_id: str
    start_byte: int
    first_line: int
    renamed_from: str | None = None
    replaced: bool = False


def open_content(stored: StoredFile) -> BinaryIO:
    """The file's content as a binary stream: decompressed for a gzip file."""
    if stored.compressed and stored.size_bytes == 0:
        raise UnreadableFile("is an empty gzip file (it may not be written yet)")
    try:
        return gzip.open(stored.path, "rb") if stored.compressed else stored.path.open("rb")
    except OSError as error:
        raise UnreadableFile(f"cannot be opened ({error.strerror or error})") from None


def read_span(stored: StoredFile, start: int, length: int) -> bytes:
    """`length` content bytes from `start` (fewer at the end of the content)."""
    try:
        with open_content(stored) as content:
            content.seek(start)
            return content.read(length)
    except (OSError, EOFError, zlib.error) as error:
        raise UnreadableFile(
            _gzip_problem(error) if stored.compressed else f"cannot be read ({error})"
        ) from None


def _gzip_problem(error: BaseException) -> str:
    if isinstance(error, EOFError):
        return "is a truncated gzip file (it may still be being written)"
    return f"is not a readable gzip file ({error})"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _same_content(stored: StoredFile, known: KnownFile) -> bool:
    """Whether `stored` holds what `known` was read from: same head and, for a plain file, same bytes
    before where reading stopped."""
    if known.bytes_consumed is None:
        return False
    if known.bytes_consumed == 0:
        return True  # nothing was read from it: nothing to contradict
    if not stored.compressed and stored.size_bytes < known.bytes_consumed:
        return False
    if sha256(read_span(stored, 0, known.head_bytes)) != known.head_sha256:
        return False
    if stored.compressed or known.tail_sha256 is None:
        return True
    tail_start = known.bytes_consumed - min(HEAD_BYTES, known.bytes_consumed)
    tail = read_span(stored, tail_start, known.bytes_consumed - tail_start)
    return sha256(tail) == known.tail_sha256


def _legacy(stored: StoredFile, known: KnownFile) -> KnownFile:
    """A file recorded before files were fingerprinted (only its name and line count are known): the name
    is trusted, as it was then, when the file still has that many lines, and its fingerprint is taken."""
    offset, lines = 0, 0
    with open_content(stored) as content:
        while lines < known.lines_consumed and (block := content.read(2**20)):
            needed = known.lines_consumed - lines
            if block.count(b"\n") < needed:
                offset, lines = offset + len(block), lines + block.count(b"\n")
                continue
            end = -1
            for _ in range(needed):
                end = block.index(b"\n", end + 1)
            offset, lines = offset + end + 1, known.lines_consumed
    if lines < known.lines_consumed:
        return replace(known, bytes_consumed=None)  # fewer lines than were read: not the same file
    return replace(known, bytes_consumed=offset, **fingerprint(stored, offset))


def _unchanged(stored: StoredFile, known: KnownFile) -> bool:
    return (stored.size_bytes, stored.modified_ns, stored.inode) == (
        known.size_bytes,
        known.modified_ns,
        known.inode,
    )


def _continue(stored: StoredFile, known: KnownFile, renamed_from: str | None = None) -> PlannedRead:
    return PlannedRead(
        stored,
        known.file_id,
        known.bytes_consumed,
        known.lines_consumed + 1,
        renamed_from=renamed_from,
    )


def _new(stored: StoredFile, replaced: bool) -> PlannedRead:
    return PlannedRead(stored, uuid.uuid4().hex, 0, 1, replaced=replaced)


class _Renames:
    """Identities whose name no longer holds them, found again by their head fingerprint."""

    def __init__(self, known_files: Iterable[KnownFile]) -> None:
        self._by_head: dict[tuple[int, str], list[KnownFile]] = {}
        for known in known_files:
            self._by_head.setdefault((known.head_bytes, known.head_sha256), []).append(known)

    def find(self, stored: StoredFile) -> KnownFile | None:
        """The identity `stored` continues, taken so no other file continues it too; None for a new file."""
        if not self._by_head:
            return None
        head = read_span(stored, 0, HEAD_BYTES)
        for length in sorted({length for length, _ in self._by_head}, reverse=True):
            if length > len(head):
                continue
            for known in self._by_head.get((length, sha256(head[:length])), []):
                if _same_content(stored, known):
                    self._by_head[(length, known.head_sha256)].remove(known)
                    return known
        return None


def plan_reads(
    files: Iterable[StoredFile], known_files: Iterable[KnownFile], problems: dict[str, str]
) -> list[PlannedRead]:
    """The files that may hold new lines, each with where to start. A file that cannot be opened is left
    out and named in `problems` with the reason; the others are planned."""
    files = list(files)
    present = {stored.source_file: stored for stored in files}
    by_name: dict[str, KnownFile] = {}
    for known in known_files:  # in order of reading: a name's latest identity wins
        by_name[known.source_file] = known
    for name, known in list(by_name.items()):
        if known.bytes_consumed is None and name in present:
            try:
                by_name[name] = _legacy(present[name], known)
            except UnreadableFile as error:
                problems[name] = str(error)
    claimed: set[str] = set()
    planned: list[PlannedRead] = []
    unmatched: list[StoredFile] = []
    for stored in files:
        known = by_name.get(stored.source_file)
        try:
            if known and (_unchanged(stored, known) or _same_content(stored, known)):
                claimed.add(known.file_id)
                if not _unchanged(stored, known):
                    planned.append(_continue(stored, known))
                continue
        except UnreadableFile as error:
            problems[stored.source_file] = str(error)
            continue
        unmatched.append(stored)
    renamed = _Renames(k for k in by_name.values() if k.file_id not in claimed and k.bytes_consumed)
    for stored in unmatched:
        try:
            match = renamed.find(stored)
        except UnreadableFile as error:
            problems[stored.source_file] = str(error)
            continue
        if match is not None:
            planned.append(_continue(stored, match, renamed_from=match.source_file))
        else:
            planned.append(_new(stored, replaced=stored.source_file in by_name))
    planned.sort(key=lambda read: read.stored.source_file)
    return planned


def fingerprint(stored: StoredFile, bytes_consumed: int) -> dict[str, Any]:
    """The head and tail fingerprints of a file read up to `bytes_consumed`, as infobank_files keeps them."""
    head_bytes = min(HEAD_BYTES, bytes_consumed)
    tail_start = bytes_consumed - head_bytes
    return {
        "head_bytes": head_bytes,
        "head_sha256": sha256(read_span(stored, 0, head_bytes)) if head_bytes else sha256(b""),
        "tail_sha256": None
        if stored.compressed
        else sha256(read_span(stored, tail_start, head_bytes) if head_bytes else b""),
    }
