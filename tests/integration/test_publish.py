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

from assets.resources import WarehouseResource
from pipelines import publish as publish_module
from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.exports import REPORT_TABLES
from pipelines.infobank.ingest import ingest_infobank
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.publish import (
    ANALYTICS_FILE,
    EMPTY_FILE,
    MONTHLY_TABLES,
    PUBLISHED_TABLES,
    PublishResult,
    publish_analytics_copy,
)
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


# Publishing by month: a publish writes the months that changed since the previous version and hard-links the
# others from it. Synthetic outcomes stand in for builds where a test needs to say exactly which days change:
# they are written as an outcome build writes them (the rows, the days they changed, the build), then the
# reports are rebuilt by the real report build.
AUGUST, SEPTEMBER, OCTOBER = date(2026, 8, 10), date(2026, 9, 10), date(2026, 10, 3)
MONTHS = ["2026-08", "2026-09", "2026-10"]
SYNTHETIC_OUTCOMES = """
INSERT INTO delivery_outcomes
SELECT
    'syn-' || strftime(day, '%Y%m%d') || '-' || i, 'cafe24', 'shop', NULL, 'SMS', 'immediate', '0212345678',
    '+8210' || strftime(day, '%m%d') || lpad(CAST(i AS VARCHAR), 4, '0'), NULL,
    CAST(day AS TIMESTAMP) AT TIME ZONE 'Asia/Seoul' + INTERVAL 9 HOUR + to_minutes(i), NULL, day,
    CASE WHEN i % 4 = 0 THEN 'undelivered' ELSE 'delivered' END, true,
    CASE WHEN i % 4 = 0 THEN 'handset_off' ELSE 'delivered' END, CASE WHEN i % 4 = 0 THEN 'transient' END,
    i % 4 = 0, '3', 'ok', 1, NULL, 1, false
FROM unnest(CAST($days AS DATE[])) AS d(day), range($per_day) AS r(i)
"""
RECORD_CHANGED_DAYS = (
    "INSERT INTO outcome_changed_days SELECT DISTINCT CAST($now AS TIMESTAMPTZ), 'cafe24', day "
    "FROM unnest(CAST($days AS DATE[])) AS d(day)"
)
RECORD_OUTCOME_BUILD = """
INSERT INTO outcome_builds
SELECT CAST($now AS TIMESTAMPTZ), max_by(cafe24_through, built_at), max_by(infobank_through, built_at), 72,
       coalesce(max_by(dictionary_digest, built_at), 'synthetic'), false, 0, get_current_timestamp()
FROM outcome_builds
"""


def synthetic_build(warehouse, now: datetime, changed_days: list[date], statement: str, **params) -> None:
    """`statement` changes delivery_outcomes on `changed_days` as an outcome build at `now` would, recording
    those days and the build; then the reports are rebuilt."""
    sql = warehouse.connection.execute
    with warehouse.transaction():
        sql(statement, params)
        sql(RECORD_CHANGED_DAYS, {"now": now, "days": changed_days})
        sql(RECORD_OUTCOME_BUILD, {"now": now})
    build_daily_reports(warehouse, now)


def add_outcomes(warehouse, now: datetime, days: list[date], per_day: int = 5) -> None:
    synthetic_build(warehouse, now, days, SYNTHETIC_OUTCOMES, days=days, per_day=per_day)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, datetime.min.time(), KST) + timedelta(hours=hour)


def version_dir(result: PublishResult) -> Path:
    return result.path.parent / "versions" / result.version


def month_file(result: PublishResult, table: str, month: str) -> Path:
    return version_dir(result) / table / f"{month}.parquet"


def files_of(result: PublishResult, table: str) -> list[str]:
    return sorted(path.name for path in (version_dir(result) / table).iterdir())


def assert_copy_equals_warehouse(warehouse, result: PublishResult) -> None:
    """Every published table of the copy holds the warehouse's rows (phone numbers masked), `published` counts
    them exactly, and its month list names exactly the month files on disk."""
    sql = warehouse.connection.execute
    sql(
        "CREATE OR REPLACE TEMP VIEW masked_outcomes AS SELECT * REPLACE "
        "(mask_phone(recipient) AS recipient, mask_phone(sender) AS sender) FROM delivery_outcomes"
    )
    with attached_copy(warehouse, result.path):
        for table in PUBLISHED_TABLES:
            source = "masked_outcomes" if table == "delivery_outcomes" else table
            expected = sql(f"SELECT * FROM {source} ORDER BY ALL").fetchall()
            assert sql(f"SELECT * FROM published_copy.{table} ORDER BY ALL").fetchall() == expected, table
            assert result.tables[table] == len(expected), table
        counts = dict(sql("SELECT table_name, row_count FROM published_copy.published").fetchall())
        months = dict(sql("SELECT table_name, months FROM published_copy.published").fetchall())
    assert counts == result.tables
    for table in MONTHLY_TABLES:
        listed = [f"{entry['month']:%Y-%m}.parquet" for entry in months[table]]
        assert files_of(result, table) == (listed or [EMPTY_FILE]), table
        assert sum(entry["row_count"] for entry in months[table]) == result.tables[table], table


