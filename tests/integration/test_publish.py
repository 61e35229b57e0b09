"""The analysts' read-only copy over a real warehouse: same rows (phone numbers masked), replaced atomically
under open sessions, old versions pruned only when no session can still read them.

Analysts are separate processes: within one process, while a database is open, the duckdb package answers
another connect() to its path with that same database, so an in-process "fresh" connection could still be
reading the replaced file."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.infobank.ingest import ingest_infobank
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.publish import ANALYTICS_FILE, PUBLISHED_TABLES, PublishResult, publish_analytics_copy
from pipelines.reports import build_daily_reports
from tests.conftest import ACCOUNT, DAY, sms

SECOND_DAY = DAY + timedelta(days=1)
INFOBANK_REPORTS = (
    "2026-10-03T10:00:05+09:00\t?msgid=11&to=1093446280&to_country=82&network=45005&rescnt=1&err_code=1000"
    "&sent_date=20261003100003\n"
    "2026-10-03T10:01:00+09:00\t?msgid=12&to=1077889900&to_country=82&network=45008&rescnt=0&err_code=2003\n"
)
# One question over three tables: a copy mixing two publishes would show count != sum(messages).
FIGURES = (
    "SELECT (SELECT count(*) FROM delivery_outcomes), (SELECT sum(messages) FROM report_delivery_daily), "
    "(SELECT count(*) FROM delivery_outcomes WHERE status = 'delivered'), "
    "(SELECT any_value(version) FROM published)"
)
WATCHER = """
import json, os, sys, duckdb

path, query, stop_file, mode = sys.argv[1:]
held = duckdb.connect(path, read_only=True) if mode == "held" else None

def answer():
    connection = held or duckdb.connect(path, read_only=True)
    try:
        return [str(value) for value in connection.execute(query).fetchone()]
    finally:
        if connection is not held:
            connection.close()

answers, errors, queries = [], [], 0
while True:
    stopping = os.path.exists(stop_file)  # checked first: the last answer is asked after the stop
    try:
        row = answer()
        if row not in answers:
            answers.append(row)
    except Exception as error:
        errors.append(repr(error))
    queries += 1
    if queries == 1:
        print("ready", flush=True)
    if stopping:
        break
print(json.dumps({"answers": answers, "errors": errors, "queries": queries}), flush=True)
"""


def fill_day(simulator, client, warehouse, day: date, messages: int, failed: int) -> None:
    """Cafe24 messages on `day` (`failed` of them failed), ingested and built into outcomes and reports."""
    simulator.load(
        ACCOUNT,
        [
            sms(day, i, to=f"010-{5000 + day.day:04d}-{i:04d}", status=9 if i < failed else 3)
            for i in range(messages)
        ],
    )
    ingest_cafe24(client, warehouse, day, day, lookback_days=0)
    build(warehouse, day)


def build(warehouse, day: date) -> None:
    now = datetime.combine(day + timedelta(days=7), datetime.min.time(), KST)
    build_delivery_outcomes(warehouse, now)
    build_daily_reports(warehouse, now)


@contextmanager
def attached_copy(warehouse, path: Path) -> Iterator[None]:
    """The published copy attached read-only to the warehouse connection as published_copy."""
    warehouse.connection.execute("ATTACH $1 AS published_copy (READ_ONLY)", [str(path)])
    try:
        yield
    finally:
        warehouse.connection.execute("DETACH published_copy")


def ask_fresh_analyst(path: Path, query: str = FIGURES) -> list[str]:
    """`query` answered by a new process with a new read-only connection."""
    script = (
        "import json, sys, duckdb\n"
        "row = duckdb.connect(sys.argv[1], read_only=True).execute(sys.argv[2]).fetchone()\n"
        "print(json.dumps([str(value) for value in row]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), query],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


@contextmanager
def watching(path: Path, stop_file: Path, mode: str) -> Iterator[dict]:
    """An analyst process asking FIGURES over and over, on one held connection ("held") or a new one each time
    ("fresh"), until the block ends; the dict it yields then holds its distinct answers, errors and count."""
    process = subprocess.Popen(
        [sys.executable, "-c", WATCHER, str(path), FIGURES, str(stop_file), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    summary: dict = {}
    try:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
        yield summary
        stop_file.touch()
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        summary.update(json.loads(out))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def copy_of_both_vendors(simulator, client, warehouse, tmp_path) -> Iterator[PublishResult]:
    """A warehouse with Cafe24 and Infobank messages of DAY, published; attached as published_copy."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.log").write_text(INFOBANK_REPORTS, encoding="utf-8")
    ingest_infobank(warehouse, tmp_path / "reports")
    fill_day(simulator, client, warehouse, DAY, messages=6, failed=2)
    published = publish_analytics_copy(warehouse, tmp_path / "analytics")
    with attached_copy(warehouse, published.path):
        yield published


