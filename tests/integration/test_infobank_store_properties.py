"""Property-based: stores mixing valid reports of every format with arbitrary byte lines, half-written lines,
rotations, renames, hard links, gzip files and links out of the store. Whatever the example, every complete
line is read exactly once and ends in exactly one place, every valid report is accepted once and never as a
retry, and a run after the last one reads nothing."""

import gzip
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.resources import WarehouseResource
from pipelines.infobank.ingest import ingest_infobank
from pipelines.infobank.lines import copy_pieces, read_pieces

WRITERS = ("w0.log", "w1.txt", "w2.JSONL")
garbage = st.binary(max_size=80).filter(lambda b: b"\n" not in b and b"msgid" not in b)


def valid_line(name: str, msgid: int) -> bytes:
    query = f"msgid={msgid}&to=1093446280&to_country=82&network=45008&rescnt=1&err_code=1000"
    kind = name.lower().removesuffix(".gz")
    if kind.endswith(".log"):
        return f"2026-11-01T14:06:{msgid % 60:02d}+09:00\t/infobank/report?{query}".encode()
    if kind.endswith(".jsonl"):
        return json.dumps({"msgid": str(msgid), "err_code": "1000", "rescnt": "1"}).encode()
    return f"?{query}".encode()


@dataclass
class Store:
    """The store being written, and what it must read as: the model the ingestion is held to."""

    folder: Path
    next_msgid: int = 1
    valid: set[str] = field(default_factory=set)
    garbage_lines: int = 0
    complete_lines: int = 0
    pending: dict[str, bytes] = field(default_factory=dict)  # the rest of a half-written last line
    rotations: int = 0
    links: int = 0

    def lines(self, name: str, count_valid: int, junk: list[bytes]) -> list[bytes]:
        made = []
        for _ in range(count_valid):
            made.append(valid_line(name, self.next_msgid))
            self.valid.add(str(self.next_msgid))
            self.next_msgid += 1
        self.garbage_lines += len(junk)
        return made + junk

    def append(self, writer: int, count_valid: int, junk: list[bytes], half: bool) -> None:
        name = WRITERS[writer]
        lines = self.lines(name, count_valid, junk)
        data = self.pending.pop(name, b"") + b"".join(line + b"\n" for line in lines)
        self.complete_lines += len(lines)
        if half and lines:
            cut = len(data) - (len(lines[-1]) + 1) // 2
            data, self.pending[name] = data[:cut], data[cut:]
        with (self.folder / name).open("ab") as handle:
            handle.write(data)

    def finish_lines(self, writer: int) -> None:
        name = WRITERS[writer]
        if name in self.pending:
            with (self.folder / name).open("ab") as handle:
                handle.write(self.pending.pop(name))

    def rotate(self, writer: int) -> None:
        self.finish_lines(writer)
        path = self.folder / WRITERS[writer]
        if path.exists():
            self.rotations += 1
            path.rename(self.folder / f"{WRITERS[writer]}.{self.rotations}")

    def hard_link(self, writer: int) -> None:
        path = self.folder / WRITERS[writer]
        if path.exists():
            self.links += 1
            os.link(path, self.folder / f"second-{self.links}-{WRITERS[writer]}")  # a name of the same kind

    def gzip_file(self, count_valid: int, junk: list[bytes]) -> None:
        self.links += 1
        name = f"packed-{self.links}.log.gz"
        lines = self.lines(name, count_valid, junk)
        self.complete_lines += len(lines)
        (self.folder / name).write_bytes(gzip.compress(b"".join(line + b"\n" for line in lines)))


writers = st.integers(0, len(WRITERS) - 1)
operations = st.one_of(
    st.tuples(st.just("append"), writers, st.integers(0, 4), st.lists(garbage, max_size=3), st.booleans()),
    st.tuples(st.just("rotate"), writers),
    st.tuples(st.just("link"), writers),
    st.tuples(st.just("gzip"), st.integers(0, 3), st.lists(garbage, max_size=2)),
)


def query(warehouse, sql: str) -> list[tuple]:
    return warehouse.connection.execute(sql).fetchall()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(operations, st.booleans()), min_size=1, max_size=10))
def test_every_line_is_read_once_whatever_happens_to_the_files(steps):
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(Path(scratch) / "store")
        store.folder.mkdir()
        outside = Path(scratch) / "outside.log"
        outside.write_text("msgid=666&err_code=1000\n", encoding="utf-8")
        (store.folder / "escape.log").symlink_to(outside)
        loads = []
        with WarehouseResource(database=str(Path(scratch) / "w.duckdb")).open() as warehouse:
            for step, ingest_after in steps:
                if step[0] == "append":
                    store.append(*step[1:])
                elif step[0] == "rotate":
                    store.rotate(step[1])
                elif step[0] == "link":
                    store.hard_link(step[1])
                else:
                    store.gzip_file(*step[1:])
                if ingest_after:  # most of what can go wrong happens between two runs
                    loads.append(ingest_infobank(warehouse, store.folder))
            for writer in range(len(WRITERS)):
                store.finish_lines(writer)
            loads.append(ingest_infobank(warehouse, store.folder))
            again = ingest_infobank(warehouse, store.folder)

            assert all(load.balanced for load in loads)
            assert sum(load.lines_read for load in loads) == store.complete_lines
            assert sum(load.quarantined + load.blank_lines for load in loads) == store.garbage_lines
            assert {m for (m,) in query(warehouse, "SELECT msgid FROM infobank_reports")} == store.valid
            assert query(warehouse, "SELECT count(*) FROM infobank_reports WHERE is_retry") == [(0,)]
            assert query(warehouse, "SELECT count(*) FROM infobank_reports") == [(len(store.valid),)]
            assert warehouse.rows("checks/infobank_lines_stored_twice", whole=True) == []
            assert all(load.files_with_problems == {"escape.log": "a link to a file outside the report store"}
                       for load in loads)  # fmt: skip
            assert again.lines_read == 0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.integers(1, 64))
def test_any_bytes_copy_to_lines_duckdb_reads_one_for_one(data, budget):
    """Whatever the bytes, the copy holds exactly as many lines as the stored complete lines, none of them
    holding a carriage return, a NUL or invalid UTF-8, and it stands for the bytes up to the last newline."""
    with tempfile.TemporaryFile() as source, tempfile.TemporaryFile() as copy:
        source.write(data)
        source.seek(0)
        pieces = read_pieces(source, len(data), whole=False)
        consumed = lines = 0
        done = False
        while not done:
            got, count, done = copy_pieces(pieces, copy, budget, at_start=consumed == 0)
            consumed, lines = consumed + got, lines + count
        copy.seek(0)
        copied = copy.read()
    assert consumed == data.rfind(b"\n") + 1
    assert lines == data.count(b"\n") == copied.count(b"\n")
    assert b"\r" not in copied and b"\x00" not in copied
    copied.decode("utf-8")
