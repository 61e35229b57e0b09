"""Cafe24 ingestion into a real DuckDB file: identity, late changes, idempotency, crash and re-run."""

import math
import os
import re
import signal
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from assets.resources import WarehouseResource
from pipelines.cafe24.answer import parse_answer
from pipelines.cafe24.client import FetchedPage, SmsListClient, WindowListing
from pipelines.cafe24.errors import Cafe24AuthError, Cafe24UnavailableError
from pipelines.cafe24.ingest import ingest_cafe24, write_window
from pipelines.cafe24.windows import SmsType, Window
from pipelines.kst import KST
from tests.conftest import ACCOUNT, DAY, SECRET, client_config, rows_on, sms

MESSAGE_COLUMNS = (
    "message_key, account, message_type, send_mode, sender, recipient, subject, msg, sent_at, "
    "activity_date, send_status, is_final, refund_date"
)


def messages(warehouse) -> list[tuple]:
    return warehouse.connection.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM cafe24_messages ORDER BY 1"
    ).fetchall()


def count(warehouse, table: str) -> int:
    return warehouse.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def ingest(client, warehouse, first: date = DAY, last: date = DAY, lookback: int = 0):
    return ingest_cafe24(client, warehouse, first, last, lookback_days=lookback)


def test_every_message_lands_once_with_its_day_and_fields(simulator, client, warehouse):
    simulator.load(
        ACCOUNT, [*rows_on(DAY, 60), *rows_on(DAY + timedelta(days=1), 5, sms_type="LMS", subject="공지")]
    )
    stats = ingest(client, warehouse, DAY, DAY + timedelta(days=1))
    assert (stats.rows_read, stats.rows_new, stats.window_reads) == (65, 65, 2)
    assert stats.balanced
    rows = warehouse.connection.execute(
        "SELECT message_type, activity_date, count(*) FROM cafe24_messages GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert rows == [("LMS", DAY + timedelta(days=1), 5), ("SMS", DAY, 60)]
    sent_at, recipient, sender, mode = warehouse.connection.execute(
        "SELECT sent_at, recipient, sender, send_mode FROM cafe24_messages WHERE message_type = 'SMS' LIMIT 1"
    ).fetchone()
    assert sent_at.utcoffset() == timedelta(hours=9)
    assert recipient.isdigit() and sender == "021234567" and mode == "immediate"


def test_identical_messages_in_one_minute_stay_two_rows_and_rereads_add_none(simulator, client, warehouse):
    simulator.load(ACCOUNT, [sms(minute=5), sms(minute=5), sms(minute=6)])
    first = ingest(client, warehouse)
    second = ingest(client, warehouse)
    assert count(warehouse, "cafe24_messages") == 3
    assert (first.rows_new, second.rows_new, second.rows_unchanged) == (3, 0, 3)
    ordinals = warehouse.connection.execute(
        "SELECT ordinal FROM cafe24_messages WHERE send_date_time LIKE '%0905' ORDER BY 1"
    ).fetchall()
    assert ordinals == [(0,), (1,)]


def test_running_twice_leaves_the_warehouse_as_after_once(simulator, client, warehouse):
    simulator.load(ACCOUNT, rows_on(DAY, 75))
    ingest(client, warehouse)
    after_once = messages(warehouse)
    ingest(client, warehouse)
    assert messages(warehouse) == after_once
    assert count(warehouse, "cafe24_status_history") == 0


def test_late_status_changes_and_refunds_update_the_stored_row(simulator, client, warehouse):
    pending = [sms(minute=i, to=f"010-5555-000{i}", status=1) for i in range(3)]
    simulator.load(ACCOUNT, pending)
    ingest(client, warehouse)
    pending[0].status = 3
    pending[1].status = 9
    ingest(client, warehouse)
    pending[1].refund_at = datetime(DAY.year, DAY.month, DAY.day, 12, 30)
    stats = ingest(client, warehouse)
    assert stats.rows_updated == 1 and stats.rows_new == 0
    statuses = warehouse.connection.execute(
        "SELECT recipient, send_status, is_final, refunded_at FROM cafe24_messages ORDER BY recipient"
    ).fetchall()
    assert [(s, f) for _, s, f, _ in statuses] == [(3, True), (9, True), (1, False)]
    assert statuses[1][3] == datetime(DAY.year, DAY.month, DAY.day, 12, 30, tzinfo=KST)
    assert count(warehouse, "cafe24_status_history") == 3


def test_a_final_status_never_goes_back(simulator, client, warehouse):
    message = sms(status=9)
    simulator.load(ACCOUNT, [message])
    ingest(client, warehouse)
    message.status = 1
    stats = ingest(client, warehouse)
    assert stats.final_regressions_ignored == 1
    assert warehouse.connection.execute("SELECT send_status FROM cafe24_messages").fetchall() == [(9,)]


def test_identical_messages_with_different_outcomes_keep_both_outcomes(simulator, client, warehouse):
    delivered_first, pending_twin = sms(minute=1, status=3), sms(minute=1, status=1)
    simulator.load(ACCOUNT, [delivered_first, pending_twin])
    ingest(client, warehouse)
    pending_twin.status = 9
    ingest(client, warehouse)
    pending_twin.refund_at = datetime(DAY.year, DAY.month, DAY.day, 10)
    ingest(client, warehouse)
    outcomes = warehouse.connection.execute(
        "SELECT send_status, refund_date IS NOT NULL FROM cafe24_messages ORDER BY 1"
    ).fetchall()
    assert outcomes == [(3, False), (9, True)]


def test_the_lookback_rereads_days_before_the_range(simulator, client, warehouse):
    earlier = sms(DAY - timedelta(days=2), status=1)
    simulator.load(ACCOUNT, [earlier, sms(DAY)])
    ingest(client, warehouse, DAY - timedelta(days=2), DAY - timedelta(days=2))
    earlier.status = 3
    stats = ingest(client, warehouse, DAY, DAY, lookback=3)
    assert (stats.first_day, stats.rows_updated, stats.rows_new) == (DAY - timedelta(days=3), 1, 1)


def _listing(window: Window, records_xml: str) -> WindowListing:
    body = f"<API><code>0000</code><totalCnt>9</totalCnt><data>{records_xml}</data></API>".encode()
    page = FetchedPage(0, {"user_id": ACCOUNT}, body, datetime.now(KST), parse_answer(body))
    return WindowListing(window, SmsType.SMS, [page], requests=1, rereads=0)


def _record(send_date_time: str, status: str = "3") -> str:
    return (
        "<record><sendType>I</sendType><sendPhone>0212345678</sendPhone><receivePhone>01012345678</receivePhone>"
        f"<msg>hi</msg><sendDateTime>{send_date_time}</sendDateTime><sendStatus>{status}</sendStatus></record>"
    )


def test_records_outside_the_window_are_kept_under_their_own_day_and_counted(warehouse):
    window = Window.day(DAY)
    outside = _record("202610011200")
    fetch = write_window(warehouse, ACCOUNT, _listing(window, _record("202610030900") + outside))
    again = write_window(warehouse, ACCOUNT, _listing(Window.day(date(2026, 10, 1)), outside))
    assert (fetch["rows_outside_window"], fetch["rows_new"], again["rows_new"]) == (1, 2, 0)
    days = warehouse.connection.execute("SELECT activity_date FROM cafe24_messages ORDER BY 1").fetchall()
    assert days == [(date(2026, 10, 1),), (DAY,)]


def test_records_that_cannot_be_stored_are_quarantined_with_a_reason(warehouse):
    listing = _listing(
        Window.day(DAY), _record("202610030900") + _record("20261003") + _record("202610030901", "x")
    )
    fetch = write_window(warehouse, ACCOUNT, listing)
    assert (fetch["rows_read"], fetch["rows_new"], fetch["rows_quarantined"]) == (3, 1, 2)
    reasons = warehouse.connection.execute("SELECT reason FROM cafe24_quarantine ORDER BY 1").fetchall()
    assert reasons == [
        ("sendDateTime is missing or not YYYYMMDDHHII",),
        ("sendStatus is missing or not a number",),
    ]


def test_raw_pages_are_archived_without_the_secret(simulator, client, warehouse):
    simulator.load(ACCOUNT, rows_on(DAY, 51))
    ingest(client, warehouse)
    pages = warehouse.connection.execute(
        "SELECT start_no, request_fields::VARCHAR, body, body_sha256 FROM cafe24_raw_pages "
        "JOIN cafe24_fetches USING (fetch_id) WHERE message_type = 'SMS' ORDER BY 1"
    ).fetchall()
    assert [p[0] for p in pages] == [0, 50]
    assert all(SECRET not in p[1] and "secure" not in p[1] for p in pages)
    assert "<totalCnt>51</totalCnt>" in pages[1][2]


def test_a_failed_run_commits_nothing_of_its_failing_window(simulator, warehouse):
    simulator.load(ACCOUNT, rows_on(DAY, 120))
    simulator.inject("http500", times=1)
    with (
        SmsListClient(client_config(simulator, max_attempts=1)) as client,
        pytest.raises(Cafe24UnavailableError),
    ):
        ingest(client, warehouse)
    # The day's SMS and LMS windows are read side by side, so the fault meets either one's first request;
    # the request log says which. The failing window leaves nothing. Windows are written in order, SMS
    # first: a failed SMS read stops the run before anything commits, while after a failed LMS read the
    # SMS window, read whole, has committed whole.
    sms_window_failed = simulator.request_log[0].get("smsType", "") == SmsType.SMS.value
    committed = warehouse.connection.execute(
        "SELECT f.message_type, f.pages, count(p.fetch_id) FROM cafe24_fetches AS f "
        "LEFT JOIN cafe24_raw_pages AS p USING (fetch_id) GROUP BY ALL"
    ).fetchall()
    assert committed == ([] if sms_window_failed else [("SMS", 3, 3)])
    assert count(warehouse, "cafe24_messages") == (0 if sms_window_failed else 120)
    assert count(warehouse, "cafe24_raw_pages") == (0 if sms_window_failed else 3)


def test_authentication_failure_writes_nothing(simulator, warehouse):
    simulator.load(ACCOUNT, rows_on(DAY, 5))
    with SmsListClient(client_config(simulator, secure="nope")) as client, pytest.raises(Cafe24AuthError):
        ingest(client, warehouse)
    assert count(warehouse, "cafe24_fetches") == 0


# What the ingestion logs once a window read has committed (pipelines/cafe24/ingest.py, `progress`).
WINDOW_COMMITTED = re.compile(r"cafe24 (SMS|LMS) .+: \d+ rows \(\d+ new, \d+ updated\) in \d+ requests")


def weeks_of(rows: list[tuple], first: date, weeks: int) -> list[tuple]:
    """The rows of `messages` whose activity_date lies in the first `weeks` weeks from `first`."""
    return [row for row in rows if row[9] < first + timedelta(weeks=weeks)]


@pytest.mark.parametrize("killed_after_windows", [1, 2, 3])
def test_killing_the_run_at_any_moment_then_rerunning_equals_an_uninterrupted_run(
    simulator, tmp_path, killed_after_windows
):
    """21 days are 6 window reads (3 weeks, SMS and LMS), written in order while the next ones are read.
    The run is killed right after its n-th window committed, with later windows mid-read; every message
    of the third week is still to come, so the crashed warehouse holds a non-empty strict part."""
    first, last = DAY, DAY + timedelta(days=20)
    traffic = [m for offset in range(21) for m in rows_on(first + timedelta(days=offset), 30 + offset)]
    simulator.load(ACCOUNT, traffic)
    uninterrupted, crashed = (
        WarehouseResource(database=str(tmp_path / name)) for name in ("a.duckdb", "b.duckdb")
    )
    with SmsListClient(client_config(simulator)) as client, uninterrupted.open() as wh:
        ingest(client, wh, first, last)
        expected = messages(wh)

    simulator.reset_counters()
    simulator.latency = 0.05
    environment = {
        **os.environ,
        "CAFE24_SMS_LIST_URL": simulator.url,
        "CAFE24_SMS_USER_ID": ACCOUNT,
        "CAFE24_SMS_SECURE": SECRET,
        "CAFE24_LOOKBACK_DAYS": "0",
        "SMS_WAREHOUSE": crashed.database,
    }
    command = [sys.executable, "-m", "pipelines", "run", "--start", str(first), "--end", str(last)]
    run = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    committed = 0
    for line in run.stderr:  # Dagster's console log; the process ends the loop if it exits first
        committed += bool(WINDOW_COMMITTED.search(line))
        if committed == killed_after_windows:
            break
    run.kill()
    run.stderr.close()
    assert run.wait() == -signal.SIGKILL, "the run finished before it could be killed"
    assert committed == killed_after_windows

    simulator.latency = 0
    with SmsListClient(client_config(simulator)) as client, crashed.open() as wh:
        # Whole weeks as the clean run stored them: at least the SMS weeks logged, never the third one.
        weeks_logged = (killed_after_windows + 1) // 2
        assert messages(wh) in [weeks_of(expected, first, weeks) for weeks in range(weeks_logged, 3)]
        ingest(client, wh, first, last)
        assert messages(wh) == expected
        assert count(wh, "cafe24_messages") == len(traffic)


def test_windows_read_side_by_side_stay_within_the_clients_concurrency(simulator, warehouse):
    """The next window is read while the current one is written, its pages through the same pool as every
    other page: never more requests at a time than the configured concurrency."""
    days, sms_per_day, lms_per_day = 8, 300, 40
    for offset in range(days):
        day = DAY + timedelta(days=offset)
        simulator.load(ACCOUNT, [*rows_on(day, sms_per_day), *rows_on(day, lms_per_day, sms_type="LMS")])
    simulator.latency = 0.03
    last_day = DAY + timedelta(days=days - 1)
    with SmsListClient(client_config(simulator, concurrency=3)) as client:
        stats = ingest_cafe24(client, warehouse, DAY, last_day, lookback_days=0, window_days=2)
    assert (stats.window_reads, stats.rows_new) == (8, days * (sms_per_day + lms_per_day))
    pages_per_window_pair = math.ceil(2 * sms_per_day / 50) + math.ceil(2 * lms_per_day / 50)
    assert stats.requests == days // 2 * pages_per_window_pair
    # Each read asks for the next one's first page while it runs; that request counts for its own window.
    recorded = warehouse.connection.execute(
        "SELECT DISTINCT message_type, requests FROM cafe24_fetches"
    ).fetchall()
    assert sorted(recorded) == [
        ("LMS", math.ceil(2 * lms_per_day / 50)),
        ("SMS", math.ceil(2 * sms_per_day / 50)),
    ]
    # How many are in flight at once depends on the machine's timing; the bound does not.
    assert simulator.most_in_flight <= 3


def test_pages_read_one_by_one_and_retries_also_go_through_the_pool(simulator, warehouse):
    """Without totalCnt a window is paged one request at a time, and a fault is retried by the pool thread
    fetching the page: no request, first or retry, is made outside the pool."""
    simulator.total_count = "absent"
    for offset in range(2):
        day = DAY + timedelta(days=offset)
        simulator.load(ACCOUNT, [*rows_on(day, 120), *rows_on(day, 70, sms_type="LMS")])
    simulator.latency = 0.02
    simulator.inject("none", times=3)
    simulator.inject("http500", times=2)
    config = client_config(simulator, concurrency=1, backoff_seconds=0.01, max_backoff_seconds=0.02)
    with SmsListClient(config) as client:
        stats = ingest_cafe24(client, warehouse, DAY, DAY + timedelta(days=1), lookback_days=0, window_days=1)
    assert (stats.window_reads, stats.rows_new) == (4, 2 * 190)
    assert stats.requests == 2 * (3 + 2) + 2  # pages of 50 until a short one, and the two retries
    assert simulator.most_in_flight == 1
