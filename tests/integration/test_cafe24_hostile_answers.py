"""Hostile sms_list answers over loopback HTTP: lying totals, bytes XML cannot hold, impossible dates,
redirects, unreachable hosts and vendor text that would drive a terminal."""

import json
import socket
import tracemalloc
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from pipelines.cafe24.client import ClientConfig, SmsListClient
from pipelines.cafe24.errors import Cafe24Error, Cafe24TransientError, Cafe24UnavailableError
from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.cafe24.windows import SmsType, Window
from pipelines.kst import KST
from pipelines.simulator import Cafe24Simulator
from pipelines.simulator.wire import minute_stamp
from tests.conftest import ACCOUNT, DAY, SECRET, client_config, rows_on, sms

ESC = "\x1b"


def stored(warehouse, columns: str = "msg") -> list[tuple]:
    return warehouse.connection.execute(f"SELECT {columns} FROM cafe24_messages ORDER BY 1").fetchall()


def quarantined(warehouse) -> list[tuple[str, dict]]:
    rows = warehouse.connection.execute("SELECT reason, record FROM cafe24_quarantine ORDER BY 1").fetchall()
    return [(reason, json.loads(record)) for reason, record in rows]


def ingest_day(client, warehouse):
    return ingest_cafe24(client, warehouse, DAY, DAY, lookback_days=0)


def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client_config_for(url: str, **overrides) -> ClientConfig:
    """A client configuration for an address where no simulator answers."""
    values = {
        "url": url,
        "user_id": ACCOUNT,
        "secure": SECRET,
        "timeout_seconds": 0.5,
        "backoff_seconds": 0.01,
    }
    return ClientConfig(**{**values, **overrides})


@pytest.fixture
def one_attempt_client(simulator: Cafe24Simulator) -> Iterator[SmsListClient]:
    """One attempt per page: a test that expects no retry sees any retry as a failure, quickly."""
    with SmsListClient(client_config(simulator, max_attempts=1)) as sms_list:
        yield sms_list


# 1. A totalCnt that claims far more rows than the window holds


