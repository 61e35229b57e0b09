"""Report stores shaped like real ones, not like the project's generator: every line still ends in exactly one
place (a report, a retry, the quarantine with its reason, or the blank count), and nothing stops the load."""

import gzip
import os
from datetime import date

import pytest

from pipelines.infobank import ingest as ingest_module
from pipelines.infobank.ingest import ingest_infobank
from pipelines.infobank.lines import MAX_LINE_BYTES
from pipelines.simulator import write_infobank_store


def report(msgid: int, **fields: str) -> str:
    values = {"msgid": str(msgid), "to": "1093446280", "to_country": "82", "network": "45008"}
    values |= {"rescnt": "1", "err_code": "1000", "sent_date": "20261101140641"} | fields
    return "&".join(f"{name}={value}" for name, value in values.items())


def stamped(msgid: int, **fields: str) -> str:
    return f"2026-11-01T14:06:45+09:00\t?{report(msgid, **fields)}"


def query(warehouse, sql: str) -> list[tuple]:
    return warehouse.connection.execute(sql).fetchall()


def accepted(warehouse) -> list[str]:
    return [msgid for (msgid,) in query(warehouse, "SELECT msgid FROM infobank_reports ORDER BY msgid::INT")]


def reasons(warehouse) -> list[tuple]:
    return query(warehouse, "SELECT source_file, line_number, reason FROM infobank_quarantine ORDER BY ALL")


def test_a_line_that_is_not_utf8_is_quarantined_with_its_bytes_escaped(tmp_path, warehouse):
    (tmp_path / "a.log").write_bytes(
        f"{stamped(1)}\n".encode() + b"\x89PNG\r\n\x1a\n\xff\xfe010-1234-5678\n" + f"{stamped(2)}\n".encode()
    )
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.reports_accepted, stats.quarantined) == (5, 2, 3)
    assert accepted(warehouse) == ["1", "2"]
    assert query(warehouse, "SELECT line_number, raw, reason FROM infobank_quarantine ORDER BY 1") == [
        (2, "\\x89PNG", "line is not valid UTF-8"),  # its CR LF ending read as a newline
        (3, "\x1a", "no msgid"),
        (4, "\\xff\\xfe010-1234-5678", "line is not valid UTF-8"),
    ]


def test_a_line_longer_than_duckdbs_limit_is_quarantined_and_the_lines_after_it_keep_their_numbers(
    tmp_path, warehouse
):
    huge = "x" * 2_100_000
    (tmp_path / "a.log").write_text(f"{stamped(1)}\n{huge}\n{stamped(2)}\n", encoding="utf-8")
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.reports_accepted, stats.quarantined) == (3, 2, 1)
    assert query(warehouse, "SELECT line_number FROM infobank_reports ORDER BY 1") == [(1,), (3,)]
    [(reason, kept)] = query(warehouse, "SELECT reason, length(raw) FROM infobank_quarantine")
    assert (
        reason
        == f"line longer than {MAX_LINE_BYTES:,} bytes (first {MAX_LINE_BYTES:,} of 2,100,000 bytes kept)"
    )
    assert kept == MAX_LINE_BYTES


