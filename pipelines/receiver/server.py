"""Serving the report endpoint with Uvicorn (httptools parser), bounded against hostile or slow senders.

- The request line and headers together are at most MAX_HEAD_BYTES (414 for a longer request line, 431 for
  longer headers) and must arrive within HEAD_TIMEOUT_SECONDS of the connection or of the request's first
  byte (else 408); the body is bounded by the app (app.py). An idle kept-alive connection closes after
  KEEP_ALIVE_SECONDS; past MAX_CONNECTIONS connections a request gets 503.
- Once the socket is bound, `announce` receives the one line `listening on http://HOST:PORT/PATH` (the
  port really bound when 0 was asked).
- SIGTERM or SIGINT: stop accepting, let every request in flight be stored and answered (at most
  GRACEFUL_SECONDS), then stop the writer; the process exits 0.
"""

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from pipelines.receiver.access import AccessPolicy
from pipelines.receiver.app import Clock, create_app, wall_clock
from pipelines.receiver.day_files import DayFileWriter
from pipelines.receiver.settings import ReceiverSettings

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 8 * 1024
HEAD_TIMEOUT_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 15  # Infobank may keep a connection for its next report
MAX_CONNECTIONS = 1000
GRACEFUL_SECONDS = 30
START_TIMEOUT_SECONDS = 30.0


class _HeadTooLarge(Exception):
    """Raised inside a parser callback to stop reading a request whose head is over the limit."""


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol with a bound on the request head's size and on the time it takes."""

    max_head_bytes: ClassVar[int] = MAX_HEAD_BYTES
    head_timeout: ClassVar[float] = HEAD_TIMEOUT_SECONDS

    def connection_made(self, transport: Any) -> None:
        self._head_bytes = 0
        self._refusal: tuple[int, str] | None = None
        self._head_timer: Any = None
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._arm_head_timer()

    def on_url(self, url: bytes) -> None:
        self._count(len(url), 414, "request line too long")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4, 431, "request headers too large")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm_head_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        """Uvicorn's answer to a request the parser gave up on; ours says why when the head was too big."""
        if self._refusal is None:
            super().send_400_response(msg)
        else:
            self._refuse(*self._refusal)

    def _count(self, size: int, status: int, reason: str) -> None:
        self._head_bytes += size
        if self._head_bytes > self.max_head_bytes:
            self._refusal = (status, f"{reason} (the limit is {self.max_head_bytes} bytes)")
            raise _HeadTooLarge(reason)

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
            return
        self._refuse(408, "the request did not arrive in time")

    def _refuse(self, status: int, reason: str) -> None:
        body = (reason + "\n").encode()
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n\r\n",
            body,
        ]
        self.transport.write(b"".join(head))
        self.transport.close()


class ReceiverServer(uvicorn.Server):
    """A Uvicorn server that says where it listens once its socket is bound."""

    def __init__(self, config: uvicorn.Config, settings: ReceiverSettings, announce: Callable[[str], None]):
        super().__init__(config)
        self.settings = settings
        self.announce = announce
        self.port: int | None = None

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.port = self.servers[0].sockets[0].getsockname()[1]
            self.announce(f"listening on {self.settings.url(self.port)}")


def build_server(
    settings: ReceiverSettings, announce: Callable[[str], None], clock: Clock = wall_clock
) -> tuple[ReceiverServer, DayFileWriter]:
    """The server and the writer it stores through (the caller closes the writer once the server stopped)."""
    writer = DayFileWriter(settings.reports_dir)
    app = create_app(writer, AccessPolicy(settings.allow, settings.trusted_proxies), settings.path, clock)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=BoundedHttpToolsProtocol,
        ws="none",
        lifespan="off",
        log_config=None,  # the process's logging (command.py) applies
        access_log=False,  # Uvicorn's access log would print every query string, phone numbers in clear
        proxy_headers=False,  # X-Forwarded-For is judged by access.py, against the trusted proxies only
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        limit_concurrency=MAX_CONNECTIONS,
        ssl_certfile=settings.tls_cert,
        ssl_keyfile=settings.tls_key,
    )
    return ReceiverServer(config, settings, announce), writer


def print_line(line: str) -> None:
    print(line, flush=True)


def serve_forever(settings: ReceiverSettings, announce: Callable[[str], None] = print_line) -> None:
    """Serve until SIGTERM or SIGINT (main thread), then finish the requests in flight and return."""
    server, writer = build_server(settings, announce)

    # Uvicorn re-raises the signal that stopped it once it has shut down, under the handler found before
    # it started: this one, so the writer is still closed and the process exits normally.
    def stop(signum: int, frame: Any) -> None:
        server.should_exit = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run()
    except SystemExit:  # Uvicorn's way of saying it could not bind; the error is logged already
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        writer.close()
    if not server.started:
        raise OSError(f"cannot listen on {settings.host}:{settings.port}")
    log.info("stopped: %d reports stored with %d syncs", writer.lines_written, writer.syncs)


@contextmanager
def running_receiver(settings: ReceiverSettings, clock: Clock = wall_clock) -> Iterator[ReceiverServer]:
    """A receiver serving in a thread of this process (for the demo, tests and the benchmark); its
    `port` is the port bound. Leaving the block stops it as SIGTERM would."""
    lines: list[str] = []
    server, writer = build_server(settings, lines.append, clock)
    thread = threading.Thread(target=server.run, name="infobank-receiver", daemon=True)
    thread.start()
    try:
        for _ in range(int(START_TIMEOUT_SECONDS * 100)):
            if server.started or not thread.is_alive():
                break
            thread.join(0.01)
        if not server.started:
            raise OSError(f"the receiver did not start listening on {settings.host}:{settings.port}")
        yield server
    finally:
        server.should_exit = True
        thread.join()
        writer.close()