def test_no_phone_number_leaves_the_warehouse_unmasked(warehouse, copy_of_both_vendors):
    sql = warehouse.connection.execute
    # Masks keep the last four digits: no run of eight digits of a real number may appear anywhere.
    sql(
        "CREATE TEMP TABLE phone_tails AS "
        "SELECT DISTINCT right(regexp_replace(number, '\\D', '', 'g'), 8) AS tail "
        "FROM (SELECT unnest([recipient, sender]) AS number FROM delivery_outcomes) "
        "WHERE length(regexp_replace(number, '\\D', '', 'g')) >= 8"
    )
    assert sql("SELECT count(*) FROM phone_tails").fetchone()[0] == 6 + 2 + 1  # recipients and one sender
    for table in [*PUBLISHED_TABLES, "published"]:
        leaks = sql(
            f"SELECT count(*) FROM published_copy.{table} AS r "
            "JOIN phone_tails ON contains(CAST(r AS VARCHAR), phone_tails.tail)"
        ).fetchone()[0]
        assert leaks == 0, table
    shown = sql("SELECT DISTINCT recipient, sender FROM published_copy.delivery_outcomes").fetchall()
    assert ("010-****-6280", None) in shown and ("010-****-0000", "021-****-4567") in shown


def test_the_copy_holds_the_warehouse_rows_comments_and_where_they_came_from(warehouse, copy_of_both_vendors):
    published, sql = copy_of_both_vendors, warehouse.connection.execute
    assert published.path == published.path.parent / ANALYTICS_FILE and published.path.is_absolute()
    sql(
        "CREATE TEMP VIEW masked_outcomes AS SELECT * REPLACE "
        "(mask_phone(recipient) AS recipient, mask_phone(sender) AS sender) FROM delivery_outcomes"
    )
    for table in PUBLISHED_TABLES:
        expected = sql(
            f"SELECT * FROM {'masked_outcomes' if table == 'delivery_outcomes' else table} ORDER BY ALL"
        )
        columns, rows = [column[0] for column in expected.description], expected.fetchall()
        actual = sql(f"SELECT * FROM published_copy.{table} ORDER BY ALL")
        assert [column[0] for column in actual.description] == columns, table
        assert actual.fetchall() == rows, table
        assert published.tables[table] == len(rows), table
    assert published.tables["delivery_outcomes"] == 8

    origin = sql(
        "SELECT DISTINCT version, outcomes_built_at, reports_built_at FROM published_copy.published"
    ).fetchall()
    builds = sql(
        "SELECT (SELECT max(built_at) FROM outcome_builds), (SELECT max(built_at) FROM report_builds)"
    ).fetchone()
    assert origin == [(published.version, *builds)]
    assert (
        dict(sql("SELECT table_name, row_count FROM published_copy.published").fetchall()) == published.tables
    )

    comments = sql(
        "SELECT c.table_name, c.column_name, c.comment, w.comment FROM duckdb_columns() AS c "
        "JOIN duckdb_columns() AS w USING (table_name, column_name) "
        "WHERE c.database_name = 'published_copy' AND w.database_name = current_database()"
    ).fetchall()
    assert len(comments) == sum(len(sql(f"DESCRIBE {table}").fetchall()) for table in PUBLISHED_TABLES)
    for table, column, copied, original in comments:
        if (table, column) in {("delivery_outcomes", "recipient"), ("delivery_outcomes", "sender")}:
            assert "masked" in copied
        else:
            assert copied == original, (table, column)
    (comment,) = sql(
        "SELECT comment FROM duckdb_views() "
        "WHERE database_name = 'published_copy' AND view_name = 'delivery_outcomes'"
    ).fetchone()
    assert comment.startswith("One row per message")