def test_a_line_longer_than_a_read_block_without_its_newline_yet_waits(tmp_path, warehouse):
    path = tmp_path / "a.log"
    path.write_text(f"{stamped(1)}\n" + "y" * (MAX_LINE_BYTES + 10), encoding="utf-8")
    assert ingest_infobank(warehouse, tmp_path).lines_read == 1
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{stamped(2)}\n")
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.reports_accepted, stats.quarantined) == (2, 1, 1)
    kept = f"first {MAX_LINE_BYTES:,} of {MAX_LINE_BYTES + 10:,} bytes kept"
    assert reasons(warehouse) == [("a.log", 2, f"line longer than {MAX_LINE_BYTES:,} bytes ({kept})")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty gzip file"),
        (gzip.compress(b"msgid=9&err_code=1000\n")[:15], "truncated gzip file"),
        (b"msgid=9&err_code=1000\n", "not a readable gzip file"),
    ],
)
def test_a_broken_gzip_file_is_reported_and_the_other_files_are_read(tmp_path, warehouse, content, problem):
    (tmp_path / "a.log").write_text(stamped(1) + "\n", encoding="utf-8")
    (tmp_path / "b.log.gz").write_bytes(content)
    stats = ingest_infobank(warehouse, tmp_path)
    assert accepted(warehouse) == ["1"]
    assert problem in stats.files_with_problems["b.log.gz"]
    assert query(warehouse, "SELECT source_file FROM infobank_file_problems") == [("b.log.gz",)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            stamped(1, sent_date="00010101000000"),
            "sent_date is before 2000 or later than the report was received",
        ),
        (
            stamped(1, sent_date="99991231235959"),
            "sent_date is before 2000 or later than the report was received",
        ),
        (
            stamped(1, sent_date="19870510023000"),
            "sent_date is before 2000 or later than the report was received",
        ),
        (f"9999-12-31T23:59:59+09:00\t?{report(1)}", "received_at is before 2000 or in the future"),
        (f"0001-01-01T00:00:00+09:00\t?{report(1)}", "received_at is before 2000 or in the future"),
        (stamped(1, rescnt="1.5"), "rescnt is not a whole number"),
        (stamped(1, rescnt="0.4"), "rescnt is not a whole number"),
        (stamped(1, rescnt="2.5"), "rescnt is not a whole number"),
        (stamped(1, rescnt="1e2"), "rescnt is not a whole number"),
        (stamped(1, rescnt="99999999999"), "rescnt is not a whole number"),
        (stamped(1, rescnt="-5"), "rescnt is negative"),
        # URL escapes of bytes that are not UTF-8: DuckDB's url_decode raised and stopped the whole load.
        (
            f"2026-11-01T14:06:45+09:00\t?{report(1)}".replace("msgid=1", "msgid=%B1"),
            "a value's URL escapes are not UTF-8",
        ),
        (stamped(1, err_code="10%FF0"), "a value's URL escapes are not UTF-8"),
        (stamped(1, ref="%C3%28"), "a value's URL escapes are not UTF-8"),
    ],
)
def test_values_are_checked_before_they_count(tmp_path, warehouse, line, reason):
    (tmp_path / "a.log").write_text(f"{line}\n{stamped(2)}\n", encoding="utf-8")
    stats = ingest_infobank(warehouse, tmp_path)
    assert reasons(warehouse) == [("a.log", 1, reason)]
    assert accepted(warehouse) == ["2"] and stats.balanced


def test_a_sent_date_within_the_clock_skew_of_its_receipt_is_accepted(tmp_path, warehouse):
    (tmp_path / "a.log").write_text(
        f"2026-11-01T14:00:00+09:00\t?{report(1, sent_date='20261101145900')}\n"
        f"2026-11-01T14:00:00+09:00\t?{report(2, sent_date='20261101150100')}\n",
        encoding="utf-8",
    )
    ingest_infobank(warehouse, tmp_path)
    assert accepted(warehouse) == ["1"]
    assert reasons(warehouse) == [
        ("a.log", 2, "sent_date is before 2000 or later than the report was received")
    ]


@pytest.mark.parametrize("value", ['{"a": 1}', "[1, 2]"])
def test_a_json_value_that_is_an_object_or_an_array_is_quarantined(tmp_path, warehouse, value):
    (tmp_path / "a.jsonl").write_text(
        f'{{"msgid": "1", "err_code": "1000", "rescnt": {value}}}\n{{"msgid": "2", "err_code": "1000"}}\n',
        encoding="utf-8",
    )
    ingest_infobank(warehouse, tmp_path)
    assert reasons(warehouse) == [("a.jsonl", 1, "a value is a JSON object or array")]
    assert accepted(warehouse) == ["2"]


def test_a_nul_byte_quarantines_its_line_instead_of_cutting_it(tmp_path, warehouse):
    (tmp_path / "a.log").write_bytes(
        f"{stamped(1, ref='A')}".encode() + b"\x00tail\n" + stamped(2).encode() + b"\n"
    )
    ingest_infobank(warehouse, tmp_path)
    assert query(warehouse, "SELECT reason, raw LIKE '%\\x00tail' FROM infobank_quarantine") == [
        ("line holds a NUL byte", True)
    ]
    assert accepted(warehouse) == ["2"]


def test_windows_line_endings_and_a_byte_order_mark_are_read_as_plain_lines(tmp_path, warehouse):
    (tmp_path / "a.log").write_bytes(b"\xef\xbb\xbf" + f"{stamped(1)}\r\n{stamped(2)}\r\n".encode())
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.reports_accepted, stats.quarantined) == (2, 0)


def test_a_shrunk_file_is_read_again_from_its_first_line(tmp_path, warehouse):
    path = tmp_path / "a.log"
    path.write_text(f"{stamped(1)}\n{stamped(2)}\n{stamped(3)}\n", encoding="utf-8")
    ingest_infobank(warehouse, tmp_path)
    path.write_text(f"{stamped(4)}\n", encoding="utf-8")  # truncated and written anew
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.reports_accepted, stats.retries) == (1, 1, 0)
    assert stats.files_replaced == ["a.log"]
    assert accepted(warehouse) == ["1", "2", "3", "4"]


