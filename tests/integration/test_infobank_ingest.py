"""Infobank report files into a real DuckDB file: every format, retries once, nothing lost, incremental."""

import gzip
import json
import random
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from assets.resources import WarehouseResource
from pipelines.infobank import ingest as ingest_module
from pipelines.infobank.ingest import InfobankStoreError, ingest_infobank
from pipelines.kst import KST

DELIVERED = "msgid=00000123&to=1093446280&to_country=82&ref=AA1&network=45008&rescnt=1&err_code=1000" + (
    "&sent_date=20261101140641"
)
FAILED = "msgid=00000124&to=1093446281&to_country=82&network=45005&rescnt=0&err_code=2003"


def write(folder: Path, name: str, lines: list[str], *, newline_at_end: bool = True) -> Path:
    text = "\n".join(lines) + ("\n" if newline_at_end else "")
    path = folder / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def query(warehouse, sql: str) -> list[tuple]:
    return warehouse.connection.execute(sql).fetchall()


def test_every_format_is_read_with_its_fields(tmp_path, warehouse):
    write(tmp_path, "a.log", [f"2026-11-01T14:06:45+09:00\t/infobank/report?{DELIVERED}"])
    write(tmp_path, "b.txt", [f"?{FAILED}"])
    payload = {"msgid": "00000125", "to": "1012", "to_country": "1", "network": "31026", "rescnt": "3",
               "err_code": "1000", "sent_date": "20261101150000",
               "received_at": "2026-11-01T15:00:02+09:00"}  # fmt: skip
    write(tmp_path, "c.jsonl.gz", [json.dumps(payload)])
    write(
        tmp_path, "d.log.gz", ["2026-11-02T09:00:00+09:00\tmsgid=00000126&to=10%3123&err_code=3001&rescnt=0"]
    )
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.reports_accepted, stats.quarantined) == (4, 4, 0)
    rows = query(
        warehouse,
        "SELECT msgid, to_number, carrier, rescnt, sent_at, received_at, is_final "
        "FROM infobank_reports ORDER BY msgid",
    )
    assert rows[0] == (
        "00000123", "1093446280", "KT", 1, datetime(2026, 11, 1, 14, 6, 41, tzinfo=KST),
        datetime(2026, 11, 1, 14, 6, 45, tzinfo=KST), True,
    )  # fmt: skip
    assert rows[1][:5] == ("00000124", "1093446281", "SKT", 0, None) and rows[1][5] is None
    assert rows[2][2:4] == (None, 3)
    assert rows[3][1] == "10123"
    assert stats.unknown_networks == 2  # 31026 is not Korean, and 00000126 names no network


def test_a_resent_report_is_counted_once(tmp_path, warehouse):
    write(
        tmp_path,
        "a.log",
        [f"2026-11-01T14:06:45+09:00\t?{DELIVERED}", f"2026-11-01T14:07:45+09:00\t?{DELIVERED}"],
    )
    write(tmp_path, "b.txt", [DELIVERED, DELIVERED])
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.reports_accepted, stats.retries) == (1, 3)
    assert query(
        warehouse, "SELECT msgid, report_count, retry_count, billed_units FROM infobank_messages"
    ) == [("00000123", 4, 3, 1)]


def test_dlr_reports_leave_a_message_pending_until_its_final_arrives(tmp_path, warehouse):
    dlr = "msgid=7&to=1000&to_country=82&network=45006&rescnt=0&err_code=1000&rslt_type=3"
    write(tmp_path, "a.log", [f"2026-11-01T10:00:00+09:00\t?{dlr}"])
    ingest_infobank(warehouse, tmp_path)
    assert query(warehouse, "SELECT has_final, billed_units, dlr_count FROM infobank_messages") == [
        (False, None, 1)
    ]
    final = dlr.replace("rescnt=0", "rescnt=1").replace("rslt_type=3", "sent_date=20261101100005&rslt_type=0")
    write(tmp_path, "b.log", [f"2026-11-03T10:00:00+09:00\t?{final}"])
    ingest_infobank(warehouse, tmp_path)
    assert query(
        warehouse, "SELECT has_final, billed_units, err_code, report_count FROM infobank_messages"
    ) == [(True, 1, "1000", 2)]


