"""The report endpoint as a Starlette app: store the report durably, then answer it.

- GET with the report as its query string (how Infobank sends), or POST with it as an
  application/x-www-form-urlencoded body; HEAD and every other method get 405, every other path 404.
- Senders outside the allowlist get 403 and nothing is stored (access.py).
- A body longer than MAX_BODY_BYTES gets 413, a body that does not arrive within BODY_TIMEOUT_SECONDS 408,
  a body of another media type 415; none of them is stored. (The request line and headers are bounded by
  the server, server.py.)
- The report's line is appended and synced (day_files.py) before the answer; when that fails the answer
  is 503, so Infobank sends the report again. A report without a msgid is stored all the same (the
  ingestion quarantines it, with its reason) and answered with an empty msgid.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from pipelines.kst import KST
from pipelines.receiver.access import AccessPolicy, AllowlistMiddleware
from pipelines.receiver.answer import MEDIA_TYPE, echoed_fields, masked_recipient, report_response
from pipelines.receiver.day_files import DayFileWriter, StoreError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024  # a report is a few hundred bytes
BODY_TIMEOUT_SECONDS = 10.0
FORM = "application/x-www-form-urlencoded"
_CLOSE = {"connection": "close"}


class _Refused(Exception):
    """A request the endpoint will not store, with the answer it gets."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text

    def response(self) -> Response:
        return PlainTextResponse(self.text + "\n", self.status, headers=_CLOSE)


async def _read_form_body(request: Request) -> bytes:
    """The POST body, bounded in size and time."""
    media_type = request.headers.get("content-type", FORM).split(";", 1)[0].strip().lower()
    if media_type != FORM:
        raise _Refused(415, f"a report is sent as {FORM}")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise _Refused(413, f"a report body is at most {MAX_BODY_BYTES} bytes")
    body = bytearray()
    try:
        async with asyncio.timeout(BODY_TIMEOUT_SECONDS):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise _Refused(413, f"a report body is at most {MAX_BODY_BYTES} bytes")
    except TimeoutError:
        raise _Refused(408, "the report body did not arrive in time") from None
    return bytes(body)


def _printable(text: str, limit: int = 40) -> str:
    return text[:limit].encode("unicode_escape").decode("ascii")


Clock = Callable[[Request], datetime]


def wall_clock(request: Request) -> datetime:
    """When a report is received: now, in KST."""
    return datetime.now(KST)


def create_app(
    writer: DayFileWriter, policy: AccessPolicy, path: str, clock: Clock = wall_clock
) -> Starlette:
    """The receiver's ASGI app: reports on `path` from senders `policy` admits, stored by `writer`.

    `clock` stamps each report; only the simulator's replay (pipelines/simulator/pusher.py) passes another,
    in code: no setting reaches it."""

    async def receive_report(request: Request) -> Response:
        if request.method == "HEAD":  # Starlette adds HEAD to a GET route; a HEAD carries no report
            return PlainTextResponse("Method Not Allowed\n", 405, headers={"allow": "GET, POST"})
        received_at = clock(request)
        try:
            if request.method == "POST":
                query = await _read_form_body(request)
            else:
                query = request.scope["query_string"]
        except _Refused as refused:
            log.warning("refused a report: %s", refused.text)
            return refused.response()
        except ClientDisconnect:
            return Response(status_code=400, headers=_CLOSE)
        fields = echoed_fields(query)
        try:
            await writer.append(received_at, query)
        except StoreError as error:
            # day_files.py logs the cause once per batch as an error; here only which report it was
            log.debug("not stored, answered 503: msgid=%s (%s)", _printable(fields.msgid), error)
            return PlainTextResponse("the report could not be stored; send it again\n", 503, headers=_CLOSE)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("stored msgid=%s to=%s", _printable(fields.msgid), _printable(masked_recipient(fields)))
        return Response(report_response(fields), media_type=MEDIA_TYPE)

    return Starlette(
        routes=[Route(path, receive_report, methods=["GET", "POST"])],
        middleware=[Middleware(AllowlistMiddleware, policy=policy)],
    )
