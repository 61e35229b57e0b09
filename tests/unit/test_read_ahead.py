"""The Cafe24 ingestion reads at most one window ahead of the one being written, in order, each read asking
for the next read's first page as it starts."""

import threading
from concurrent.futures import Future
from datetime import date

import pytest

from pipelines.cafe24.client import FirstPage, RequestTally
from pipelines.cafe24.ingest import read_ahead
from pipelines.cafe24.windows import SmsType, Window


class RecordingClient:
    """Stands in for SmsListClient's request_first_page and fetch_window: records which first pages were
    requested and which reads started, and returns the read itself."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.first_pages: list[int] = []
        self.started: list[int] = []
        self.fail_on = fail_on
        self.lock = threading.Lock()

    def request_first_page(self, window: Window, sms_type: SmsType) -> FirstPage:
        with self.lock:
            self.first_pages.append(window.last_day.day)
        page: Future = Future()
        page.set_result(None)
        return FirstPage(window, sms_type, page, RequestTally())

    def fetch_window(self, window: Window, sms_type: SmsType, first: FirstPage) -> tuple[Window, SmsType]:
        assert (first.window, first.sms_type) == (window, sms_type)  # each read gets its own first page
        with self.lock:
            self.started.append(window.last_day.day)
            # A read starts with its own first page and the next read's requested, never one further.
            assert self.first_pages == list(range(1, min(window.last_day.day + 1, len(READS)) + 1))
        if window.last_day.day == self.fail_on:
            raise RuntimeError(f"read {window} failed")
        return window, sms_type


READS = [(Window.day(date(2026, 11, day)), SmsType.SMS) for day in range(1, 7)]


def test_listings_come_in_order_with_at_most_one_read_ahead_of_the_writer():
    client = RecordingClient()
    seen = []
    for listing in read_ahead(client, READS):
        seen.append(listing)
        # While the caller holds read n, reads up to n + 1 may have started, never n + 2.
        assert len(client.started) <= len(seen) + 1
    assert seen == READS
    assert client.started == [1, 2, 3, 4, 5, 6]
    assert client.first_pages == [1, 2, 3, 4, 5, 6]


def test_a_failed_read_stops_the_listings_and_no_later_read_starts():
    client = RecordingClient(fail_on=3)
    seen = []
    with pytest.raises(RuntimeError, match="failed"):
        for listing in read_ahead(client, READS):
            seen.append(listing)
    assert seen == READS[:2]
    assert client.started == [1, 2, 3]
    assert client.first_pages == [1, 2, 3, 4]  # the failed read's next first page, no further


def test_no_reads_yield_nothing():
    assert list(read_ahead(RecordingClient(), [])) == []