def test_a_second_publish_rewrites_only_the_month_of_the_day_that_changed(warehouse, tmp_path):
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, SEPTEMBER, OCTOBER])
    first = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 13))
    assert first.rewrote_all == "no readable previous version"
    assert first.months_written == {table: MONTHS for table in MONTHLY_TABLES}
    assert first.months_linked == {table: 0 for table in MONTHLY_TABLES}

    synthetic_build(
        warehouse,
        at(date(2026, 10, 11)),
        [SEPTEMBER],
        "UPDATE delivery_outcomes SET status = 'expired', reason = 'expired' WHERE activity_date = $day",
        day=SEPTEMBER,
    )
    second = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 11), 13))

    assert second.rewrote_all is None
    assert second.months_written == {table: ["2026-09"] for table in MONTHLY_TABLES}
    assert second.months_linked == {table: 2 for table in MONTHLY_TABLES}
    for table in MONTHLY_TABLES:
        for month in ("2026-08", "2026-10"):
            assert month_file(second, table, month).samefile(month_file(first, table, month)), (table, month)
        assert not month_file(second, table, "2026-09").samefile(month_file(first, table, "2026-09")), table
    assert_copy_equals_warehouse(warehouse, second)
    assert ask_fresh_analyst(
        second.path, "SELECT count(*) FROM delivery_outcomes WHERE status = 'expired'"
    ) == ["5"]


def test_the_copy_follows_the_warehouse_through_changes_spanning_months(
    simulator, client, warehouse, tmp_path
):
    folder = tmp_path / "analytics"

    def ingest(day: date, messages: list) -> None:
        simulator.load(ACCOUNT, messages)
        ingest_cafe24(client, warehouse, day, day, lookback_days=0)

    def publish_at(now: datetime) -> PublishResult:
        build_delivery_outcomes(warehouse, now)
        build_daily_reports(warehouse, now)
        result = publish_analytics_copy(warehouse, folder, now=now)
        assert_copy_equals_warehouse(warehouse, result)
        return result

    # Real ingests across three months, one message still pending.
    pending = sms(date(2026, 8, 28), 1, to="010-3333-0001", status=1)
    ingest(date(2026, 8, 28), [sms(date(2026, 8, 28), 0, to="010-3333-0000"), pending])
    ingest(date(2026, 9, 30), [sms(date(2026, 9, 30), i, to=f"010-4444-{i:04d}") for i in range(3)])
    ingest(OCTOBER, [sms(OCTOBER, i, to=f"010-5555-{i:04d}", status=9) for i in range(2)])
    publish_at(at(date(2026, 10, 4)))

    # The pending message is delivered; a new month starts.
    pending.status = 3
    ingest(date(2026, 8, 28), [])
    ingest(date(2026, 11, 1), [sms(date(2026, 11, 1), 0, to="010-6666-0000")])
    second = publish_at(at(date(2026, 11, 2)))
    assert second.months_written["delivery_outcomes"] == ["2026-08", "2026-11"]
    assert second.months_linked["delivery_outcomes"] == 2

    # A message moves from October to August (both days change), synthetic rows land in September.
    moved = at(date(2026, 11, 3))
    synthetic_build(
        warehouse,
        moved,
        [OCTOBER, date(2026, 8, 28)],
        "UPDATE delivery_outcomes SET activity_date = DATE '2026-08-28' WHERE message_key = "
        "(SELECT min(message_key) FROM delivery_outcomes WHERE activity_date = $day)",
        day=OCTOBER,
    )
    add_outcomes(warehouse, at(date(2026, 11, 4)), [SEPTEMBER], per_day=4)
    third = publish_analytics_copy(warehouse, folder, now=at(date(2026, 11, 4), 13))
    assert_copy_equals_warehouse(warehouse, third)
    assert third.months_written["delivery_outcomes"] == ["2026-08", "2026-09", "2026-10"]
    assert month_file(third, "delivery_outcomes", "2026-11").samefile(
        month_file(second, "delivery_outcomes", "2026-11")
    )

    # November empties: its files go, and the copy still matches.
    synthetic_build(
        warehouse,
        at(date(2026, 11, 5)),
        [date(2026, 11, 1)],
        "DELETE FROM delivery_outcomes WHERE activity_date = $day",
        day=date(2026, 11, 1),
    )
    fourth = publish_analytics_copy(warehouse, folder, now=at(date(2026, 11, 5), 13))
    assert_copy_equals_warehouse(warehouse, fourth)
    assert "2026-11.parquet" not in files_of(fourth, "delivery_outcomes")
    assert fourth.months_written["delivery_outcomes"] == []


