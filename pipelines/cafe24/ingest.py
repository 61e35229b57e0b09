"""Cafe24 ingestion: read each window of a date range and commit its rows, one transaction per window."""

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from pipelines.cafe24.answer import RECORD_FIELDS
from pipelines.cafe24.client import FirstPage, SmsListClient, WindowListing
from pipelines.cafe24.windows import (
    DEFAULT_LOOKBACK_DAYS,
    MAX_WINDOW_DAYS,
    SmsType,
    Window,
    windows_for_range,
)
from pipelines.warehouse import Warehouse

MATCH_PASSES = (1, 2, 3, 4)
# Window reads under way while one is written. One read alone leaves the client's threads idle at the end of
# each window (its last pages fewer than the threads); two keep them busy.
READS_AT_ONCE = 2
# The tables a window read writes, in order (sql/writes/<table>.sql); the read's record comes last.
CAFE24_WRITES = (
    "cafe24_status_history",
    "cafe24_messages",
    "cafe24_quarantine",
    "cafe24_raw_pages",
    "cafe24_fetches",
)
COUNTED = (
    "rows_read",
    "rows_new",
    "rows_updated",
    "rows_unchanged",
    "rows_quarantined",
    "rows_outside_window",
    "final_regressions_ignored",
    "pages",
    "rereads",
)


@dataclass
class IngestStats:
    """What one ingestion did; `rows_read` = new + updated + unchanged + quarantined."""

    first_day: date
    last_day: date
    window_reads: int = 0
    requests: int = 0
    pages: int = 0
    rereads: int = 0
    rows_read: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    rows_outside_window: int = 0
    final_regressions_ignored: int = 0
    duration_seconds: float = 0.0
    messages_by_type: dict[str, int] = field(default_factory=dict)

    def add_window(self, fetch: dict[str, Any]) -> None:
        self.window_reads += 1
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + fetch[name])
        kind = fetch["message_type"]
        self.messages_by_type[kind] = self.messages_by_type.get(kind, 0) + fetch["rows_read"]

    @property
    def balanced(self) -> bool:
        """Every record read is accounted for exactly once."""
        accounted = self.rows_new + self.rows_updated + self.rows_unchanged + self.rows_quarantined
        return self.rows_read == accounted

    def as_metadata(self) -> dict[str, Any]:
        values = asdict(self)
        values["first_day"] = self.first_day.isoformat()
        values["last_day"] = self.last_day.isoformat()
        values["duration_seconds"] = round(self.duration_seconds, 3)
        values["messages_by_type"] = dict(self.messages_by_type)
        return values


_RECORDS_SCHEMA = pa.schema([(name, pa.string()) for name in RECORD_FIELDS])


def _records_table(listing: WindowListing) -> pa.Table:
    """The window's records as text columns, with `rid` giving each its place in the listing."""
    records = pa.Table.from_pylist(listing.records, schema=_RECORDS_SCHEMA)
    return records.add_column(0, "rid", pa.array(range(records.num_rows), type=pa.int64()))


def _pages_table(listing: WindowListing) -> pa.Table:
    pages = listing.pages
    return pa.table(
        {
            "start_no": pa.array([p.start_no for p in pages], type=pa.int32()),
            "request_fields": pa.array([json.dumps(p.fields, ensure_ascii=False) for p in pages]),
            "fetched_at": pa.array([p.fetched_at for p in pages], type=pa.timestamp("us", tz="Asia/Seoul")),
            "body": pa.array([p.body.decode("utf-8", errors="replace") for p in pages]),
            "body_sha256": pa.array([p.body_sha256 for p in pages]),
        }
    )


