"""A whole synthetic report store (every format, retries, DLRs, late finals, conflicts, bad lines)
ingested twice, checked against what the generator knows it wrote."""

from datetime import date

import pytest

from pipelines.infobank.ingest import ingest_infobank
from pipelines.simulator import write_infobank_store


@pytest.fixture
def store(tmp_path):
    folder = tmp_path / "reports"
    return folder, write_infobank_store(folder, date(2026, 10, 1), 14, per_day=400)


@pytest.mark.parametrize("chunk_bytes", [64 * 2**20, 20_000], ids=["one-chunk", "many-chunks"])
def test_the_warehouse_holds_exactly_what_the_store_holds(store, warehouse, chunk_bytes):
    folder, truth = store
    stats = ingest_infobank(warehouse, folder, chunk_bytes=chunk_bytes)
    assert stats.balanced
    assert (stats.lines_read, stats.blank_lines, stats.retries, stats.quarantined) == (
        truth.lines,
        truth.blank_lines,
        truth.retries,
        truth.malformed,
    )
    assert stats.reports_accepted == truth.valid_reports - truth.retries
    assert (stats.unknown_codes, stats.unknown_networks) == (truth.unknown_codes, truth.unknown_networks)
    messages, pending, conflicts, billed = warehouse.connection.execute(
        "SELECT count(*), count(*) FILTER (WHERE NOT has_final), count(*) FILTER (WHERE has_conflict), "
        "sum(billed_units) FROM infobank_messages"
    ).fetchone()
    assert (messages, pending, conflicts, billed) == (
        truth.messages,
        truth.pending,
        truth.conflicts,
        truth.billed_units,
    )
    outcomes = dict(
        warehouse.connection.execute(
            "SELECT err_code, count(*) FROM infobank_messages WHERE has_final GROUP BY err_code"
        ).fetchall()
    )
    assert outcomes == truth.final_outcomes


def test_a_second_run_reads_nothing_and_changes_nothing(store, warehouse):
    folder, truth = store
    ingest_infobank(warehouse, folder)
    before = warehouse.connection.execute("SELECT * FROM infobank_messages ORDER BY msgid").fetchall()
    again = ingest_infobank(warehouse, folder)
    assert (again.files_read, again.lines_read) == (0, 0)
    assert warehouse.connection.execute("SELECT * FROM infobank_messages ORDER BY msgid").fetchall() == before
    assert len(before) == truth.messages