def test_a_different_schema_digest_writes_every_month_again(warehouse, tmp_path, monkeypatch):
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, SEPTEMBER, OCTOBER])
    first = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 13))
    monkeypatch.setattr(publish_module, "schema_digest", lambda: "a-new-masking-macro")

    second = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 14))

    assert second.rewrote_all == "the schema, the export queries or the published columns changed"
    assert second.months_written == first.months_written
    for table in MONTHLY_TABLES:
        for month in MONTHS:
            assert not month_file(second, table, month).samefile(month_file(first, table, month))
    assert_copy_equals_warehouse(warehouse, second)


def test_a_new_column_writes_every_month_again_and_shows_in_the_view(warehouse, tmp_path):
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, OCTOBER])
    publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 13))
    warehouse.connection.execute("ALTER TABLE report_billing_daily ADD COLUMN note VARCHAR DEFAULT 'n'")

    second = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 14))

    assert second.rewrote_all is not None and second.months_linked == {table: 0 for table in MONTHLY_TABLES}
    assert ask_fresh_analyst(second.path, "SELECT DISTINCT note FROM report_billing_daily") == ["n"]
    assert_copy_equals_warehouse(warehouse, second)


def test_an_unreadable_previous_version_is_not_reused(warehouse, tmp_path):
    folder = tmp_path / "analytics"
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, OCTOBER])
    first = publish_analytics_copy(warehouse, folder, now=at(date(2026, 10, 10), 13))
    second = publish_analytics_copy(warehouse, folder, now=at(date(2026, 10, 10), 14))
    (version_dir(second) / "published.parquet").write_bytes(b"not parquet")

    third = publish_analytics_copy(warehouse, folder, now=at(date(2026, 10, 10), 15))
    assert third.rewrote_all is None  # the newest version that can be read serves: the first
    assert month_file(third, "delivery_outcomes", "2026-08").samefile(
        month_file(first, "delivery_outcomes", "2026-08")
    )
    for result in (first, third):
        (version_dir(result) / "published.parquet").unlink()

    fourth = publish_analytics_copy(warehouse, folder, now=at(date(2026, 10, 10), 16))
    assert fourth.rewrote_all == "no readable previous version"
    assert fourth.months_written["delivery_outcomes"] == ["2026-08", "2026-10"]
    assert_copy_equals_warehouse(warehouse, fourth)


def test_a_previous_version_that_does_not_add_up_is_repaired(warehouse, tmp_path):
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, SEPTEMBER, OCTOBER])
    first = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 13))
    month_file(first, "report_delivery_daily", "2026-08").unlink()  # a file lost from the previous version
    # Rows written without recording the days they changed: the months no longer add up to the table.
    warehouse.connection.execute(
        SYNTHETIC_OUTCOMES.replace("'syn-'", "'stray-'"), {"days": [AUGUST], "per_day": 2}
    )

    second = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 14))

    assert second.rewrote_all is None
    assert second.months_written["delivery_outcomes"] == MONTHS  # every month: the total was off
    assert second.months_written["report_delivery_daily"] == ["2026-08"]  # the lost file, written again
    assert second.months_linked["report_refunds_daily"] == 3
    assert_copy_equals_warehouse(warehouse, second)


def test_a_file_system_without_hard_links_gets_copies(warehouse, tmp_path, monkeypatch):
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, OCTOBER])
    first = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 13))

    def no_links(source, target):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(publish_module.os, "link", no_links)
    second = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 14))

    assert second.months_written["delivery_outcomes"] == [] and second.months_linked["delivery_outcomes"] == 2
    copied, original = (
        month_file(second, "delivery_outcomes", "2026-08"),
        month_file(first, "delivery_outcomes", "2026-08"),
    )
    assert not copied.samefile(original) and copied.read_bytes() == original.read_bytes()
    assert_copy_equals_warehouse(warehouse, second)


