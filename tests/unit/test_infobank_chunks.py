"""Cutting a batch of report files into chunks that fit in memory."""

from pipelines.infobank.ingest import GZIP_EXPANSION, chunk_batch


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