def test_a_file_replaced_by_a_larger_one_is_read_from_its_first_line(tmp_path, warehouse):
    path = tmp_path / "a.log"
    path.write_text(f"{stamped(1)}\n", encoding="utf-8")
    ingest_infobank(warehouse, tmp_path)
    path.write_text(f"{stamped(5)}\n{stamped(6)}\n{stamped(7)}\n", encoding="utf-8")
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.reports_accepted) == (3, 3)
    assert accepted(warehouse) == ["1", "5", "6", "7"]


def test_a_file_rewritten_at_the_same_size_is_read_again(tmp_path, warehouse):
    path = tmp_path / "a.log"
    path.write_text(f"{stamped(11)}\n{stamped(12)}\n", encoding="utf-8")
    ingest_infobank(warehouse, tmp_path)
    before = path.stat()
    path.write_text(f"{stamped(13)}\n{stamped(14)}\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert path.stat().st_size == before.st_size
    stats = ingest_infobank(warehouse, tmp_path)
    assert stats.reports_accepted == 2
    assert accepted(warehouse) == ["11", "12", "13", "14"]


def test_a_file_rotated_aside_is_read_on_where_it_stopped_and_the_new_one_from_the_start(tmp_path, warehouse):
    path = tmp_path / "ib.log"
    path.write_text(f"{stamped(1)}\n{stamped(2)}\n", encoding="utf-8")
    ingest_infobank(warehouse, tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{stamped(3)}\n")  # written after the last run, before the rotation
    path.rename(tmp_path / "ib.log.1")
    path.write_text(f"{stamped(4)}\n", encoding="utf-8")
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.reports_accepted, stats.retries) == (2, 2, 0)
    assert stats.files_renamed == {"ib.log.1": "ib.log"}
    assert accepted(warehouse) == ["1", "2", "3", "4"]
    assert query(warehouse, "SELECT source_file, line_number FROM infobank_reports WHERE msgid = '3'") == [
        ("ib.log.1", 3)
    ]


def test_a_rotated_file_compressed_later_is_not_read_twice(tmp_path, warehouse):
    path = tmp_path / "ib.log"
    text = f"{stamped(1)}\n{stamped(2)}\n"
    path.write_text(text, encoding="utf-8")
    ingest_infobank(warehouse, tmp_path)
    path.unlink()
    (tmp_path / "ib.log.1.gz").write_bytes(gzip.compress(text.encode()))
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.retries) == (0, 0)


def test_a_half_written_line_waits_until_it_is_complete(tmp_path, warehouse):
    path = tmp_path / "a.log"
    full = stamped(2, rescnt="12")
    path.write_text(f"{stamped(1)}\n{full[:-1]}", encoding="utf-8")  # rescnt=1 so far, no newline
    first = ingest_infobank(warehouse, tmp_path)
    assert (first.lines_read, first.quarantined) == (1, 0)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(full[-1:] + "\n")
    second = ingest_infobank(warehouse, tmp_path)
    assert (second.lines_read, second.reports_accepted) == (1, 1)
    assert query(warehouse, "SELECT line_number, rescnt FROM infobank_reports WHERE msgid = '2'") == [(2, 12)]


def test_names_with_glob_characters_are_read_literally(tmp_path, warehouse):
    (tmp_path / "report[1].log").write_text(f"{stamped(1)}\n", encoding="utf-8")
    (tmp_path / "report1.log").write_text(f"{stamped(2)}\n", encoding="utf-8")
    (tmp_path / "*.log").write_text(f"{stamped(3)}\n", encoding="utf-8")
    (tmp_path / "?.log").write_text(f"{stamped(4)}\n", encoding="utf-8")
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.files_read, stats.reports_accepted, stats.retries) == (4, 4, 0)
    assert query(warehouse, "SELECT source_file FROM infobank_reports ORDER BY msgid") == [
        ("report[1].log",), ("report1.log",), ("*.log",), ("?.log",)
    ]  # fmt: skip


def test_a_link_leaving_the_store_is_refused_and_a_second_name_is_read_once(tmp_path, warehouse):
    store, outside = tmp_path / "store", tmp_path / "outside"
    store.mkdir()
    outside.mkdir()
    secret = outside / "passwd.log"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (store / "a.log").write_text(f"{stamped(1)}\n", encoding="utf-8")
    (store / "etc.log").symlink_to(secret)
    (store / "b.log").symlink_to(store / "a.log")
    os.link(store / "a.log", store / "c.log")
    (store / "linked").symlink_to(outside, target_is_directory=True)
    stats = ingest_infobank(warehouse, store)
    assert (stats.lines_read, stats.reports_accepted, stats.retries) == (1, 1, 0)
    assert stats.files_with_problems == {
        "etc.log": "a link to a file outside the report store",
        "linked": "a link to a file outside the report store",
    }
    assert stats.second_names == {"b.log": "a.log", "c.log": "a.log"}
    assert query(warehouse, "SELECT count(*) FROM infobank_quarantine") == [(0,)]