def test_an_open_session_keeps_its_whole_copy_while_a_publish_replaces_it(
    simulator, client, warehouse, tmp_path
):
    fill_day(simulator, client, warehouse, DAY, messages=5, failed=1)
    first = publish_analytics_copy(warehouse, tmp_path / "analytics")
    before = [str(value) for value in (5, 5, 4, first.version)]
    assert ask_fresh_analyst(first.path) == before
    fill_day(simulator, client, warehouse, SECOND_DAY, messages=7, failed=2)

    with (
        watching(first.path, tmp_path / "stop-held", "held") as held,
        watching(first.path, tmp_path / "stop-fresh", "fresh") as fresh,
    ):
        second = publish_analytics_copy(warehouse, tmp_path / "analytics")  # not blocked by the open sessions
    after = [str(value) for value in (12, 12, 9, second.version)]

    assert held["errors"] == [] and fresh["errors"] == []
    assert held["queries"] > 1 and fresh["queries"] > 1
    assert held["answers"] == [before]  # the whole first publish, all along
    assert all(answer in (before, after) for answer in fresh["answers"])  # one whole publish or the other
    assert fresh["answers"][-1] == after
    assert ask_fresh_analyst(second.path) == after
    assert sorted(path.name for path in second.path.parent.iterdir()) == [ANALYTICS_FILE, "versions"]


def test_old_versions_are_removed_only_past_the_newest_three_and_a_day_after_being_replaced(
    warehouse, tmp_path
):
    start = datetime(2026, 10, 3, 9, tzinfo=UTC)
    folder = tmp_path / "analytics"
    burst = [
        publish_analytics_copy(warehouse, folder, now=start + timedelta(minutes=10 * i)) for i in range(5)
    ]
    assert all(result.versions_removed == [] for result in burst)  # all replaced less than a day ago
    assert burst[-1].versions_kept == [result.version for result in burst]

    # Past the newest three, the first version was replaced just over a day ago, the second just under.
    later = publish_analytics_copy(warehouse, folder, now=start + timedelta(hours=24, minutes=15))
    assert later.versions_removed == [burst[0].version]
    assert later.versions_kept == [*(result.version for result in burst[1:]), later.version]
    assert sorted(path.name for path in (folder / "versions").iterdir()) == later.versions_kept
    assert ask_fresh_analyst(later.path, "SELECT any_value(version) FROM published") == [later.version]


def test_a_version_replaced_recently_is_kept_however_old_it_is(warehouse, tmp_path):
    folder = tmp_path / "analytics"
    old = publish_analytics_copy(warehouse, folder, now=datetime(2026, 9, 1, tzinfo=UTC), keep_versions=1)
    new = publish_analytics_copy(warehouse, folder, now=datetime(2026, 10, 3, tzinfo=UTC), keep_versions=1)
    assert (new.versions_removed, new.versions_kept) == ([], [old.version, new.version])
    newest = publish_analytics_copy(
        warehouse, folder, now=datetime(2026, 10, 4, 1, tzinfo=UTC), keep_versions=1
    )
    assert (newest.versions_removed, newest.versions_kept) == ([old.version], [new.version, newest.version])


def test_a_failed_publish_leaves_the_previous_copy_and_nothing_half_written(
    simulator, client, warehouse, tmp_path
):
    fill_day(simulator, client, warehouse, DAY, messages=3, failed=0)
    first = publish_analytics_copy(warehouse, tmp_path / "analytics")
    (first.path.parent / "versions" / ".20261003T000000.000000Z-deadbeef.partial").mkdir()  # a crashed run's
    warehouse.connection.execute("DROP TABLE report_billing_daily")
    with pytest.raises(Exception, match="report_billing_daily"):
        publish_analytics_copy(warehouse, tmp_path / "analytics")
    assert ask_fresh_analyst(first.path, "SELECT any_value(version) FROM published") == [first.version]
    assert sorted(os.listdir(first.path.parent / "versions")) == [first.version]
    assert sorted(os.listdir(first.path.parent)) == [ANALYTICS_FILE, "versions"]


def test_a_folder_whose_name_read_parquet_would_take_for_a_pattern_is_refused(warehouse, tmp_path):
    with pytest.raises(ValueError, match="must not contain"):
        publish_analytics_copy(warehouse, tmp_path / "analytics[1]")
