"""The sms_list client: one page with retries, one window read consistently with bounded concurrency.

One mechanism bounds the concurrency: a pool of `concurrency` threads, each fetching one whole page at a
time (its request, its parse and its retries). A window's reader only submits pages to that pool and
collects them; however many windows are read at once, at most `concurrency` requests are in flight."""

import hashlib
import math
import random
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime

import urllib3

from pipelines.cafe24.answer import Page, Record, parse_answer
from pipelines.cafe24.errors import (
    Cafe24Error,
    Cafe24TransientError,
    Cafe24UnavailableError,
    Cafe24WindowUnstableError,
    printable,
)
from pipelines.cafe24.windows import SmsType, Window
from pipelines.kst import KST, today_kst

# Pages of a window requested beyond the first one not yet known to be full, per pool thread. Bounds the
# requests and memory a totalCnt claiming far more rows than the window holds can cost; two per thread
# keep the pool busy while one slow page holds the window's reader back.
PAGES_AHEAD_PER_THREAD = 2


@dataclass(frozen=True)
class ClientConfig:
    """How to reach sms_list and how hard to try. `secure` is a secret and is kept out of repr."""

    url: str
    user_id: str
    secure: str = field(repr=False)
    page_size: int = 50
    concurrency: int = 8
    timeout_seconds: float = 15.0
    max_attempts: int = 6
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 30.0
    max_rereads: int = 5


@dataclass(frozen=True)
class FetchedPage:
    """One answered request as received: the form fields without the secret, the body, and its parse."""

    start_no: int
    fields: dict[str, str]
    body: bytes
    fetched_at: datetime
    page: Page

    @property
    def body_sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


