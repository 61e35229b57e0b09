"""Cutting a batch of report files into chunks that fit in memory, and making each readable fast."""

import gzip
import tempfile
from pathlib import Path

import pytest

from pipelines.infobank.ingest import GZIP_EXPANSION, chunk_batch, readable_chunks


def stored(name: str, size: int, compressed: bool = False) -> dict:
    return {"source_file": name, "size_bytes": size, "compressed": compressed}


def test_files_are_grouped_in_order_up_to_the_limit_and_a_big_file_stands_alone():
    batch = [stored("a", 40), stored("b", 50), stored("c", 200), stored("d", 10)]
    chunks = [[f["source_file"] for f in chunk] for chunk in chunk_batch(batch, limit_bytes=100)]
    assert chunks == [["a", "b"], ["c"], ["d"]]


def test_compressed_files_weigh_what_they_hold_when_unpacked():
    batch = [stored("a.gz", 20, compressed=True), stored("b", 1)]
    assert len(list(chunk_batch(batch, limit_bytes=20 * GZIP_EXPANSION))) == 2


def test_an_empty_batch_has_no_chunks():
    assert list(chunk_batch([], limit_bytes=10)) == []


def packed(folder: Path, name: str, text: str) -> dict:
    path = folder / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    return {"path": str(path), "source_file": name, "compressed": name.endswith(".gz")}


def test_gzip_files_are_read_from_decompressed_copies_that_go_once_their_chunk_is_loaded(
    tmp_path, monkeypatch
):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    chunks = [
        [packed(tmp_path, "a.log.gz", "a\n"), packed(tmp_path, "b.txt", "b\n")],
        [packed(tmp_path, "c.gz", "c\n")],
    ]
    seen, copies = [], []
    with readable_chunks(chunks) as ready:
        for chunk, readable in ready:
            assert [f["source_file"] for f in readable] == [f["source_file"] for f in chunk]
            assert not any(Path(copy).exists() for copy in copies)  # the previous chunk's are gone
            seen.append([Path(f["path"]).read_text() for f in readable])
            copies += [f["path"] for f in readable if f["compressed"]]
            for stored, read in zip(chunk, readable, strict=True):
                assert read["path"].startswith(str(scratch)) if stored["compressed"] else read == stored
    assert seen == [["a\n", "b\n"], ["c\n"]]
    assert list(scratch.iterdir()) == []


def test_decompressed_copies_go_when_loading_a_chunk_fails(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    chunks = [[packed(tmp_path, f"{n}.log.gz", "x\n")] for n in range(3)]
    with pytest.raises(RuntimeError), readable_chunks(chunks) as ready:
        for _ in ready:
            raise RuntimeError("the load failed")
    assert list(scratch.iterdir()) == []