@pytest.mark.timeout(30)
def test_a_huge_lying_total_count_costs_a_few_requests_not_one_per_claimed_page(simulator):
    simulator.load(ACCOUNT, rows_on(DAY, 5))
    simulator.rewrite_answers(b"<totalCnt>5</totalCnt>", b"<totalCnt>1000000000</totalCnt>")
    config = client_config(simulator, page_size=2, concurrency=2)
    tracemalloc.start()
    try:
        with SmsListClient(config) as client:
            listing = client.fetch_window(Window.day(DAY), SmsType.SMS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len({(r["receivePhone"], r["sendDateTime"]) for r in listing.records}) == len(listing.records) == 5
    # Each read: the first page (startNo 0), the full page after it (2), then 2 x concurrency = 4 pages from
    # the first short one (startNo 4) on: 4, 6, 8, 10. The read disagrees with its total, so the window is
    # read again; the two reads list the same rows, which the consistency check accepts.
    starts = [int(entry["startNo"]) for entry in simulator.request_log]
    assert sorted(starts) == sorted([0, 2, 4, 6, 8, 10] * 2)
    assert listing.requests == simulator.requests == 12 and listing.rereads == 1
    assert simulator.most_in_flight <= config.concurrency
    assert peak < 5 * 2**20


# 2. Control characters and invalid UTF-8 inside a message's text


def test_control_characters_in_a_message_are_stored_escaped_without_a_retry(
    simulator, one_attempt_client, warehouse
):
    simulator.load(
        ACCOUNT,
        [
            sms(minute=1, text=f"bell\x07 and {ESC}[31mred{ESC}[0m"),
            sms(minute=2, text="null\x00byte", to="010-2222-3333"),
            sms(minute=3, sms_type="LMS", subject="title\x01", text="form\x0cfeed"),
        ],
    )
    stats = ingest_day(one_attempt_client, warehouse)
    assert simulator.requests == 2 and stats.rows_new == 3 and stats.balanced
    assert stored(warehouse, "msg, subject") == [
        ("bell\\x07 and \\x1b[31mred\\x1b[0m", None),
        ("form\\x0cfeed", "title\\x01"),
        ("null\\x00byte", None),
    ]
    # The archive keeps the body as it was received.
    bodies = [row[0] for row in warehouse.connection.execute("SELECT body FROM cafe24_raw_pages").fetchall()]
    assert any(f"{ESC}[31mred" in body for body in bodies)


def test_invalid_utf8_in_a_message_is_stored_escaped_without_a_retry(
    simulator, one_attempt_client, warehouse
):
    simulator.load(
        ACCOUNT,
        [
            sms(minute=1, text="café @BROKEN@ ok"),
            sms(minute=2, sms_type="LMS", subject="@BROKEN-SUBJECT@", text="본문"),
        ],
    )
    simulator.rewrite_answers(b"@BROKEN@", b"\xff\xfe")
    simulator.rewrite_answers(b"@BROKEN-SUBJECT@", b"\xc3(\xed\xa0\x80")  # a bad sequence, a surrogate
    stats = ingest_day(one_attempt_client, warehouse)
    assert simulator.requests == 2 and stats.rows_new == 2
    assert stored(warehouse, "msg, subject") == [
        ("café \\xff\\xfe ok", None),
        ("본문", "\\xc3(\\xed\\xa0\\x80"),
    ]
    # The archive keeps the body as received, undecodable bytes shown as U+FFFD.
    bodies = [row[0] for row in warehouse.connection.execute("SELECT body FROM cafe24_raw_pages").fetchall()]
    assert any("café \ufffd\ufffd ok" in body for body in bodies)


def test_reading_the_same_escaped_text_twice_adds_nothing(simulator, client, warehouse):
    simulator.load(ACCOUNT, [sms(minute=1, text=f"{ESC}[2J wiped <BAD>")])
    simulator.rewrite_answers(b"<BAD>", b"\x80")
    first, second = ingest_day(client, warehouse), ingest_day(client, warehouse)
    assert (first.rows_new, second.rows_new, second.rows_unchanged) == (1, 0, 1)
    assert stored(warehouse) == [("\\x1b[2J wiped \\x80",)]


def test_a_truncated_body_with_control_characters_is_still_retried(simulator, warehouse):
    simulator.load(ACCOUNT, [sms(minute=i, to=f"010-3333-{i:04d}", text=f"row {i}\x02") for i in range(20)])
    simulator.inject("truncated")
    with SmsListClient(client_config(simulator, max_attempts=2)) as client:
        stats = ingest_day(client, warehouse)
    assert simulator.requests == 2 + 1 and stats.rows_new == 20


# 3. Dates at the edge of the calendar


def test_implausible_dates_are_quarantined_and_the_rest_of_the_window_is_stored(simulator, client, warehouse):
    now = datetime.now(KST).replace(tzinfo=None, second=0, microsecond=0)
    ahead = now + timedelta(days=300)  # a reservation well ahead: plausible
    messages = [
        *rows_on(DAY, 3),
        sms(minute=30, to="010-9000-0001"),  # becomes year 9999
        sms(minute=31, to="010-9000-0002"),  # becomes year 0001
        sms(minute=32, to="010-9000-0003"),  # becomes 1999-12-31 23:59, just before the floor
        sms(minute=33, to="010-9000-0004"),  # becomes 400 days after the read
        sms(minute=34, to="010-9000-0005"),  # becomes 300 days after the read
        sms(minute=35, to="010-9000-0006", status=9, refund_at=datetime(DAY.year, DAY.month, DAY.day, 12, 1)),
    ]
    simulator.load(ACCOUNT, messages)
    sent = {
        minute: minute_stamp(datetime(DAY.year, DAY.month, DAY.day, 9, minute)) for minute in range(30, 35)
    }
    for minute, fake in [
        (30, "999912312359"),
        (31, "000101010000"),
        (32, "199912312359"),
        (33, minute_stamp(now + timedelta(days=400))),
        (34, minute_stamp(ahead)),
    ]:
        simulator.rewrite_answers(f">{sent[minute]}<".encode(), f">{fake}<".encode())
    simulator.rewrite_answers(b"<refundDate>202610031201<", b"<refundDate>999912312359<")

    stats = ingest_day(client, warehouse)

    assert (stats.rows_read, stats.rows_new, stats.rows_quarantined) == (9, 4, 5)
    assert stats.balanced
    rows = stored(warehouse, "recipient, sent_at")  # read back into Python: no date out of range
    assert [recipient for recipient, _ in rows] == [
        "01010000000",
        "01010000001",
        "01010000002",
        "01090000005",
    ]
    assert rows[-1][1] == ahead.replace(tzinfo=KST)
    found = quarantined(warehouse)
    send_reason, refund_reason = (
        f"{field} is before 2000-01-01 or more than 366 days after the read"
        for field in ("sendDateTime", "refundDate")
    )
    assert [reason for reason, _ in found] == [refund_reason, *[send_reason] * 4]
    received = {record["receivePhone"]: record for _, record in found}
    assert received["010-9000-0001"]["sendDateTime"] == "999912312359"
    assert received["010-9000-0002"]["sendDateTime"] == "000101010000"
    assert received["010-9000-0003"]["sendDateTime"] == "199912312359"
    assert "010-9000-0004" in received
    assert received["010-9000-0006"]["refundDate"] == "999912312359"


# 4. Redirects and unreachable hosts


def test_a_redirect_stops_at_once_and_points_at_the_url_setting(simulator):
    simulator.load(ACCOUNT, rows_on(DAY, 3))
    simulator.inject("redirect")
    with SmsListClient(client_config(simulator)) as client, pytest.raises(Cafe24Error) as caught:
        client.fetch_window(Window.day(DAY), SmsType.SMS)
    message = str(caught.value)
    assert not isinstance(caught.value, Cafe24TransientError | Cafe24UnavailableError)
    assert "HTTP 302" in message and "CAFE24_SMS_LIST_URL" in message and "/moved/sms_list.php" in message
    assert SECRET not in message
    assert simulator.requests == 1


def test_a_refused_connection_is_retried_then_named_as_refused():
    port = unused_port()
    config = client_config_for(f"http://127.0.0.1:{port}/sms_list.php", max_attempts=2)
    with SmsListClient(config) as client, pytest.raises(Cafe24UnavailableError) as caught:
        client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert f"after 2 attempts; last fault: connection refused by 127.0.0.1:{port}" in str(caught.value)
    assert client.requests == 2


def test_an_unknown_host_is_named_as_not_resolved():
    config = client_config_for("http://no-such-host.invalid/sms_list.php", max_attempts=1)
    with SmsListClient(config) as client, pytest.raises(Cafe24UnavailableError) as caught:
        client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert "the host name no-such-host.invalid could not be resolved" in str(caught.value)


# 5. Vendor text in error messages


def test_a_vendor_code_with_terminal_escapes_is_shown_escaped(simulator, one_attempt_client):
    simulator.rewrite_answers(b"<code>0000</code>", f"<code>{ESC}[31m-999</code>".encode())
    with pytest.raises(Cafe24Error) as caught:
        one_attempt_client.fetch_window(Window.day(DAY), SmsType.SMS)
    message = str(caught.value)
    assert not isinstance(caught.value, Cafe24TransientError | Cafe24UnavailableError)
    assert ESC not in message and "\\x1b[31m-999" in message
    assert message.isprintable()


@pytest.mark.parametrize(
    "code", ["9" * 5000, "\u202e999-", "\x9b31m-999 " * 300], ids=["long", "bidi-override", "c1-csi-long"]
)
def test_a_vendor_code_in_an_error_is_printable_and_bounded(simulator, one_attempt_client, code):
    simulator.rewrite_answers(b"<code>0000</code>", f"<code>{code}</code>".encode())
    with pytest.raises(Cafe24Error) as caught:
        one_attempt_client.fetch_window(Window.day(DAY), SmsType.SMS)
    message = str(caught.value)
    assert message.isprintable() and len(message) < 300


def test_a_total_count_that_is_no_number_is_shown_printable_and_bounded(simulator, one_attempt_client):
    simulator.rewrite_answers(
        b"<totalCnt>0</totalCnt>", f"<totalCnt>{ESC}]0;pwned\x07{'7' * 9000}</totalCnt>".encode()
    )
    with pytest.raises(Cafe24UnavailableError) as caught:
        one_attempt_client.fetch_window(Window.day(DAY), SmsType.SMS)
    message = str(caught.value)
    assert message.isprintable() and len(message) < 400 and "\\x1b]0;pwned" in message
