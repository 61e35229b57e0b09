"""Infobank's side of a report push: send reports to a receiver as Infobank does, and note which were taken.

Infobank calls the customer's endpoint once per report, the report as a GET query string, and expects a
`<report_response>` echoing the report's msgid, to_country and to (VENDORS.md section 2). When the answer is
wrong, missing (refused, reset) or late (nothing within `timeout`), it sends the same report again, up to
RESENDS more times, then gives up. The pusher does the same over loopback, `connections` requests at once
(one thread per connection, sharing one urllib3 connection pool), and records per report whether it was
acknowledged; for the acknowledged ones, how long the answer took.

push_store_through_receiver runs the whole vendor-to-store path for the demo: the synthetic store's
reports (pipelines/simulator/infobank_store.py), pushed in the order they were received, through a receiver
on loopback into another folder, which the ingestion then reads. To keep the demo's days, each report
carries its original receipt time in REPLAY_HEADER, and that receiver (and only it) is built with a clock
that reads the header.
"""

import json
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import urllib3
from starlette.requests import Request

from pipelines.infobank.files import open_content
from pipelines.infobank.store import StoredFile, scan_report_files
from pipelines.kst import KST
from pipelines.receiver.server import running_receiver
from pipelines.receiver.settings import ReceiverSettings, parse_networks

RESENDS = 3
REPLAY_HEADER = "x-simulated-received-at"


@dataclass(frozen=True)
class Report:
    """A report as Infobank sends it: its query string; `received_at` is when the store says it arrived."""

    query: str
    received_at: datetime | None = None


@dataclass
class PushSummary:
    """What a push did: per report whether it was acknowledged, and the figures over all of them."""

    acknowledged: list[bool]
    requests: int = 0
    given_up: int = 0
    seconds: float = 0.0
    answer_seconds: list[float] = field(default_factory=list, repr=False)

    @property
    def reports(self) -> int:
        return len(self.acknowledged)

    @property
    def acknowledged_count(self) -> int:
        return sum(self.acknowledged)

    @property
    def resends(self) -> int:
        """Requests beyond each report's first."""
        return self.requests - self.reports

    def answer_percentile(self, percent: float) -> float:
        """The answer time (seconds) that `percent`% of acknowledged answers took at most."""
        if not self.answer_seconds:
            return float("nan")
        ordered = sorted(self.answer_seconds)
        return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]

    def line(self) -> str:
        return (
            f"{self.acknowledged_count:,} of {self.reports:,} reports acknowledged in {self.seconds:.2f} s, "
            f"{self.requests:,} requests ({self.resends:,} resends), {self.given_up:,} given up"
        )


def expected_answer(query: str) -> tuple[str, str, str]:
    """The msgid, to_country and to a correct answer echoes: the first of each name, URL-decoded."""
    found: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        found.setdefault(name, value.strip())
    return found.get("msgid", ""), found.get("to_country", ""), found.get("to", "")