def test_an_empty_table_still_has_a_view_with_its_columns(warehouse, tmp_path):
    empty = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10)))
    for table in MONTHLY_TABLES:
        assert files_of(empty, table) == [EMPTY_FILE]
        columns = ask_fresh_analyst(
            empty.path,
            f"SELECT list(column_name ORDER BY column_index), count(*) FILTER (WHERE data_type = 'DATE') "
            f"FROM duckdb_columns() WHERE table_name = '{table}'",
        )
        names = [row[0] for row in warehouse.connection.execute(f"DESCRIBE {table}").fetchall()]
        assert columns[0] == str(names) and int(columns[1]) >= 1, table
        assert ask_fresh_analyst(empty.path, f"SELECT count(*) FROM {table}") == ["0"]
    assert_copy_equals_warehouse(warehouse, empty)

    add_outcomes(warehouse, at(date(2026, 10, 11)), [OCTOBER])
    filled = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 11), 13))
    assert files_of(filled, "delivery_outcomes") == ["2026-10.parquet"]
    synthetic_build(
        warehouse,
        at(date(2026, 10, 12)),
        [OCTOBER],
        "DELETE FROM delivery_outcomes WHERE activity_date = $day",
        day=OCTOBER,
    )
    emptied = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 12), 13))
    assert files_of(emptied, "delivery_outcomes") == [EMPTY_FILE]
    assert ask_fresh_analyst(emptied.path, "SELECT count(*) FROM delivery_outcomes") == ["0"]
    assert_copy_equals_warehouse(warehouse, emptied)


def test_pruning_the_version_a_file_was_linked_from_leaves_the_current_one_whole(warehouse, tmp_path):
    folder = tmp_path / "analytics"
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, SEPTEMBER, OCTOBER])
    first = publish_analytics_copy(warehouse, folder, now=at(date(2026, 10, 10), 13), keep_versions=1)
    synthetic_build(
        warehouse,
        at(date(2026, 10, 11)),
        [OCTOBER],
        "DELETE FROM delivery_outcomes WHERE message_key = (SELECT min(message_key) FROM delivery_outcomes "
        "WHERE activity_date = $day)",
        day=OCTOBER,
    )
    # Kept: the newest version only, and no grace period: the first version goes as soon as it is replaced.
    second = publish_analytics_copy(
        warehouse, folder, now=at(date(2026, 10, 11), 13), keep_versions=1, retention=timedelta(0)
    )

    assert second.versions_removed == [first.version] and not version_dir(first).exists()
    assert second.months_linked == {table: 2 for table in MONTHLY_TABLES}
    for table in MONTHLY_TABLES:
        assert month_file(second, table, "2026-08").stat().st_nlink == 1  # its first name went with the first
    assert ask_fresh_analyst(second.path) == ["14", "14", "9", second.version]
    assert_copy_equals_warehouse(warehouse, second)
    third = publish_analytics_copy(warehouse, folder, now=at(date(2026, 10, 12), 13))  # links from the second
    assert month_file(third, "delivery_outcomes", "2026-08").samefile(
        month_file(second, "delivery_outcomes", "2026-08")
    )
    assert_copy_equals_warehouse(warehouse, third)


def test_a_report_day_of_unknown_build_time_is_written_again_every_time(warehouse, tmp_path):
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, SEPTEMBER, OCTOBER])
    publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 13))
    # A day built before build times were recorded.
    unknown = "UPDATE report_day_builds SET built_at = NULL WHERE activity_date = $1"
    warehouse.connection.execute(unknown, [AUGUST])

    again = publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 14))

    assert again.months_written["delivery_outcomes"] == []
    assert all(again.months_written[table] == ["2026-08"] for table in REPORT_TABLES)
    assert_copy_equals_warehouse(warehouse, again)


def test_a_copy_of_another_warehouse_is_not_reused(warehouse, tmp_path):
    add_outcomes(warehouse, at(date(2026, 10, 10)), [AUGUST, OCTOBER])
    publish_analytics_copy(warehouse, tmp_path / "analytics", now=at(date(2026, 10, 10), 13))
    with WarehouseResource(database=str(tmp_path / "rebuilt.duckdb")).open() as rebuilt:
        add_outcomes(rebuilt, at(date(2026, 10, 11)), [OCTOBER], per_day=3)
        again = publish_analytics_copy(rebuilt, tmp_path / "analytics", now=at(date(2026, 10, 11), 13))
        assert again.rewrote_all == "the previous version holds builds this warehouse does not have"
        assert files_of(again, "delivery_outcomes") == ["2026-10.parquet"]
        assert_copy_equals_warehouse(rebuilt, again)