def test_two_different_finals_are_kept_flagged_and_the_later_one_wins(tmp_path, warehouse):
    off = "msgid=8&to=1000&to_country=82&network=45006&rescnt=0&err_code=2003"
    delivered = "msgid=8&to=1000&to_country=82&network=45006&rescnt=1&err_code=1000&sent_date=20261102100000"
    write(
        tmp_path, "a.log", [f"2026-11-02T11:00:00+09:00\t?{delivered}", f"2026-11-01T10:00:00+09:00\t?{off}"]
    )
    ingest_infobank(warehouse, tmp_path)
    assert query(
        warehouse, "SELECT err_code, has_conflict, billed_units, report_count FROM infobank_messages"
    ) == [("1000", True, 1, 2)]


def test_every_bad_line_is_quarantined_with_its_reason_and_every_line_is_accounted_for(tmp_path, warehouse):
    lines = [
        "msgid=1&to=1&rescnt=1",
        "to=1&err_code=1000",
        "msgid=2&err_code=1000&rescnt=abc",
        "msgid=3&err_code=1000&rescnt=1&sent_date=20261345250000",
        "%%%garbage",
        "2026-13-45T99:00:00\tmsgid=4&err_code=1000",
        "msgid=5&err_code=1000&rslt_type=7",
        "msgid=6&to=10934&err_co",
        "",
        DELIVERED,
    ]
    write(tmp_path, "a.log", lines)
    write(tmp_path, "b.jsonl", ['{"msgid": "9", "err_code": "1000"', '{"msgid": "10", "err_code": "9999"}'])
    stats = ingest_infobank(warehouse, tmp_path)
    assert stats.balanced
    assert (stats.lines_read, stats.reports_accepted, stats.quarantined, stats.blank_lines) == (12, 2, 9, 1)
    assert stats.quarantine_reasons == {
        "no err_code": 2,
        "no msgid": 2,
        "rescnt is not a whole number": 1,
        "sent_date is not a valid YYYYMMDDHHMMSS time": 1,
        "received_at is not an ISO-8601 time": 1,
        "rslt_type is neither 0 (final) nor 3 (DLR)": 1,
        "not a JSON object": 1,
    }
    assert stats.unknown_codes == 1  # 9999 is kept, and counted
    kept = query(
        warehouse, "SELECT line_number, raw FROM infobank_quarantine WHERE source_file = 'a.log' ORDER BY 1"
    )
    assert [number for number, _ in kept] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert kept[4][1] == "%%%garbage"


def test_files_are_read_once_grown_files_from_where_they_stopped_and_new_files_next_time(tmp_path, warehouse):
    path = write(tmp_path, "a.txt", [DELIVERED, FAILED.replace("00000124", "1")], newline_at_end=False)
    first = ingest_infobank(warehouse, tmp_path)
    assert first.lines_read == 1  # the last line has no newline yet: it may still be being written
    assert ingest_infobank(warehouse, tmp_path).lines_read == 0
    with path.open("a", encoding="utf-8") as handle:
        handle.write("0\n" + FAILED + "\n")
    grown = ingest_infobank(warehouse, tmp_path)
    assert (grown.lines_read, grown.reports_accepted) == (2, 2)
    write(tmp_path, "b.log", [f"2026-11-03T10:00:00+09:00\t?{FAILED}"])
    later = ingest_infobank(warehouse, tmp_path)
    assert (later.files_read, later.lines_read, later.retries) == (1, 1, 1)
    assert query(warehouse, "SELECT count(*) FROM infobank_messages") == [(3,)]
    assert query(warehouse, "SELECT sum(lines_consumed) FROM infobank_stored_files") == [(4,)]


def test_a_load_that_fails_commits_nothing_and_the_rerun_reads_everything(tmp_path, warehouse, monkeypatch):
    write(tmp_path, "a.txt", [DELIVERED])
    write(tmp_path, "b.txt", ["msgid=5&err_code=1000"])
    loaded = []

    def crash_on_second_chunk(warehouse, copies, load_id):
        loaded.append(copies)
        if len(loaded) == 2:
            raise RuntimeError("killed")
        real_load_chunk(warehouse, copies, load_id)

    real_load_chunk = ingest_module._load_chunk
    monkeypatch.setattr(ingest_module, "_load_chunk", crash_on_second_chunk)
    with pytest.raises(RuntimeError, match="killed"):
        ingest_infobank(warehouse, tmp_path, chunk_bytes=1)  # one file per chunk
    assert query(warehouse, "SELECT count(*) FROM infobank_reports") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM infobank_stored_files") == [(0,)]
    monkeypatch.setattr(ingest_module, "_load_chunk", real_load_chunk)
    assert ingest_infobank(warehouse, tmp_path).reports_accepted == 2


