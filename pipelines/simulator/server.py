"""A loopback HTTP server that plays Cafe24's sms_list.php, with faults on demand."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from pipelines.simulator.forms import FormError, parse_form, parse_query
from pipelines.simulator.messages import SimMessage, SmsType
from pipelines.simulator.sms_list import TotalCount, answer_sms_list
from pipelines.simulator.store import MessageStore
from pipelines.simulator.wire import PhoneFormat, render_code

SMS_LIST_PATH = "/sms_list.php"
STATS_PATH = "/_sim/stats"
RESET_PATH = "/_sim/reset"

FAULT_KINDS = frozenset(
    {"timeout", "reset", "http500", "http503", "code-100", "code0099", "truncated", "html", "redirect"}
)
NO_FAULT = "none"  # queued to let requests through before the faults queued after it
XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
HTML_CONTENT_TYPE = "text/html; charset=UTF-8"
UNAVAILABLE_PAGE = "<html><body>Service Temporarily Unavailable</body></html>"
SERVER_ERROR_PAGE = "<html><body>Internal Server Error</body></html>"
MOVED_PAGE = "<html><body>Moved</body></html>"
# Where the "redirect" fault points: a path of the simulator itself, so a client that follows it stays on
# loopback (and finds nothing there).
MOVED_LOCATION = "/moved/sms_list.php"
# The faults that replace the answer outright: status, body, content type, extra headers.
_FAULT_ANSWERS: dict[str, tuple[int, str, str, dict[str, str]]] = {
    "http500": (500, SERVER_ERROR_PAGE, HTML_CONTENT_TYPE, {}),
    "http503": (503, UNAVAILABLE_PAGE, HTML_CONTENT_TYPE, {"Retry-After": "1"}),
    "code-100": (200, render_code("-100"), XML_CONTENT_TYPE, {}),
    "code0099": (200, render_code("0099"), XML_CONTENT_TYPE, {}),
    "html": (200, UNAVAILABLE_PAGE, HTML_CONTENT_TYPE, {}),
    "redirect": (302, MOVED_PAGE, HTML_CONTENT_TYPE, {"Location": MOVED_LOCATION}),
}


class Cafe24Simulator:
    """Serves POST (or GET) /sms_list.php on 127.0.0.1 from messages loaded per account.

    Loaded messages are kept by reference: changing a message's `status` or `refund_at`
    shows in the next answer.
    """

    def __init__(
        self,
        accounts: Mapping[str, str] | None = None,
        *,
        total_count: TotalCount = "grand",
        phone_format: PhoneFormat = "hyphen",
        latency: float = 0.0,
        timeout_delay: float = 2.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if total_count not in ("grand", "remaining", "absent"):
            raise ValueError(f"total_count must be grand, remaining or absent, not {total_count!r}")
        if phone_format not in ("hyphen", "bare"):
            raise ValueError(f"phone_format must be hyphen or bare, not {phone_format!r}")
        self.accounts = dict(accounts if accounts is not None else {"demo": "demo-secure"})
        self.total_count: TotalCount = total_count
        self.phone_format: PhoneFormat = phone_format
        self.latency = latency
        self.timeout_delay = timeout_delay
        self._address = (host, port)
        self._lock = threading.Lock()
        self._store = MessageStore()
        self._faults: deque[str] = deque()
        self._rewrites: list[tuple[bytes, bytes]] = []
        self._additions: list[tuple[int, str, list[SimMessage]]] = []
        self._requests = 0
        self._in_flight = 0
        self._most_in_flight = 0
        self._request_log: list[dict[str, str]] = []
        self._last_loaded_user: str | None = None
        self._server: _SimulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Data

    def load(self, user_id: str, messages: Iterable[SimMessage]) -> int:
        """Add messages to an account's list; returns how many were added."""
        self._check_account(user_id)
        with self._lock:
            self._last_loaded_user = user_id
            return self._store.add(user_id, messages)

    def add_during_paging(
        self, messages: Iterable[SimMessage], after_request: int, *, user_id: str | None = None
    ) -> None:
        """Append messages once request number `after_request` (since the last reset) is answered.

        The account defaults to the one last loaded, else the first configured.
        """
        account = user_id or self._last_loaded_user or next(iter(self.accounts))
        self._check_account(account)
        with self._lock:
            self._additions.append((after_request, account, list(messages)))

    def rows_in_window(self, user_id: str, sms_type: str, last_day: date, days: int) -> int:
        """How many rows sms_list lists for this window (no filters)."""
        kind: SmsType = "LMS" if sms_type.strip().upper() == "LMS" else "SMS"
        with self._lock:
            return self._store.window_size(user_id, kind, last_day, days)

    @property
    def rows_loaded(self) -> int:
        """Every message loaded so far, all accounts and types."""
        with self._lock:
            return self._store.total

    # Faults and counters

    def inject(self, kind: str, times: int = 1) -> None:
        """Apply fault `kind` to the next `times` sms_list requests, after any already queued."""
        if kind not in FAULT_KINDS | {NO_FAULT}:
            raise ValueError(f"unknown fault {kind!r}; expected {NO_FAULT!r} or one of {sorted(FAULT_KINDS)}")
        with self._lock:
            self._faults.extend([kind] * times)

    def rewrite_answers(self, old: bytes, new: bytes) -> None:
        """From now on, replace every `old` in the bytes of each sms_list answer by `new`.

        For what no honest answer holds: raw control characters or invalid UTF-8 in a message, an impossible
        date, a totalCnt that lies. Rewrites stay until the simulator stops, so a re-read sees them again.
        """
        if not old:
            raise ValueError("a rewrite needs the bytes to replace")
        with self._lock:
            self._rewrites.append((old, new))

    @property
    def requests(self) -> int:
        """sms_list requests received since the last reset, faulted or not."""
        with self._lock:
            return self._requests

    @property
    def most_in_flight(self) -> int:
        """The most sms_list requests waiting for their answers at one time since the last reset."""
        with self._lock:
            return self._most_in_flight

    @property
    def request_log(self) -> list[dict[str, str]]:
        """The form fields of each sms_list request, without `secure`."""
        with self._lock:
            return [dict(fields) for fields in self._request_log]

    def reset_counters(self) -> None:
        """Zero the request count, the most in flight and the log; queued faults and additions stay."""
        with self._lock:
            self._requests = 0
            self._most_in_flight = self._in_flight
            self._request_log.clear()

    # Lifecycle

    def start(self) -> Cafe24Simulator:
        """Listen on an ephemeral loopback port and serve from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the simulator is already running")
        server = _SimulatorHTTPServer(self._address, _Handler)
        server.simulator = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="cafe24-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port; requests still sleeping are abandoned."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The sms_list.php address, e.g. http://127.0.0.1:PORT/sms_list.php."""
        return self.base_url + SMS_LIST_PATH

    def __enter__(self) -> Cafe24Simulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    # Called by the request handler

    def _check_account(self, user_id: str) -> None:
        if user_id not in self.accounts:
            raise ValueError(f"unknown account {user_id!r}; configure it in Cafe24Simulator(accounts=...)")

    def _receive(self, fields: Mapping[str, str]) -> tuple[int, str | None]:
        """Count and log a request; returns its number and the fault to apply, if any."""
        with self._lock:
            # Additions promised after an earlier request that is still sleeping are due now.
            self._apply_additions(self._requests)
            self._requests += 1
            self._in_flight += 1
            self._most_in_flight = max(self._most_in_flight, self._in_flight)
            self._request_log.append({name: value for name, value in fields.items() if name != "secure"})
            fault = self._faults.popleft() if self._faults else None
            return self._requests, None if fault == NO_FAULT else fault

    def _answer(self, fields: Mapping[str, str], number: int) -> str:
        """The XML for request `number`, then the additions promised after it."""
        with self._lock:
            text = answer_sms_list(
                fields,
                self.accounts,
                self._store,
                total_count=self.total_count,
                phone_format=self.phone_format,
            )
            self._apply_additions(number)
            return text

    def _rewritten(self, body: bytes) -> bytes:
        with self._lock:
            rewrites = list(self._rewrites)
        for old, new in rewrites:
            body = body.replace(old, new)
        return body

    def _answered(self, number: int) -> None:
        with self._lock:
            self._apply_additions(number)

    def _finished(self) -> None:
        """A request's answer is due and about to leave (or the request ends without one)."""
        with self._lock:
            self._in_flight -= 1

    def _apply_additions(self, up_to: int) -> None:
        due = [addition for addition in self._additions if addition[0] <= up_to]
        if not due:
            return
        self._additions = [addition for addition in self._additions if addition[0] > up_to]
        for _, user_id, messages in due:
            self._store.add(user_id, messages)

    def _stats(self) -> dict[str, int]:
        with self._lock:
            return {"requests": self._requests, "rows": self._store.total}


