"""The sms_list client's waits between attempts, its reading of Retry-After, its page-consistency check,
and how it counts requests and re-reads of a window."""

import random
from datetime import datetime

import pytest

from pipelines.cafe24.answer import Page
from pipelines.cafe24.client import (
    ClientConfig,
    FetchedPage,
    SmsListClient,
    _pages_agree,
    _retry_after,
)
from pipelines.cafe24.errors import Cafe24WindowUnstableError
from pipelines.cafe24.windows import SmsType, Window
from tests.conftest import ACCOUNT, DAY, client_config, rows_on


@pytest.fixture
def offline_client():
    """A client that is never connected: waits of 5 s doubling up to 30 s, two re-reads of a window."""
    config = ClientConfig(
        url="http://127.0.0.1:9/",
        user_id="shop",
        secure="k",
        backoff_seconds=5.0,
        max_backoff_seconds=30.0,
        max_rereads=2,
    )
    with SmsListClient(config) as client:
        yield client


@pytest.fixture
def jitter_at_its_ceiling(monkeypatch):
    """random.uniform(low, high) returns `high`, and each range asked for is recorded."""
    asked: list[tuple[float, float]] = []

    def uniform(low, high):
        asked.append((low, high))
        return high

    monkeypatch.setattr(random, "uniform", uniform)
    return asked


def test_the_wait_doubles_with_each_attempt_up_to_its_ceiling(offline_client, jitter_at_its_ceiling):
    waits = [offline_client._backoff(attempt, None) for attempt in (1, 2, 3, 4, 5)]
    assert waits == [5.0, 10.0, 20.0, 30.0, 30.0]
    assert jitter_at_its_ceiling == [(0, 5.0), (0, 10.0), (0, 20.0), (0, 30.0), (0, 30.0)]


def test_retry_after_is_waited_up_to_the_ceiling_plus_a_tenth_of_the_jitter(
    offline_client, jitter_at_its_ceiling
):
    assert offline_client._backoff(1, 3.0) == 3.5
    assert offline_client._backoff(1, 100.0) == 30.5
    assert offline_client._backoff(2, 0.0) == 1.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("0.5", 0.5),
        ("7", 7.0),
        ("-1", None),
        ("inf", None),
        ("-inf", None),
        ("nan", None),
        ("", None),
    ],
)
def test_retry_after_is_a_finite_number_of_seconds_not_below_zero(header, seconds):
    assert _retry_after(header) == seconds


def fetched(start_no: int, rows: int, total: int | None) -> FetchedPage:
    records = [{"msg": f"{start_no + i}"} for i in range(rows)]
    return FetchedPage(start_no, {}, b"", datetime(2026, 10, 3), Page(records, total))


def test_pages_agree_when_every_page_claims_the_same_total_and_is_full():
    assert _pages_agree([fetched(0, 2, 5), fetched(2, 2, 5), fetched(4, 1, 5)], 5, 2)
    assert _pages_agree([fetched(0, 2, 5), fetched(2, 2, 3), fetched(4, 1, 1)], 5, 2)


def test_pages_disagree_when_the_second_page_claims_another_total():
    assert not _pages_agree([fetched(0, 2, 5), fetched(2, 2, 6), fetched(4, 1, 5)], 5, 2)


def test_pages_disagree_when_a_page_is_short_though_the_totals_agree():
    assert not _pages_agree([fetched(0, 2, 5), fetched(2, 1, 5), fetched(4, 1, 5)], 5, 2)


def reads_changing(client: SmsListClient, monkeypatch, consistent_from: int | None) -> list[int]:
    """Make each read of a window list other rows, agreeing with itself from read `consistent_from` on."""
    calls: list[int] = []

    def read_window_once(window, sms_type, tally, first_page):
        calls.append(len(calls) + 1)
        return [fetched(0, 1, None), fetched(1, len(calls), None)], len(calls) == consistent_from

    monkeypatch.setattr(client, "_read_window_once", read_window_once)
    return calls


def test_a_window_read_again_counts_its_rereads(offline_client, monkeypatch):
    calls = reads_changing(offline_client, monkeypatch, consistent_from=3)
    listing = offline_client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert (listing.rereads, listing.requests, calls) == (2, 0, [1, 2, 3])


def test_a_window_that_keeps_changing_fails_after_the_reread_budget(offline_client, monkeypatch):
    calls = reads_changing(offline_client, monkeypatch, consistent_from=None)
    with pytest.raises(Cafe24WindowUnstableError) as raised:
        offline_client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert str(raised.value) == (
        "window 2026-10-03..2026-10-03 (SMS) kept changing while it was paged; gave up after 3 reads"
    )
    assert calls == [1, 2, 3]


def test_a_listing_counts_only_the_requests_of_its_own_window(simulator):
    simulator.load(ACCOUNT, rows_on(DAY, 60))
    with SmsListClient(client_config(simulator)) as client:
        first = client.fetch_window(Window.day(DAY), SmsType.SMS)
        second = client.fetch_window(Window.day(DAY), SmsType.SMS)
    assert (first.requests, second.requests, client.requests) == (2, 2, 4)