def test_a_missing_folder_is_a_clear_error(tmp_path, warehouse):
    with pytest.raises(InfobankStoreError, match=r"INFOBANK_REPORTS_DIR .* is not a folder"):
        ingest_infobank(warehouse, tmp_path / "nowhere")


def test_one_report_written_in_every_shape_is_read_as_one_report(tmp_path, warehouse):
    # Most query strings are read as JSON objects (fast); those that cannot be (a part without "=", a
    # value holding "=", a quote or a backslash) are read by string search. Both must read the same report.
    report = "msgid=9&to=1012&to_country=82&err_code=1000&rescnt=1"
    queries = [
        report,
        f"{report}&flag",  # a part without "="
        f"x=a=b&{report}",  # a value holding "="
        f'{report}&note=say"hi"',  # a quote
        f"{report}&path=a\\b",  # a backslash
        f"msgid=9&{report}&msgid=7",  # a name twice: its first value counts
        f"msgid=9&{report}&msgid=7&flag",  # the same, read by string search
        report.replace("msgid=9", "msgid=%209").replace("to=1012", "to=10%312"),  # URL-encoded
        report.replace("msgid=9", "msgid=9\u00a0"),  # a no-break space is trimmed like a space
        report.replace("msgid=9", "msgid=+9+"),  # "+" is a space, when the line is encoded
    ]
    write(tmp_path, "a.txt", [f"?{query}" for query in queries])
    payload = {"msgid": "9", "to": "1012", "to_country": "82", "err_code": "1000", "rescnt": "1"}
    write(
        tmp_path,
        "b.jsonl",
        [
            json.dumps(payload),
            json.dumps(payload, separators=(",", ":")),
            json.dumps({**payload, "rescnt": 1}),  # a number is read as its text
            json.dumps({**payload, "msgid": "\u00a09"}),  # escaped no-break space, trimmed
            json.dumps({**payload, "msgid": " 9 "}, separators=(",", ":")),
        ],
    )
    stats = ingest_infobank(warehouse, tmp_path)
    assert (stats.lines_read, stats.quarantined) == (15, 0)
    assert (stats.reports_accepted, stats.retries) == (1, 14)
    assert query(warehouse, "SELECT DISTINCT msgid, to_number, rescnt FROM infobank_reports") == [
        ("9", "1012", 1)
    ]