def write_window(warehouse: Warehouse, account: str, listing: WindowListing) -> dict[str, Any]:
    """Commit one window read: its messages, pages and the record that it completed, all or nothing."""
    fetch_id = uuid.uuid4().hex
    params = {
        "fetch_id": fetch_id,
        "account": account,
        "message_type": listing.sms_type.message_type,
        "first_day": listing.window.first_day,
        "last_day": listing.window.last_day,
        "requests": listing.requests,
        "pages": len(listing.pages),
        "rereads": listing.rereads,
    }
    warehouse.register("cafe24_listed_records", _records_table(listing))
    warehouse.register("cafe24_listed_pages", _pages_table(listing))
    try:
        with warehouse.transaction():
            warehouse.materialize("staging/stg_cafe24_listed_records", **params)
            warehouse.materialize("changes/cafe24_candidates")
            warehouse.materialize("intermediate/int_cafe24_matches")
            for pass_number in MATCH_PASSES:
                warehouse.materialize("intermediate/int_cafe24_pass_matches", **{"pass": pass_number})
                warehouse.run("writes/int_cafe24_matches")
            warehouse.materialize("intermediate/int_cafe24_changes")
            warehouse.materialize("intermediate/int_cafe24_new_messages", **params)
            for table in CAFE24_WRITES:
                warehouse.run(f"writes/{table}", **params)
            return warehouse.records("cafe24/fetch_summary", **params)[0]
    finally:
        warehouse.unregister("cafe24_listed_records")
        warehouse.unregister("cafe24_listed_pages")


def read_ahead(
    client: SmsListClient, reads: list[tuple[Window, SmsType]], at_once: int = READS_AT_ONCE
) -> Generator[WindowListing, None, None]:
    """Each read's listing, in order, with up to `at_once` later reads under way while the caller writes
    this one; their pages all go through the client's one pool, so its threads stay busy at the end of a
    window, when a single read has fewer pages left than threads. Each read asks for the first page of the
    read after it as it starts, so no read waits a round trip alone."""
    if not reads:
        return
    first_pages: list[FirstPage] = []
    asking = threading.Lock()

    def ask_first_pages(through: int) -> None:
        with asking:  # in order, each once, whichever read asks
            while len(first_pages) <= min(through, len(reads) - 1):
                first_pages.append(client.request_first_page(*reads[len(first_pages)]))

    def read(index: int) -> WindowListing:
        ask_first_pages(index + 1)
        return client.fetch_window(*reads[index], first=first_pages[index])

    ask_first_pages(0)
    try:
        with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="read_ahead") as reader:
            upcoming = deque(reader.submit(read, index) for index in range(min(at_once, len(reads))))
            submitted = len(upcoming)
            try:
                while upcoming:
                    listing = upcoming.popleft().result()
                    if submitted < len(reads):
                        upcoming.append(reader.submit(read, submitted))
                        submitted += 1
                    yield listing
            finally:
                for future in upcoming:  # once the caller stops (a failure), a read not started never starts
                    future.cancel()
    finally:
        # After the reads under way have ended (leaving the executor waits for them), no first page they
        # asked for is requested any more, and none still in flight outlives the reads.
        for first in first_pages:
            first.page.cancel()
        wait([first.page for first in first_pages])


def ingest_cafe24(
    client: SmsListClient,
    warehouse: Warehouse,
    first_day: date,
    last_day: date,
    *,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    window_days: int = MAX_WINDOW_DAYS,
    progress: Callable[[str], None] = lambda _: None,
) -> IngestStats:
    """Read first_day..last_day (plus `lookback_days` before it) window by window, SMS and LMS, into the
    warehouse. The next windows are fetched while the current one is written (read_ahead)."""
    started = time.perf_counter()
    read_from = first_day - timedelta(days=lookback_days)
    stats = IngestStats(first_day=read_from, last_day=last_day)
    reads: list[tuple[Window, SmsType]] = [
        (window, sms_type)
        for window in windows_for_range(read_from, last_day, window_days)
        for sms_type in SmsType
    ]
    requests_before = client.requests
    listings = read_ahead(client, reads)
    with closing(listings):
        for listing in listings:
            fetch = write_window(warehouse, client.config.user_id, listing)
            stats.add_window(fetch)
            progress(
                f"cafe24 {listing.sms_type.name} {listing.window}: {fetch['rows_read']} rows "
                f"({fetch['rows_new']} new, {fetch['rows_updated']} updated) in {fetch['requests']} requests"
            )
    stats.requests = client.requests - requests_before
    stats.duration_seconds = time.perf_counter() - started
    return stats