class _SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    simulator: Cafe24Simulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-answer are expected (see the timeout fault); anything else is shown."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this, Nagle plus delayed ACK costs ~40 ms.
    disable_nagle_algorithm = True
    server: _SimulatorHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request access log."""

    def parse_request(self) -> bool:
        """Note when the request arrived (its first line was read), before its headers are parsed: the
        latency counts from here, so the simulator's own HTTP handling is inside it, not added on top."""
        self.arrived_at = time.perf_counter()
        return super().parse_request()

    def do_GET(self) -> None:
        target = urlsplit(self.path)
        if target.path == SMS_LIST_PATH:
            self._sms_list(parse_query(target.query))
        elif target.path == STATS_PATH:
            self._send_json(self.server.simulator._stats())
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        target = urlsplit(self.path)
        body = self._read_body()
        if target.path == SMS_LIST_PATH:
            try:
                fields = parse_form(self.headers.get("Content-Type", ""), body)
            except FormError:
                fields = {}
            if target.query:
                fields = {**parse_query(target.query), **fields}
            self._sms_list(fields)
        elif target.path == RESET_PATH:
            self.server.simulator.reset_counters()
            self._send_json(self.server.simulator._stats())
        else:
            self._send(404, b"not found", "text/plain")

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None or not length.strip().isdigit():
            return b""
        return self.rfile.read(int(length))

    def _sms_list(self, fields: dict[str, str]) -> None:
        simulator = self.server.simulator
        number, fault = simulator._receive(fields)
        try:
            answer = self._prepare_answer(simulator, fields, number, fault)
        finally:
            # Out of flight before the answer leaves: once the client has it, it may send its next request
            # at once, and that must not count as one more at the same time.
            simulator._finished()
        if answer is None:
            self.close_connection = True  # the "reset" fault: hang up without answering
            return
        status, text, content_type, headers = answer
        self._send(status, simulator._rewritten(text.encode("utf-8")), content_type, headers)

    def _prepare_answer(
        self, simulator: Cafe24Simulator, fields: dict[str, str], number: int, fault: str | None
    ) -> tuple[int, str, str, dict[str, str]] | None:
        """The answer to send (status, text, content type, headers), once it is due; None to hang up."""
        text = None
        if fault in (None, "timeout", "truncated"):
            text = simulator._answer(fields, number)
        else:
            simulator._answered(number)
        # The answer leaves `latency` seconds after the request came in, however long it took to compute:
        # a vendor's latency includes its own work, and the simulator's should not be added on top.
        time.sleep(max(0.0, simulator.latency - (time.perf_counter() - self.arrived_at)))
        if fault == "timeout":
            time.sleep(simulator.timeout_delay)
        if fault == "reset":
            return None
        if text is None:
            return _FAULT_ANSWERS[fault]
        if fault == "truncated":
            text = text[: len(text) // 2]
        return 200, text, XML_CONTENT_TYPE, {}

    def _send_json(self, payload: dict[str, int]) -> None:
        self._send(200, json.dumps(payload).encode(), "application/json")

    def _send(
        self, status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            # The client hung up first, as it does after a "timeout" fault.
            self.close_connection = True
