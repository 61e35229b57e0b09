"""The sms_list client over real HTTP against the loopback simulator: request counts, faults, consistency."""

import math
import time
from datetime import timedelta

import pytest

from pipelines.cafe24.client import SmsListClient
from pipelines.cafe24.errors import Cafe24AuthError, Cafe24ParameterError, Cafe24UnavailableError
from pipelines.cafe24.windows import SmsType, Window
from pipelines.kst import today_kst
from pipelines.simulator import Cafe24Simulator
from tests.conftest import ACCOUNT, DAY, SECRET, client_config, rows_on, sms


@pytest.mark.parametrize("rows", [0, 1, 49, 50, 51, 101])
def test_a_window_costs_exactly_the_minimum_requests(simulator, client, rows):
    simulator.load(ACCOUNT, rows_on(DAY, rows))
    listing = client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert len(listing.records) == rows
    assert simulator.requests == max(1, math.ceil(rows / 50))
    assert listing.requests == simulator.requests and listing.rereads == 0


def test_sms_and_lms_are_listed_apart(simulator, client):
    simulator.load(ACCOUNT, [*rows_on(DAY, 3), *rows_on(DAY, 2, sms_type="LMS", subject="제목")])
    assert len(client.fetch_window(Window.day(DAY), SmsType.SMS).records) == 3
    lms = client.fetch_window(Window.day(DAY), SmsType.LMS).records
    assert len(lms) == 2 and lms[0]["subject"] == "제목"
    assert [entry["smsType"] for entry in simulator.request_log] == ["", "lms"]


def test_every_request_asks_for_all_statuses_and_pages_of_fifty(simulator, client):
    simulator.load(ACCOUNT, rows_on(DAY, 60))
    client.fetch_window(Window(DAY, 7), SmsType.SMS)
    first, second = simulator.request_log
    assert (first["startNo"], second["startNo"]) == ("0", "50")
    assert first["displayNo"] == "50" and first["sendStatus"] == "" and first["sendType"] == ""
    assert (first["date"], first["day"]) == (DAY.strftime("%Y%m%d"), "7")
    assert "secure" not in first


@pytest.mark.parametrize(
    "fault", ["timeout", "reset", "http500", "http503", "code-100", "code0099", "truncated", "html"]
)
def test_each_transient_fault_is_retried_and_nothing_is_lost(simulator, fault):
    simulator.load(ACCOUNT, rows_on(DAY, 120))
    simulator.timeout_delay = 1.0
    simulator.inject(fault)
    with SmsListClient(client_config(simulator, timeout_seconds=0.3, max_backoff_seconds=1.5)) as client:
        listing = client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert len(listing.records) == 120
    assert len({(r["receivePhone"], r["sendDateTime"]) for r in listing.records}) == 120
    assert simulator.requests == 3 + 1


def test_retry_after_is_honoured(simulator):
    simulator.load(ACCOUNT, rows_on(DAY, 3))
    simulator.inject("http503")
    with SmsListClient(client_config(simulator, max_backoff_seconds=5)) as client:
        started = time.perf_counter()
        client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert time.perf_counter() - started >= 1.0


def test_persistent_faults_fail_loudly_after_the_attempt_budget(simulator):
    simulator.load(ACCOUNT, rows_on(DAY, 3))
    simulator.inject("http500", times=10)
    with (
        SmsListClient(client_config(simulator, max_attempts=3)) as client,
        pytest.raises(Cafe24UnavailableError, match="after 3 attempts; last fault: HTTP 500"),
    ):
        client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert simulator.requests == 3


def test_a_later_page_gets_the_same_attempt_budget_as_the_first(simulator):
    simulator.load(ACCOUNT, rows_on(DAY, 100))  # two pages: the first, then the one after it
    simulator.inject("none")
    simulator.inject("http500", times=10)
    with (
        SmsListClient(client_config(simulator, max_attempts=3, concurrency=1)) as client,
        pytest.raises(Cafe24UnavailableError, match="startNo 50\\) after 3 attempts; last fault: HTTP 500"),
    ):
        client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert simulator.requests == 1 + 3  # the first page, then the second page's three attempts


def test_a_wrong_secure_key_stops_at_once_without_showing_it(simulator):
    with (
        SmsListClient(client_config(simulator, secure="wrong-" + SECRET)) as client,
        pytest.raises(Cafe24AuthError) as caught,
    ):
        client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert "authentication" in str(caught.value)
    assert SECRET not in str(caught.value) and "wrong-" not in str(caught.value)
    assert simulator.requests == 1


def test_a_missing_parameter_stops_at_once(simulator):
    with SmsListClient(client_config(simulator, user_id="")) as client, pytest.raises(Cafe24ParameterError):
        client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert simulator.requests == 1


def test_sends_while_paging_make_the_window_read_again_without_loss_or_duplicates(simulator, client):
    today = today_kst()
    simulator.load(ACCOUNT, rows_on(today, 120))
    arriving = [sms(today, 700 + i, to=f"010-9999-{i:04d}", text="late") for i in range(7)]
    simulator.add_during_paging(arriving, after_request=1)
    listing = client.fetch_window(Window.day(today), SmsType.SMS)
    keys = [(r["receivePhone"], r["sendDateTime"], r["msg"]) for r in listing.records]
    assert len(keys) == len(set(keys)) == 127
    assert listing.rereads == 1


@pytest.mark.parametrize("mode", ["remaining", "absent"])
def test_total_count_as_rows_remaining_or_absent(mode, client, simulator):
    simulator.total_count = mode
    simulator.load(ACCOUNT, rows_on(DAY, 101))
    listing = client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert len(listing.records) == 101
    assert simulator.requests == 3


def test_without_total_count_a_full_last_page_costs_one_empty_request(client, simulator):
    simulator.total_count = "absent"
    simulator.load(ACCOUNT, rows_on(DAY, 100))
    assert len(client.fetch_window(Window.day(DAY), SmsType.SMS).records) == 100
    assert simulator.requests == 3


def test_bare_phone_numbers_are_read_as_they_come():
    with Cafe24Simulator(accounts={ACCOUNT: SECRET}, phone_format="bare") as simulator:
        simulator.load(ACCOUNT, rows_on(DAY, 2))
        with SmsListClient(client_config(simulator)) as client:
            records = client.fetch_window(Window.day(DAY), SmsType.SMS).records
    assert all(r["receivePhone"].isdigit() for r in records)


def test_windows_are_inclusive_of_both_ends(simulator, client):
    window = Window(DAY, 7)
    simulator.load(
        ACCOUNT,
        [
            sms(window.first_day),
            sms(DAY),
            sms(DAY + timedelta(days=1)),
            sms(window.first_day - timedelta(days=1)),
        ],
    )
    assert len(client.fetch_window(window, SmsType.SMS).records) == 2