def test_a_gzip_line_that_is_not_utf8_is_quarantined_and_the_rest_is_read(tmp_path, warehouse, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder = tmp_path / "reports"
    folder.mkdir()
    write(folder, "a.log.gz", [f"2026-11-01T14:06:45+09:00\t?{DELIVERED}"])
    (folder / "b.txt.gz").write_bytes(gzip.compress(b"msgid=5&err_code=1000\n\xff\xfe not utf-8\n"))
    stats = ingest_infobank(warehouse, folder)
    assert (stats.lines_read, stats.reports_accepted, stats.quarantined) == (3, 2, 1)
    assert query(warehouse, "SELECT source_file, line_number, raw, reason FROM infobank_quarantine") == [
        ("b.txt.gz", 2, "\\xff\\xfe not utf-8", "line is not valid UTF-8")
    ]
    assert list(scratch.iterdir()) == []  # the copies DuckDB read are removed


def test_a_gzip_file_that_is_not_sound_is_reported_and_read_once_it_is(tmp_path, warehouse):
    write(tmp_path, "a.txt", [DELIVERED])
    (tmp_path / "b.log.gz").write_bytes(b"")  # created, not written yet
    first = ingest_infobank(warehouse, tmp_path)
    assert first.reports_accepted == 1
    assert "b.log.gz" in first.files_with_problems
    whole = gzip.compress(FAILED.encode() + b"\n")
    (tmp_path / "b.log.gz").write_bytes(whole[:20])  # cut short
    second = ingest_infobank(warehouse, tmp_path)
    assert second.lines_read == 0
    assert "truncated" in second.files_with_problems["b.log.gz"]
    (tmp_path / "b.log.gz").write_bytes(whole)
    third = ingest_infobank(warehouse, tmp_path)
    assert (third.reports_accepted, third.files_with_problems) == (1, {})
    assert query(warehouse, "SELECT count(*) FROM infobank_reports") == [(2,)]


def test_a_warehouse_made_when_reports_kept_their_raw_line_keeps_its_reports(tmp_path, warehouse_path):
    """Accepted reports no longer keep their raw line (source_file and line_number lead back to it): applying
    the schema to a warehouse made before drops the column and keeps every row."""
    old = duckdb.connect(warehouse_path)
    old.execute(OLD_INFOBANK_REPORTS)
    old.execute(OLD_REPORT_OF_DELIVERED, {"raw": DELIVERED})
    old.close()
    with WarehouseResource(database=warehouse_path).open() as warehouse:
        columns = query(
            warehouse, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'infobank_reports'"
        )
        assert ("raw",) not in columns and len(columns) == 21
        assert query(warehouse, "SELECT msgid, line_number, load_id FROM infobank_reports") == [
            ("00000123", 1, "old-load")
        ]
        write(tmp_path, "b.txt", [DELIVERED])  # the same report again, in a new file: a resend
        stats = ingest_infobank(warehouse, tmp_path)
        assert (stats.reports_accepted, stats.retries) == (0, 1)
        assert query(warehouse, "SELECT report_count, retry_count, billed_units FROM infobank_messages") == [
            (2, 1, 1)
        ]


# infobank_reports as it was made before the raw line of accepted reports was dropped, and DELIVERED in it.
OLD_INFOBANK_REPORTS = """
CREATE TABLE infobank_reports (
    source_file VARCHAR NOT NULL, line_number BIGINT NOT NULL, received_at TIMESTAMPTZ,
    msgid VARCHAR NOT NULL, to_number VARCHAR, to_country VARCHAR, ref VARCHAR, network VARCHAR,
    carrier VARCHAR, err_code VARCHAR NOT NULL, rescnt INTEGER, sent_date VARCHAR, sent_at TIMESTAMPTZ,
    rslt_type VARCHAR, is_final BOOLEAN NOT NULL, report_fingerprint UHUGEINT NOT NULL,
    is_retry BOOLEAN NOT NULL, known_code BOOLEAN NOT NULL, known_network BOOLEAN NOT NULL,
    raw VARCHAR NOT NULL, load_id VARCHAR NOT NULL
)
"""
OLD_REPORT_OF_DELIVERED = """
INSERT INTO infobank_reports VALUES (
    'a.txt', 1, NULL, '00000123', '1093446280', '82', 'AA1', '45008', 'KT', '1000', 1, '20261101140641',
    TIMESTAMPTZ '2026-11-01 14:06:41+09', NULL, true,
    md5_number(concat_ws(chr(31), '00000123', '1093446280', '82', 'AA1', '45008', '1', '1000',
                         '20261101140641', '')),
    false, true, true, $raw, 'old-load'
)
"""


def test_every_line_number_is_the_line_of_its_file_in_a_load_of_many_files(tmp_path, warehouse):
    # Twenty files of a few thousand lines, every third JSON: enough for DuckDB to have returned the last
    # lines of some files after all the others when asked whether each line's file held JSON the wrong way.
    draw = random.Random(1).randint
    for number in range(20):
        is_json = number % 3 == 2
        lines = []
        for line in range(1, draw(3000, 6000) + 1):
            msgid = f"{number:02d}{line:06d}"
            if is_json:
                lines.append(json.dumps({"msgid": msgid, "err_code": "1000", "pad": "x" * draw(20, 120)}))
            else:
                lines.append(f"?msgid={msgid}&err_code=1000&pad={'x' * draw(20, 120)}")
        write(tmp_path, f"r{number:02d}.{'jsonl' if is_json else 'log'}", lines)
    stats = ingest_infobank(warehouse, tmp_path)
    assert stats.reports_accepted == stats.lines_read > 60_000
    misplaced = query(
        warehouse,
        "SELECT count(*) FROM infobank_reports "
        "WHERE msgid <> substr(source_file, 2, 2) || lpad(line_number::VARCHAR, 6, '0')",
    )
    assert misplaced == [(0,)]