def test_hidden_files_and_folders_are_skipped_other_names_listed_and_the_suffix_case_ignored(
    tmp_path, warehouse
):
    tmp_path = tmp_path / "store"
    tmp_path.mkdir()
    (tmp_path / ".partial").mkdir()
    (tmp_path / ".partial" / "a.log").write_text(f"{stamped(1)}\n", encoding="utf-8")
    (tmp_path / ".b.log").write_text(f"{stamped(2)}\n", encoding="utf-8")
    (tmp_path / "REPORT.LOG").write_text(f"{stamped(3)}\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("hello\n", encoding="utf-8")
    stats = ingest_infobank(warehouse, tmp_path)
    assert accepted(warehouse) == ["3"]
    assert stats.files_ignored == ["notes.md"]


def test_an_unreadable_file_is_reported_and_read_once_it_can_be(tmp_path, warehouse):
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    path = tmp_path / "a.log"
    path.write_text(f"{stamped(1)}\n", encoding="utf-8")
    path.chmod(0)
    assert "a.log" in ingest_infobank(warehouse, tmp_path).files_with_problems
    path.chmod(0o644)
    assert ingest_infobank(warehouse, tmp_path).reports_accepted == 1


def test_a_store_of_demo_files_plus_a_corrupted_a_rotated_and_a_half_written_file(tmp_path, warehouse):
    tmp_path = tmp_path / "store"
    store = write_infobank_store(tmp_path, date(2026, 11, 1), 2)
    good = ingest_infobank(warehouse, tmp_path)
    assert (good.lines_read, good.quarantined, good.retries) == (store.lines, store.malformed, store.retries)
    corrupt = tmp_path / "corrupt.log.gz"
    corrupt.write_bytes(gzip.compress(f"{stamped(900001)}\n".encode())[:25])
    rotating = tmp_path / "rotating.log"
    rotating.write_text(f"{stamped(900002)}\n", encoding="utf-8")
    ingest_infobank(warehouse, tmp_path)
    with rotating.open("a", encoding="utf-8") as handle:
        handle.write(f"{stamped(900003)}\n")
    rotating.rename(tmp_path / "rotating.log.1")
    rotating.write_text(f"{stamped(900004)}\n", encoding="utf-8")
    (tmp_path / "half.log").write_text(f"{stamped(900005)}\n{stamped(900006)[:40]}", encoding="utf-8")
    stats = ingest_infobank(warehouse, tmp_path)
    assert stats.balanced and "corrupt.log.gz" in stats.files_with_problems
    new = query(warehouse, "SELECT msgid, is_retry FROM infobank_reports WHERE msgid LIKE '9000%' ORDER BY 1")
    assert new == [("900002", False), ("900003", False), ("900004", False), ("900005", False)]
    assert ingest_infobank(warehouse, tmp_path).lines_read == 0  # idempotent: nothing new, nothing read


def test_a_line_written_while_the_run_reads_the_file_waits_for_the_next_run(tmp_path, warehouse, monkeypatch):
    path = tmp_path / "a.log"
    path.write_text(f"{stamped(1)}\n", encoding="utf-8")
    full = stamped(2, rescnt="12")

    def plan_then_write(*args, **kwargs):
        planned = real_plan_reads(*args, **kwargs)
        with path.open("a", encoding="utf-8") as handle:  # the writer goes on while the run reads
            handle.write(full[:-1])  # rescnt=1 so far, no newline yet
        return planned

    real_plan_reads = ingest_module.plan_reads
    monkeypatch.setattr(ingest_module, "plan_reads", plan_then_write)
    first = ingest_infobank(warehouse, tmp_path)
    assert (first.lines_read, first.reports_accepted, first.quarantined) == (1, 1, 0)
    monkeypatch.setattr(ingest_module, "plan_reads", real_plan_reads)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(full[-1:] + "\n")
    second = ingest_infobank(warehouse, tmp_path)
    assert (second.lines_read, second.reports_accepted) == (1, 1)
    assert query(warehouse, "SELECT line_number, rescnt FROM infobank_reports WHERE msgid = '2'") == [(2, 12)]
