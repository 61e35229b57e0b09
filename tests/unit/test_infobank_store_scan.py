"""What a walk of the Infobank report store finds, refuses and ignores, entry by entry, with the reasons."""

import os
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.infobank.store import StoredFile, scan_report_files, scan_store
from pipelines.kst import KST


def stored(path: Path, name: str) -> StoredFile:
    stat = path.stat()
    return StoredFile(
        path=path,
        source_file=name,
        size_bytes=stat.st_size,
        modified_at=datetime.fromtimestamp(stat.st_mtime, KST),
        modified_ns=stat.st_mtime_ns,
        device=stat.st_dev,
        inode=stat.st_ino,
    )


def test_a_file_is_listed_with_its_size_its_modification_time_in_kst_and_its_identity(tmp_path):
    (tmp_path / "a.log").write_bytes(b"12345\n")
    os.utime(tmp_path / "a.log", ns=(1_800_000_000_123_456_789, 1_800_000_000_123_456_789))
    [found] = scan_store(tmp_path).files
    assert found == stored(tmp_path / "a.log", "a.log")
    assert (found.size_bytes, found.modified_ns) == (6, 1_800_000_000_123_456_789)
    assert found.modified_at.isoformat() == "2027-01-15T17:00:00.123457+09:00"
    assert found.device == os.stat(tmp_path / "a.log").st_dev


def test_report_files_are_the_files_of_the_scan(tmp_path):
    (tmp_path / "b.log").write_bytes(b"b\n")
    (tmp_path / "a.txt").write_bytes(b"a\n")
    (tmp_path / "c.csv").write_bytes(b"c\n")
    assert list(scan_report_files(tmp_path)) == [
        stored(tmp_path / "a.txt", "a.txt"),
        stored(tmp_path / "b.log", "b.log"),
    ]


def test_an_ignored_name_does_not_stop_the_walk(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"a\n")
    (tmp_path / "b.log").write_bytes(b"b\n")
    scan = scan_store(tmp_path)
    assert (scan.ignored, [f.source_file for f in scan.files], scan.refused) == (["a.csv"], ["b.log"], {})


def test_a_link_to_a_folder_of_the_store_does_not_stop_the_walk(tmp_path):
    (tmp_path / "a.log").write_bytes(b"a\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.log").write_bytes(b"b\n")
    (tmp_path / "link").symlink_to(tmp_path / "sub")
    scan = scan_store(tmp_path)
    assert [f.source_file for f in scan.files] == ["a.log", "sub/b.log"]
    assert (scan.refused, scan.ignored, scan.second_names) == ({}, [], {})


def test_a_dangling_link_cannot_be_read_and_the_walk_goes_on(tmp_path):
    (tmp_path / "a.log").symlink_to(tmp_path / "missing.log")
    (tmp_path / "b.log").write_bytes(b"b\n")
    scan = scan_store(tmp_path)
    assert scan.refused == {"a.log": "cannot be read (No such file or directory)"}
    assert [f.source_file for f in scan.files] == ["b.log"]


def test_a_file_that_cannot_be_read_without_a_reason_is_named_by_its_error_type(tmp_path, monkeypatch):
    (tmp_path / "a.log").write_bytes(b"a\n")
    (tmp_path / "b.log").write_bytes(b"b\n")
    real_stat = Path.stat

    def stat(path, *, follow_symlinks=True):
        if path.name == "a.log" and follow_symlinks:
            raise PermissionError()
        return real_stat(path, follow_symlinks=follow_symlinks)

    monkeypatch.setattr(Path, "stat", stat)
    scan = scan_store(tmp_path)
    assert scan.refused == {"a.log": "cannot be read (PermissionError)"}
    assert [f.source_file for f in scan.files] == ["b.log"]


def test_a_report_name_that_is_not_a_regular_file_is_refused_and_the_walk_goes_on(tmp_path):
    os.mkfifo(tmp_path / "a.log")
    (tmp_path / "b.log").write_bytes(b"b\n")
    scan = scan_store(tmp_path)
    assert scan.refused == {"a.log": "not a regular file"}
    assert [f.source_file for f in scan.files] == ["b.log"]


def test_a_link_out_of_a_store_whose_name_ends_in_a_space_is_refused(tmp_path):
    store = tmp_path / "store "
    store.mkdir()
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "b.log").write_bytes(b"b\n")
    (store / "b.log").symlink_to(tmp_path / "store" / "b.log")
    scan = scan_store(store)
    assert (scan.files, scan.refused) == ([], {"b.log": "a link to a file outside the report store"})


@pytest.mark.parametrize("first", ["a.log", "z.log"])
def test_a_file_under_two_names_is_read_under_its_real_name(tmp_path, first):
    real = tmp_path / "m.log"
    real.write_bytes(b"m\n")
    (tmp_path / first).symlink_to(real)
    scan = scan_store(tmp_path)
    assert (scan.files, scan.second_names) == ([stored(real, "m.log")], {first: "m.log"})
