"""The Cafe24 ingestion reads up to READS_AT_ONCE windows ahead of the one being written, in order, each read
asking for the next read's first page as it starts."""

import threading
from concurrent.futures import Future
from datetime import date

import pytest

from pipelines.cafe24.client import FirstPage, RequestTally
from pipelines.cafe24.ingest import READS_AT_ONCE, read_ahead
from pipelines.cafe24.windows import SmsType, Window


class RecordingClient:
    """Stands in for SmsListClient's request_first_page and fetch_window: records which first pages were
    requested and which reads started, and returns the read itself."""

    def __init__(self, fail_on: int | None = None, barrier: threading.Barrier | None = None) -> None:
        self.first_pages: list[int] = []
        self.started: list[int] = []
        self.fail_on = fail_on
        self.barrier = barrier
        self.lock = threading.Lock()

    def request_first_page(self, window: Window, sms_type: SmsType) -> FirstPage:
        with self.lock:
            self.first_pages.append(window.last_day.day)
        page: Future = Future()
        page.set_result(None)
        return FirstPage(window, sms_type, page, RequestTally())

    def fetch_window(self, window: Window, sms_type: SmsType, first: FirstPage) -> tuple[Window, SmsType]:
        assert (first.window, first.sms_type) == (window, sms_type)  # each read gets its own first page
        read = window.last_day.day
        with self.lock:
            self.started.append(read)
            # A read starts with its own first page and the next read's requested, all in order.
            assert self.first_pages[: read + 1] == list(range(1, min(read + 1, len(READS)) + 1))
            assert self.first_pages == list(range(1, len(self.first_pages) + 1))
        if self.barrier is not None and read <= self.barrier.parties:
            self.barrier.wait(timeout=5)
        if read == self.fail_on:
            raise RuntimeError(f"read {window} failed")
        return window, sms_type


READS = [(Window.day(date(2026, 11, day)), SmsType.SMS) for day in range(1, 7)]


@pytest.mark.parametrize("at_once", [1, 2, 3])
def test_listings_come_in_order_with_at_most_the_given_reads_ahead_of_the_writer(at_once):
    client = RecordingClient()
    seen = []
    for listing in read_ahead(client, READS, at_once=at_once):
        seen.append(listing)
        # While the caller holds read n, reads up to n + at_once may have started, never further, and no
        # first page past the one after them has been asked for.
        with client.lock:
            assert len(client.started) <= len(seen) + at_once
            assert len(client.first_pages) <= min(len(seen) + at_once + 1, len(READS))
    assert seen == READS
    assert sorted(client.started) == [1, 2, 3, 4, 5, 6]
    assert client.first_pages == [1, 2, 3, 4, 5, 6]


def test_the_reads_ahead_are_under_way_at_once():
    # Two reads wait for each other: they only both get past the barrier if both are under way together
    # (one read at a time would leave the first waiting until the barrier breaks).
    assert READS_AT_ONCE >= 2
    client = RecordingClient(barrier=threading.Barrier(2))
    assert list(read_ahead(client, READS)) == READS


@pytest.mark.parametrize("at_once", [1, 2, 3])
def test_a_failed_read_stops_the_listings_and_no_read_after_those_ahead_starts(at_once):
    client = RecordingClient(fail_on=3)
    seen = []
    with pytest.raises(RuntimeError, match="failed"):
        for listing in read_ahead(client, READS, at_once=at_once):
            seen.append(listing)
    assert seen == READS[:2]
    # Read 3 failed while the caller held read 2: reads up to 2 + at_once may have started (one submitted
    # but not started when the failure is seen is cancelled), none after; their first pages, none further.
    assert set(client.started) >= {1, 2, 3}
    assert max(client.started) <= 2 + at_once
    assert client.first_pages == list(range(1, len(client.first_pages) + 1))
    assert len(client.first_pages) <= min(3 + at_once, len(READS))


def test_no_reads_yield_nothing():
    assert list(read_ahead(RecordingClient(), [])) == []