def is_acknowledgement(body: bytes, query: str) -> bool:
    """Whether `body` is the `<report_response>` that acknowledges the report `query`."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return False
    if root.tag != "report_response":
        return False
    echoed = tuple((root.findtext(name) or "").strip() for name in ("msgid", "to_country", "to"))
    return echoed == expected_answer(query)


class InfobankPusher:
    """Sends reports to one receiver URL with `connections` connections, resending as Infobank does.

    The k-th resend of a report waits `retry_delay` x 2^(k-1) seconds first; a request with no answer within
    `timeout` counts as late. `acknowledged_so_far` may be read from another thread while a push runs."""

    def __init__(
        self,
        url: str,
        *,
        connections: int = 16,
        timeout: float = 5.0,
        retry_delay: float = 0.2,
        resends: int = RESENDS,
    ) -> None:
        parts = urlsplit(url)
        self.path = parts.path or "/"
        self.connections = connections
        self.retry_delay = retry_delay
        self.resends = resends
        self.pool = urllib3.HTTPConnectionPool(
            parts.hostname,
            parts.port,
            maxsize=connections,
            block=True,
            retries=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
        )
        self.acknowledged_so_far = 0
        self._lock = threading.Lock()

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> "InfobankPusher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def push(self, reports: list[Report], replay_times: bool = False) -> PushSummary:
        """Send every report; returns once each is acknowledged or given up. With `replay_times`, each
        carries its received_at in REPLAY_HEADER."""
        summary = PushSummary(acknowledged=[False] * len(reports))
        next_index = iter(range(len(reports)))  # hands each thread the next report (a C iterator: atomic)
        started = time.perf_counter()
        workers = [
            threading.Thread(target=self._send_reports, args=(reports, next_index, summary, replay_times))
            for _ in range(min(self.connections, max(1, len(reports))))
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        summary.seconds = time.perf_counter() - started
        return summary

    def _send_reports(
        self, reports: list[Report], next_index: Iterator[int], summary: PushSummary, replay: bool
    ) -> None:
        requests = given_up = 0
        answer_seconds: list[float] = []
        while (index := next(next_index, None)) is not None:
            report = reports[index]
            headers = {REPLAY_HEADER: report.received_at.isoformat()} if replay and report.received_at else {}
            for attempt in range(1 + self.resends):
                if attempt:
                    time.sleep(self.retry_delay * 2 ** (attempt - 1))
                requests += 1
                took = self._send_once(report.query, headers)
                if took is not None:
                    summary.acknowledged[index] = True
                    answer_seconds.append(took)
                    with self._lock:
                        self.acknowledged_so_far += 1
                    break
            else:
                given_up += 1
        with self._lock:
            summary.requests += requests
            summary.given_up += given_up
            summary.answer_seconds += answer_seconds

    def _send_once(self, query: str, headers: dict[str, str]) -> float | None:
        """One request; the seconds its answer took when it acknowledges the report, else None."""
        started = time.perf_counter()
        try:
            answer = self.pool.request("GET", f"{self.path}?{query}", headers=headers, redirect=False)
        except (urllib3.exceptions.HTTPError, OSError):
            return None  # refused, reset or late: Infobank sends it again
        took = time.perf_counter() - started
        return took if answer.status == 200 and is_acknowledgement(answer.data, query) else None


def _report_of(line: str, stored: StoredFile) -> Report | None:
    """The report a stored line holds, as Infobank would send it; None for a blank line or one that holds
    no query at all (a line of broken JSON)."""
    if not line.strip():
        return None
    received_at: datetime | None = None
    if stored.is_json:
        try:
            values = json.loads(line)
        except ValueError:
            return None
        if not isinstance(values, dict):
            return None
        stamp = values.pop("received_at", None)
        received_at = _time(stamp) if isinstance(stamp, str) else None
        query = urlencode({name: str(value) for name, value in values.items()})
    else:
        if "\t" in line:
            stamp, line = line.split("\t", 1)
            received_at = _time(stamp)
        query = line.split("?", 1)[1] if "?" in line else line
    return Report(query, received_at or _sent_at(query) or stored.modified_at)


def _sent_at(query: str) -> datetime | None:
    """The report's sent_date (arrival on the handset, KST), which the ingestion dates a message by when its
    reports carry no receipt time."""
    for name, value in parse_qsl(query):
        if name == "sent_date":
            try:
                return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=KST)
            except ValueError:
                return None
    return None


def _time(text: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=KST)


def reports_in_store(folder: Path) -> list[Report]:
    """Every report a store holds, in the order it was received (a line without a time of its own takes
    its sent_date, else its file's modification time, as the ingestion dates it); blank lines and broken
    JSON are left out."""
    reports: list[Report] = []
    for stored in scan_report_files(folder):
        with open_content(stored) as content:
            text = content.read().decode("utf-8", errors="replace")
        reports += [report for line in text.splitlines() if (report := _report_of(line, stored))]
    reports.sort(key=lambda report: report.received_at or datetime.min.replace(tzinfo=KST))
    return reports


def start_receiver_process(
    reports_dir: Path,
    port: int = 0,
    *,
    stderr: int = subprocess.DEVNULL,
    preexec_fn: Callable[[], None] | None = None,
) -> tuple[subprocess.Popen, str]:
    """`python -m pipelines receive` in a process of its own, on loopback, writing to `reports_dir`, as an
    operator runs it; returns the process and the URL its listening line gives (port 0: a free port)."""
    environment = dict(
        os.environ,
        INFOBANK_REPORTS_DIR=str(reports_dir),
        INFOBANK_RECEIVER_HOST="127.0.0.1",
        INFOBANK_RECEIVER_PORT=str(port),
        INFOBANK_RECEIVER_ALLOW="127.0.0.1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "receive"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        preexec_fn=preexec_fn,
    )
    line = process.stdout.readline().strip()
    if not line.startswith("listening on http://127.0.0.1:"):
        process.kill()
        process.wait()
        raise RuntimeError(f"the receiver did not start: {line!r}")
    return process, line.removeprefix("listening on ")


def replayed_time(request: Request) -> datetime:
    """The receiver clock of a replay: the time a report says it was received, else now."""
    stamp = request.headers.get(REPLAY_HEADER)
    return (_time(stamp) if stamp else None) or datetime.now(KST)


def push_store_through_receiver(store_dir: Path, reports_dir: Path, *, connections: int = 16) -> PushSummary:
    """Push every report of the store under `store_dir` through a receiver on loopback writing to
    `reports_dir` (another folder, holding no report files yet: the ingestion reads `reports_dir`),
    keeping each report's day. Returns what the push did; reports given up are in it, not raised."""
    if store_dir.resolve() == reports_dir.resolve():
        raise ValueError("the receiver must write to another folder than the store it replays")
    if reports_dir.is_dir() and any(scan_report_files(reports_dir)):
        # The receiver appends: a second replay into the same folder would store every report twice.
        raise ValueError(f"{reports_dir} already holds report files: empty it before replaying a store")
    settings = ReceiverSettings(
        reports_dir=reports_dir, host="127.0.0.1", port=0, allow=parse_networks("allow", "127.0.0.1")
    )
    reports = reports_in_store(store_dir)
    with (
        running_receiver(settings, clock=replayed_time) as server,
        InfobankPusher(f"http://127.0.0.1:{server.port}{settings.path}", connections=connections) as pusher,
    ):
        return pusher.push(reports, replay_times=True)
