"""Which stored files the Infobank ingestion reads and from where: grown, unchanged, copied, renamed,
recorded before byte offsets were kept, or unreadable."""

import hashlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from pipelines.infobank.files import KnownFile, PlannedRead, plan_reads
from pipelines.infobank.store import StoredFile
from pipelines.kst import KST


def stored(path: Path) -> StoredFile:
    stat = path.stat()
    return StoredFile(
        path=path,
        source_file=path.name,
        size_bytes=stat.st_size,
        modified_at=datetime.fromtimestamp(stat.st_mtime, KST),
        modified_ns=stat.st_mtime_ns,
        device=stat.st_dev,
        inode=stat.st_ino,
    )


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def known(name: str, read: bytes, file_id: str, lines: int) -> KnownFile:
    """A plain file of which `read` (under 4 KiB) was read, its size, time and inode since changed."""
    return KnownFile(
        file_id=file_id,
        source_file=name,
        size_bytes=len(read),
        modified_ns=1,
        inode=1,
        bytes_consumed=len(read),
        lines_consumed=lines,
        head_sha256=sha(read),
        head_bytes=len(read),
        tail_sha256=sha(read),
    )


def write(path: Path, data: bytes) -> StoredFile:
    path.write_bytes(data)
    return stored(path)


def plan(files, known_files) -> tuple[list[PlannedRead], dict[str, str]]:
    problems: dict[str, str] = {}
    return plan_reads(files, known_files, problems), problems


def without_ids(planned: list[PlannedRead]) -> list[PlannedRead]:
    """New files get a random id: compare the rest."""
    return [replace(read, file_id="new") for read in planned]


def test_a_grown_file_is_read_on_under_its_own_name(tmp_path):
    a = write(tmp_path / "a.log", b"l1\nl2\n")
    assert plan([a], [known("a.log", b"l1\n", "A", 1)]) == ([PlannedRead(a, "A", 3, 2)], {})


def test_an_unchanged_file_is_not_planned(tmp_path):
    a = write(tmp_path / "a.log", b"l1\n")
    same = replace(known("a.log", b"l1\n", "A", 1), modified_ns=a.modified_ns, inode=a.inode)
    assert plan([a], [same]) == ([], {})


def test_a_copy_of_a_file_read_on_under_its_name_is_a_new_file(tmp_path):
    a = write(tmp_path / "a.log", b"l1\nl2\n")
    b = write(tmp_path / "b.log", b"l1\nl2\n")
    planned, problems = plan([a, b], [known("a.log", b"l1\n", "A", 1)])
    assert (planned[0], without_ids(planned[1:]), problems) == (
        PlannedRead(a, "A", 3, 2),
        [PlannedRead(b, "new", 0, 1)],
        {},
    )


def test_a_renamed_file_continues_the_identity_that_read_furthest(tmp_path):
    c = write(tmp_path / "c.log", b"abc\ndef\nghi\n")
    known_files = [known("a.log", b"abc\n", "A", 1), known("b.log", b"abc\ndef\n", "B", 2)]
    assert plan([c], known_files) == ([PlannedRead(c, "B", 8, 3, renamed_from="b.log")], {})


def test_an_identity_with_a_head_longer_than_the_file_does_not_hide_a_shorter_one(tmp_path):
    c = write(tmp_path / "c.log", b"abc\nde\n")
    known_files = [known("a.log", b"abc\n", "A", 1), known("b.log", b"x" * 99 + b"\n", "B", 1)]
    assert plan([c], known_files) == ([PlannedRead(c, "A", 4, 2, renamed_from="a.log")], {})


def test_a_file_recorded_with_lines_only_is_read_on_after_those_lines(tmp_path):
    a = write(tmp_path / "a.log", b"l1\nl2\nl3\n")
    legacy = replace(known("a.log", b"", "A", 2), bytes_consumed=None, head_sha256="", tail_sha256=None)
    assert plan([a], [legacy]) == ([PlannedRead(a, "A", 6, 3)], {})


def test_a_file_recorded_with_lines_only_that_cannot_be_opened_is_named_with_why(tmp_path):
    empty = write(tmp_path / "a.log.gz", b"")
    legacy = replace(known("a.log.gz", b"", "A", 2), bytes_consumed=None, head_sha256="", tail_sha256=None)
    planned, problems = plan([empty], [legacy])
    assert problems == {"a.log.gz": "is an empty gzip file (it may not be written yet)"}
    assert without_ids(planned) == [PlannedRead(empty, "new", 0, 1, replaced=True)]


def test_a_known_file_that_cannot_be_read_is_named_with_why_and_the_next_files_are_planned(tmp_path):
    broken = write(tmp_path / "a.log.gz", b"")
    b = write(tmp_path / "b.log", b"zz\n")
    planned, problems = plan([broken, b], [known("a.log.gz", b"l1\n", "A", 1)])
    assert problems == {"a.log.gz": "is an empty gzip file (it may not be written yet)"}
    assert without_ids(planned) == [PlannedRead(b, "new", 0, 1)]


def test_a_new_file_that_cannot_be_read_is_named_with_why_and_the_next_files_are_planned(tmp_path):
    broken = write(tmp_path / "c.log.gz", b"")
    d = write(tmp_path / "d.log", b"zz\n")
    planned, problems = plan([broken, d], [known("a.log", b"l1\n", "A", 1)])
    assert problems == {"c.log.gz": "is an empty gzip file (it may not be written yet)"}
    assert without_ids(planned) == [PlannedRead(d, "new", 0, 1)]