class RequestTally:
    """The requests made for one window (retries included), counted as they are made: pages of several
    windows can be in flight at once (the reads ahead, the next window's first page), and each request counts
    for its own window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def add(self) -> None:
        with self._lock:
            self._count += 1

    @property
    def count(self) -> int:
        return self._count


@dataclass(frozen=True)
class FirstPage:
    """A window's first page, requested ahead of the window's read (SmsListClient.request_first_page)."""

    window: Window
    sms_type: SmsType
    page: "Future[FetchedPage]"
    tally: RequestTally


@dataclass(frozen=True)
class WindowListing:
    """Every row one window listed for one type, from a read whose pages agree with each other."""

    window: Window
    sms_type: SmsType
    pages: list[FetchedPage]
    requests: int
    rereads: int

    @property
    def records(self) -> list[Record]:
        return [record for fetched in self.pages for record in fetched.page.records]


class SmsListClient:
    """Reads Cafe24's sms_list. Thread-safe counters; use as a context manager to release its pool."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self._http = _connection_pool(config)
        self._pool = ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix="sms_list")
        self._lock = threading.Lock()
        self._requests = 0
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def requests(self) -> int:
        """HTTP requests made so far, retries included."""
        return self._requests

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.clear()

    def __enter__(self) -> "SmsListClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def fetch_page(
        self, window: Window, sms_type: SmsType, start_no: int, tally: RequestTally | None = None
    ) -> FetchedPage:
        """One page, in the calling thread, retrying transient faults (of the connection, or signalled in the
        answer's body) with exponential backoff and jitter; each request is counted in `tally` too."""
        fields = self._page_fields(window, sms_type, start_no)
        last_fault: Cafe24TransientError | None = None
        for attempt in range(1, self.config.max_attempts + 1):
            try:
                body = self._post(fields, tally)
                fetched_at = datetime.now(KST)
                return FetchedPage(
                    start_no, {"user_id": self.config.user_id, **fields}, body, fetched_at, parse_answer(body)
                )
            except Cafe24TransientError as fault:
                last_fault = fault
            if attempt < self.config.max_attempts:
                self._sleep(self._backoff(attempt, last_fault.retry_after))
        raise Cafe24UnavailableError(
            f"Cafe24 sms_list kept failing for window {window} ({sms_type.name}, startNo {start_no}) "
            f"after {self.config.max_attempts} attempts; last fault: {last_fault}"
        )

    def _submit_page(
        self, window: Window, sms_type: SmsType, start_no: int, tally: RequestTally
    ) -> "Future[FetchedPage]":
        """A page fetched by the pool: the one way the client's readers request anything."""
        return self._pool.submit(self.fetch_page, window, sms_type, start_no, tally)

    def _page_fields(self, window: Window, sms_type: SmsType, start_no: int) -> dict[str, str]:
        return {
            "smsType": sms_type.value,
            **window.form_fields(),
            "startNo": str(start_no),
            "displayNo": str(self.config.page_size),
            "sendType": "",
            "sendStatus": "",
            "receivePhone": "",
            "sendPhone": "",
        }

    def _post(self, fields: dict[str, str], tally: RequestTally | None) -> bytes:
        form = {"user_id": self.config.user_id, "secure": self.config.secure, **fields}
        with self._lock:
            self._requests += 1
        if tally is not None:
            tally.add()
        try:
            # A redirect is never followed: the form, secure key included, would go wherever it points.
            response = self._http.request(
                "POST", self.config.url, fields=form, encode_multipart=False, redirect=False
            )
        except urllib3.exceptions.NameResolutionError as error:
            raise Cafe24TransientError(
                f"the host name {printable(_peer(error, self.config.url)[0])} could not be resolved"
            ) from None
        except urllib3.exceptions.NewConnectionError as error:  # before TimeoutError, which it subclasses
            raise Cafe24TransientError(_connection_failure(error, self.config.url)) from None
        except urllib3.exceptions.TimeoutError:
            raise Cafe24TransientError(f"no answer within {self.config.timeout_seconds:g} s") from None
        except urllib3.exceptions.HTTPError as error:
            raise Cafe24TransientError(f"connection failed ({type(error).__name__})") from None
        if response.status >= 500 or response.status == 429:
            raise Cafe24TransientError(
                f"HTTP {response.status}", retry_after=_retry_after(response.headers.get("Retry-After"))
            )
        if 300 <= response.status < 400:
            raise Cafe24Error(
                _redirect_message(response.status, response.headers.get("Location"), self.config.url)
            )
        if response.status >= 400:
            raise Cafe24Error(f"Cafe24 sms_list answered HTTP {response.status}: check CAFE24_SMS_LIST_URL")
        return response.data

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        ceiling = min(self.config.max_backoff_seconds, self.config.backoff_seconds * 2 ** (attempt - 1))
        jitter = random.uniform(0, ceiling)
        if retry_after is not None:
            return min(retry_after, self.config.max_backoff_seconds) + jitter / 10
        return jitter

    def request_first_page(self, window: Window, sms_type: SmsType) -> FirstPage:
        """A window's first page, requested now (through the pool) for a read of it that starts later: a
        reader asks for the next window's first page while it reads this one, so the next read does not wait
        a round trip alone before it knows how many pages to request."""
        tally = RequestTally()
        return FirstPage(window, sms_type, self._submit_page(window, sms_type, 0, tally), tally)

    def fetch_window(
        self, window: Window, sms_type: SmsType, first: FirstPage | None = None
    ) -> WindowListing:
        """All rows of a window, read again while its pages disagree (rows were sent while it was paged).
        `first`, the window's first page from request_first_page, serves the first pass."""
        if first is not None and (first.window, first.sms_type) != (window, sms_type):
            raise ValueError(f"the first page given is of window {first.window}, not {window}")
        tally = first.tally if first is not None else RequestTally()
        first_page = first.page if first is not None else None
        rereads = 0
        previous: list[FetchedPage] | None = None
        while True:
            pages, consistent = self._read_window_once(window, sms_type, tally, first_page)
            first_page = None
            if not consistent and previous is not None and _same_rows(previous, pages):
                consistent = True  # two reads in a row agree: nothing moved in between
            if consistent:
                return WindowListing(window, sms_type, pages, tally.count, rereads)
            rereads += 1
            if rereads > self.config.max_rereads:
                raise Cafe24WindowUnstableError(
                    f"window {window} ({sms_type.name}) kept changing while it was paged; "
                    f"gave up after {rereads} reads"
                )
            previous = pages

    def _read_window_once(
        self,
        window: Window,
        sms_type: SmsType,
        tally: RequestTally,
        first_page: "Future[FetchedPage] | None",
    ) -> tuple[list[FetchedPage], bool]:
        """One pass over a window's pages. The flag says whether the pages are known to agree."""
        size = self.config.page_size
        first = (first_page or self._submit_page(window, sms_type, 0, tally)).result()
        if len(first.page.records) < size:
            return [first], True
        total = first.page.total_count
        if total is None or total < len(first.page.records):
            pages = self._read_sequentially(window, sms_type, tally, first)
            # With no usable totalCnt, a window still being sent into can only be trusted by a second read.
            return pages, window.last_day < today_kst()
        pages = [first, *self._read_concurrently(window, sms_type, tally, total)]
        return pages, _pages_agree(pages, total, size)

    def _read_sequentially(
        self, window: Window, sms_type: SmsType, tally: RequestTally, first: FetchedPage
    ) -> list[FetchedPage]:
        pages = [first]
        while len(pages[-1].page.records) == self.config.page_size:
            start_no = len(pages) * self.config.page_size
            pages.append(self._submit_page(window, sms_type, start_no, tally).result())
        return pages

    def _read_concurrently(
        self, window: Window, sms_type: SmsType, tally: RequestTally, total: int
    ) -> list[FetchedPage]:
        """The pages after the first, up to what `total` claims, requested a few at a time ahead of the
        first page not yet known to be full, and no further once a page comes back short: a totalCnt that
        claims a billion rows costs a few requests, not one per claimed page. Which pages are requested
        depends only on the answers, not on the order they arrive in."""
        size = self.config.page_size
        claimed = _page_count(total, size)
        ahead = self.config.concurrency * PAGES_AHEAD_PER_THREAD
        pages: dict[int, FetchedPage] = {}
        pending: dict[Future[FetchedPage], int] = {}
        requested = frontier = 1  # next page to request; first page not yet known to be full
        try:
            while True:
                for index in range(requested, min(claimed, frontier + ahead)):
                    pending[self._submit_page(window, sms_type, index * size, tally)] = index
                    requested = index + 1
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=pending.__getitem__):  # the lowest page's fault is raised
                    pages[pending.pop(future)] = future.result()
                while frontier in pages and len(pages[frontier].page.records) == size:
                    frontier += 1
        except BaseException:
            for future in pending:
                future.cancel()
            wait(pending)
            raise
        return [pages[index] for index in sorted(pages)]


def _connection_pool(config: ClientConfig) -> urllib3.PoolManager:
    """Keep-alive connections for the client's threads. urllib3 directly rather than requests: requests
    re-reads the environment (.netrc, proxies, CA bundle) on every request, which measured as a third of
    the client's CPU per page. The environment's proxy settings are honoured, read once here."""
    options = {
        "maxsize": max(config.concurrency, 1),
        "retries": False,  # the client retries with its own backoff
        "timeout": urllib3.Timeout(total=config.timeout_seconds),
    }
    proxy = None if urllib.request.proxy_bypass(_host(config.url)) else _environment_proxy(config.url)
    return urllib3.ProxyManager(proxy, **options) if proxy else urllib3.PoolManager(**options)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or ""


def _environment_proxy(url: str) -> str | None:
    """HTTPS_PROXY / HTTP_PROXY (either case) for the URL's scheme, as curl and requests read them."""
    return urllib.request.getproxies().get(urllib.parse.urlsplit(url).scheme)


def _page_count(total: int, size: int) -> int:
    """How many pages of `size` rows `total` rows take (the first page included)."""
    return -(-total // size)


def _pages_agree(pages: list[FetchedPage], total: int, size: int) -> bool:
    """Every page the total implies was read, and every page saw the same window: the same total (grand,
    or rows from its startNo) and full pages."""
    if len(pages) != _page_count(total, size):
        return False  # the read stopped at a short page before the pages the total claims
    rest = pages[1:]
    grand = all(p.page.total_count == total for p in rest)
    remaining = all(p.page.total_count == total - p.start_no for p in rest)
    sizes_match = all(len(p.page.records) == min(size, total - p.start_no) for p in pages)
    return (grand or remaining) and sizes_match


def _same_rows(one: list[FetchedPage], other: list[FetchedPage]) -> bool:
    rows = [record for page in one for record in page.page.records]
    return rows == [record for page in other for record in page.page.records]


def _peer(error: urllib3.exceptions.NewConnectionError, url: str) -> tuple[str, int | None]:
    """The host and port a connection was attempted to (a proxy's, when one is used)."""
    connection = getattr(error, "conn", None)
    host = getattr(connection, "host", None)
    if host:
        return host, getattr(connection, "port", None)
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "", parts.port


def _connection_failure(error: urllib3.exceptions.NewConnectionError, url: str) -> str:
    host, port = _peer(error, url)
    peer = printable(host if port is None else f"{host}:{port}")
    cause = error.__cause__ or error.__context__
    if isinstance(cause, ConnectionRefusedError):
        return f"connection refused by {peer}"
    return f"could not connect to {peer} ({type(cause or error).__name__})"


def _without_query(url: str) -> str:
    """A URL shown in a message: scheme, host, port and path only (no credentials, query or fragment)."""
    try:
        parts = urllib.parse.urlsplit(url)
        netloc = parts.hostname or ""
        if parts.port is not None:
            netloc += f":{parts.port}"
    except ValueError:  # a port that is no number, a bracket left open
        return url.split("?")[0].split("#")[0].rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _redirect_message(status: int, location: str | None, url: str) -> str:
    target = f" to {printable(_without_query(location))}" if location else ""
    return (
        f"Cafe24 sms_list answered HTTP {status}, a redirect{target}, instead of the result list: "
        f"check CAFE24_SMS_LIST_URL ({printable(_without_query(url), limit=200)}); redirects are not followed"
    )


def _retry_after(header: str | None) -> float | None:
    """Seconds from a Retry-After header given as a number (HTTP dates are rare here and ignored)."""
    if not header:
        return None
    try:
        seconds = float(header)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
