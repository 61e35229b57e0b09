"""The Infobank report receiver over real loopback: what it answers, what it stores, what it refuses, and that
the ingestion reads its files with every report counted once."""

import asyncio
import resource
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.resources import WarehouseResource
from pipelines.infobank.ingest import ingest_infobank
from pipelines.kst import KST
from pipelines.receiver.access import AccessPolicy
from pipelines.receiver.day_files import DayFileWriter, StoreError, day_file_name, report_line
from pipelines.receiver.server import BoundedHttpToolsProtocol, running_receiver
from pipelines.receiver.settings import (
    DEFAULT_ALLOW,
    ReceiverSettings,
    load_receiver_settings,
    parse_networks,
)
from pipelines.settings import ConfigError
from pipelines.simulator import write_infobank_store
from pipelines.simulator.pusher import (
    InfobankPusher,
    Report,
    push_store_through_receiver,
    start_receiver_process,
)

EXAMPLE = "msgid=00000123&to=1093446280&to_country=82&ref=AA123456789&network=45008&rescnt=1&err_code=1000"
EXAMPLE_ANSWER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<report_response><msgid>00000123</msgid><to_country>82</to_country><to>1093446280</to>"
    b"</report_response>\n"
)
FORM = {"content-type": "application/x-www-form-urlencoded"}


def report(n: int, **changes: str) -> str:
    fields = {"msgid": f"{n:08d}", "to": f"10{n:08d}", "to_country": "82", "network": "45005",
              "rescnt": "1", "err_code": "1000"}  # fmt: skip
    fields.update(changes)
    return "&".join(f"{name}={value}" for name, value in fields.items())


def loopback(reports_dir: Path, allow: str = "127.0.0.1", trusted: str = "") -> ReceiverSettings:
    return ReceiverSettings(
        reports_dir=reports_dir,
        host="127.0.0.1",
        port=0,
        allow=parse_networks("allow", allow),
        trusted_proxies=parse_networks("trusted", trusted),
    )


class Receiver:
    """A receiver serving on loopback, with a client for it and the folder it writes."""

    def __init__(self, reports_dir: Path, port: int) -> None:
        self.reports_dir = reports_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}/infobank/report"
        self.client = httpx.Client(timeout=10)

    def stored_lines(self) -> list[bytes]:
        return [
            line
            for path in sorted(self.reports_dir.glob("reports-*.log"))
            for line in path.read_bytes().splitlines()
        ]

    def raw(self, request: bytes, wait: float = 5.0) -> bytes:
        """Send bytes on a fresh connection; everything answered until the server closes it."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=wait) as connection:
            connection.sendall(request)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
            return answer


@pytest.fixture
def receiver(tmp_path) -> Iterator[Receiver]:
    with running_receiver(loopback(tmp_path / "reports")) as server:
        receiver = Receiver(tmp_path / "reports", server.port)
        with receiver.client:
            yield receiver


def test_the_answer_echoes_msgid_to_country_and_to_as_infobank_expects(receiver):
    answer = receiver.client.get(f"{receiver.url}?{EXAMPLE}&sent_date=20261101140641")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/xml; charset=UTF-8"
    assert answer.content == EXAMPLE_ANSWER


def test_echoed_values_are_xml_escaped(receiver):
    answer = receiver.client.get(f"{receiver.url}?msgid=a%26b%3Cc%3E&to_country=%2282%27&to=%01x")
    assert b"<msgid>a&amp;b&lt;c&gt;</msgid><to_country>\"82'</to_country>" in answer.content
    assert "<to>\ufffdx</to>".encode() in answer.content  # a character XML cannot hold


def test_a_get_and_a_post_are_stored_as_received_each_on_its_day_line(receiver):
    before = datetime.now(KST)
    assert receiver.client.get(f"{receiver.url}?{report(1)}").status_code == 200
    posted = receiver.client.post(receiver.url, content=report(2).encode(), headers=FORM)
    assert posted.status_code == 200 and b"<msgid>00000002</msgid>" in posted.content
    (day_file,) = receiver.reports_dir.glob("reports-*.log")
    assert day_file.name == day_file_name(before)
    stamps, queries = zip(*(line.split(b"\t") for line in receiver.stored_lines()), strict=True)
    assert queries == (b"?" + report(1).encode(), b"?" + report(2).encode())
    assert all(before <= datetime.fromisoformat(stamp.decode()) <= datetime.now(KST) for stamp in stamps)


def test_a_control_byte_in_a_post_body_cannot_split_a_line(receiver):
    receiver.client.post(
        receiver.url, content=b"msgid=7&to=1\n2023-01-01T00:00:00+09:00\tmsgid=8", headers=FORM
    )
    assert receiver.stored_lines()[0].endswith(b"?msgid=7&to=1%0A2023-01-01T00:00:00+09:00%09msgid=8")


def test_a_report_without_msgid_is_stored_answered_and_quarantined_with_its_reason(receiver, warehouse):
    answer = receiver.client.get(f"{receiver.url}?to=1012345678&to_country=82&err_code=1000&rescnt=1")
    assert answer.status_code == 200 and b"<msgid></msgid>" in answer.content
    stats = ingest_infobank(warehouse, receiver.reports_dir)
    assert (stats.lines_read, stats.quarantined, stats.quarantine_reasons) == (1, 1, {"no msgid": 1})


def test_resent_reports_are_stored_each_time_and_counted_once(receiver, warehouse):
    reports = (
        [Report(report(1))] * 4 + [Report(report(2, err_code="2003", rescnt="0"))] * 2 + [Report(report(3))]
    )
    with InfobankPusher(receiver.url, connections=4) as pusher:
        pushed = pusher.push(reports)
    assert pushed.acknowledged_count == 7 and len(receiver.stored_lines()) == 7
    stats = ingest_infobank(warehouse, receiver.reports_dir)
    assert (stats.lines_read, stats.reports_accepted, stats.retries, stats.quarantined) == (7, 3, 4, 0)
    counted = warehouse.connection.execute(
        "SELECT msgid, report_count, retry_count FROM infobank_messages ORDER BY msgid"
    ).fetchall()
    assert counted == [("00000001", 4, 3), ("00000002", 2, 1), ("00000003", 1, 0)]


def test_other_paths_get_404_other_methods_405_and_neither_is_stored(receiver):
    assert receiver.client.get(f"http://127.0.0.1:{receiver.port}/other?{EXAMPLE}").status_code == 404
    assert receiver.client.get(f"{receiver.url}/more?{EXAMPLE}").status_code == 404
    for method in ("PUT", "DELETE", "PATCH", "HEAD"):
        answer = receiver.client.request(method, f"{receiver.url}?{EXAMPLE}")
        assert answer.status_code == 405, method
    assert receiver.stored_lines() == []


def test_a_sender_outside_the_allowlist_gets_403_and_nothing_is_stored(tmp_path):
    with running_receiver(loopback(tmp_path / "reports", allow="211.233.70.235, 211.233.70.236")) as server:
        receiver = Receiver(tmp_path / "reports", server.port)
        with receiver.client:
            answer = receiver.client.get(f"{receiver.url}?{EXAMPLE}")
            # Without a trusted proxy, a sender cannot claim to be Infobank.
            claimed = receiver.client.get(
                f"{receiver.url}?{EXAMPLE}", headers={"x-forwarded-for": "211.233.70.235"}
            )
    assert answer.status_code == 403 and claimed.status_code == 403
    assert receiver.stored_lines() == []


@pytest.mark.parametrize(
    ("forwarded_for", "status"),
    [
        ("211.233.70.235", 200),  # the proxy says Infobank connected to it
        ("10.1.2.3", 403),  # someone else behind the proxy
        ("211.233.70.235, 10.1.2.3", 403),  # the proxy saw 10.1.2.3; the first hop is only a claim
        ("10.1.2.3, 211.233.70.236", 200),
        ("not-an-address", 403),
        ("211.233.70.235:41234", 200),
    ],
)
def test_x_forwarded_for_is_believed_from_a_trusted_proxy(tmp_path, forwarded_for, status):
    settings = loopback(tmp_path / "reports", allow="211.233.70.235, 211.233.70.236", trusted="127.0.0.1")
    with running_receiver(settings) as server:
        receiver = Receiver(tmp_path / "reports", server.port)
        with receiver.client:
            answer = receiver.client.get(
                f"{receiver.url}?{EXAMPLE}", headers={"x-forwarded-for": forwarded_for}
            )
            without = receiver.client.get(f"{receiver.url}?{EXAMPLE}")  # the proxy itself is no sender
    assert (answer.status_code, without.status_code) == (status, 403)
    assert len(receiver.stored_lines()) == (status == 200)


def test_the_sender_is_read_from_the_right_past_every_trusted_proxy():
    policy = AccessPolicy(parse_networks("allow", "211.233.70.235"), parse_networks("trusted", "10.0.0.0/8"))
    assert policy.sender("10.0.0.1", ["1.1.1.1, 211.233.70.235, 10.0.0.7"]) == "211.233.70.235"
    assert policy.sender("10.0.0.1", ["10.0.0.9", "10.0.0.8"]) == "10.0.0.9"
    assert policy.sender("192.0.2.1", ["211.233.70.235"]) == "192.0.2.1"
    assert policy.admits("::ffff:211.233.70.235") and not policy.admits("211.233.70.234")


def test_the_default_allowlist_is_infobanks_report_servers_and_loopback(tmp_path):
    settings = load_receiver_settings({"INFOBANK_REPORTS_DIR": str(tmp_path)})
    assert (settings.host, settings.port, settings.path) == ("0.0.0.0", 8080, "/infobank/report")
    policy = AccessPolicy(settings.allow)
    assert all(policy.admits(address) for address in DEFAULT_ALLOW)
    assert not policy.admits("211.233.70.237") and not policy.admits("10.0.0.1")
    with pytest.raises(ConfigError, match="neither an IP address"):
        load_receiver_settings({"INFOBANK_REPORTS_DIR": "x", "INFOBANK_RECEIVER_ALLOW": "infobank.net"})
    with pytest.raises(ConfigError, match="INFOBANK_REPORTS_DIR"):
        load_receiver_settings({})


def test_oversize_and_malformed_requests_are_refused_cleanly_and_not_stored(receiver):
    client, url = receiver.client, receiver.url
    assert client.get(f"{url}?{EXAMPLE}&ref={'x' * 9000}").status_code == 414
    assert client.get(f"{url}?{EXAMPLE}", headers={"x-padding": "p" * 9000}).status_code == 431
    assert client.post(url, content=b"a" * 9000, headers=FORM).status_code == 413
    chunked = client.post(url, content=iter([b"msgid=1&", b"a" * 9000]), headers=FORM)  # no length given
    assert chunked.status_code == 413
    assert (
        client.post(url, content=b'{"msgid": "1"}', headers={"content-type": "application/json"}).status_code
        == 415
    )
    assert receiver.raw(b"HELLO THERE\r\n\r\n").startswith(b"HTTP/1.1 400 ")
    assert receiver.raw(
        b"GET /infobank/report?msgid=1 HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"
    ).startswith(b"HTTP/1.1 400 ")
    assert receiver.stored_lines() == []
    assert client.get(f"{url}?{EXAMPLE}").content == EXAMPLE_ANSWER  # and it still serves


def test_a_sender_too_slow_with_its_request_is_cut_off(receiver, monkeypatch):
    monkeypatch.setattr(BoundedHttpToolsProtocol, "head_timeout", 0.3)
    started = time.monotonic()
    answer = receiver.raw(b"GET /infobank/report?msgid=1", wait=10)
    assert answer.startswith(b"HTTP/1.1 408 ") and time.monotonic() - started < 5
    assert receiver.raw(b"", wait=10).startswith(b"HTTP/1.1 408 ")  # connected, and silent
    assert receiver.stored_lines() == []


def test_a_store_that_cannot_write_answers_503_and_the_report_is_sent_again_later(receiver):
    receiver.reports_dir.mkdir(exist_ok=True)
    blocked = receiver.reports_dir / day_file_name(datetime.now(KST))
    blocked.mkdir()  # the day file's name is taken by a folder: opening it fails
    answer = receiver.client.get(f"{receiver.url}?{EXAMPLE}")
    assert answer.status_code == 503 and b"report_response" not in answer.content
    with InfobankPusher(receiver.url, connections=2, retry_delay=0.05) as pusher:
        assert pusher.push([Report(EXAMPLE)]).given_up == 1  # 4 tries, none acknowledged
    blocked.rmdir()
    assert receiver.client.get(f"{receiver.url}?{EXAMPLE}").content == EXAMPLE_ANSWER
    assert len(receiver.stored_lines()) == 1


def test_concurrent_reports_share_their_syncs_and_each_is_answered_after_its_own(tmp_path):
    writer = DayFileWriter(tmp_path)
    received_at = datetime.now(KST)

    async def store_all() -> None:
        await asyncio.gather(*(writer.append(received_at, report(n).encode()) for n in range(200)))

    # On a thread of its own: an event loop another test left running on this one would refuse asyncio.run.
    worker = threading.Thread(target=asyncio.run, args=(store_all(),))
    try:
        worker.start()
        worker.join(timeout=60)
    finally:
        writer.close()
    assert not worker.is_alive()
    lines = (tmp_path / day_file_name(received_at)).read_bytes().splitlines()
    assert sorted(lines) == sorted(report_line(received_at, report(n).encode())[:-1] for n in range(200))
    assert writer.lines_written == 200 and writer.syncs <= 10  # 200 requests, a handful of syncs


def test_a_second_receiver_on_the_same_folder_is_refused(receiver):
    with pytest.raises(StoreError, match="another receiver is already writing"):
        DayFileWriter(receiver.reports_dir)


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (12_000, 12_000))  # Python ignores SIGXFSZ: writes get EFBIG


def test_a_full_disk_answers_503_and_every_acknowledged_report_is_stored(tmp_path, warehouse):
    reports_dir = tmp_path / "reports"
    process, url = start_receiver_process(reports_dir, preexec_fn=_limit_file_size)
    try:
        with InfobankPusher(url, connections=8, retry_delay=0.01) as pusher:
            pushed = pusher.push([Report(report(n)) for n in range(300)])  # ~30 KB of lines: 12 KB fit
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert 0 < pushed.acknowledged_count < 300 and pushed.given_up == 300 - pushed.acknowledged_count
    (day_file,) = reports_dir.glob("reports-*.log")
    data = day_file.read_bytes()
    assert data.endswith(b"\n")  # a batch cut off by the limit was cut back: no half line is left
    stored = {line.split(b"msgid=")[1][:8].decode() for line in data.splitlines()}
    assert stored == {f"{n:08d}" for n, acked in enumerate(pushed.acknowledged) if acked}
    stats = ingest_infobank(warehouse, reports_dir)
    assert (stats.reports_accepted, stats.retries, stats.quarantined) == (len(stored), 0, 0)


def test_a_line_half_written_at_a_crash_waits_then_is_cut_before_the_next_report(tmp_path, warehouse):
    reports_dir = tmp_path / "reports"
    reports_dir.mkdir()
    day_file = reports_dir / day_file_name(datetime.now(KST))
    stamp = datetime.now(KST).isoformat()
    day_file.write_text(
        f"{stamp}\t?{report(1)}\n{stamp}\t?{report(2)}\n{stamp}\t?msgid=000000", encoding="utf-8"
    )
    first = ingest_infobank(warehouse, reports_dir)
    assert (first.lines_read, first.reports_accepted) == (2, 2)  # the partial line is not read yet
    with running_receiver(loopback(reports_dir)) as server:
        assert httpx.get(f"http://127.0.0.1:{server.port}/infobank/report?{report(3)}").status_code == 200
    assert day_file.read_text(encoding="utf-8").splitlines()[2].endswith(f"\t?{report(3)}")
    second = ingest_infobank(warehouse, reports_dir)
    assert (second.lines_read, second.reports_accepted, second.quarantined) == (1, 1, 0)


@pytest.fixture(scope="module")
def shared_receiver(tmp_path_factory) -> Iterator[tuple[Receiver, Path]]:
    folder = tmp_path_factory.mktemp("receiver")
    with running_receiver(loopback(folder / "reports")) as server:
        receiver = Receiver(folder / "reports", server.port)
        with receiver.client:
            yield receiver, folder / "warehouse.duckdb"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bodies=st.lists(st.binary(max_size=400), min_size=1, max_size=8),
    queries=st.lists(st.text(max_size=120), max_size=4),
)
def test_whatever_arrives_every_stored_line_is_accounted_for_by_the_ingestion(
    shared_receiver, bodies, queries
):
    receiver, warehouse_path = shared_receiver
    lines_before = len(receiver.stored_lines())
    for body in bodies:
        assert receiver.client.post(receiver.url, content=body, headers=FORM).status_code == 200
    for query in queries:
        assert receiver.client.get(receiver.url, params={"q": query, "msgid": query}).status_code == 200
    sent = len(bodies) + len(queries)
    assert len(receiver.stored_lines()) == lines_before + sent  # one line per report, whatever it holds
    with WarehouseResource(database=str(warehouse_path)).open() as warehouse:
        stats = ingest_infobank(warehouse, receiver.reports_dir)
    assert stats.lines_read == sent and stats.balanced
    assert stats.files_with_problems == {}
    assert sum(stats.quarantine_reasons.values()) == stats.quarantined


def test_the_synthetic_store_pushed_through_a_receiver_gives_the_same_messages_on_the_same_days(tmp_path):
    write_infobank_store(tmp_path / "store", date(2026, 11, 20), 3, per_day=150)
    pushed = push_store_through_receiver(tmp_path / "store", tmp_path / "reports", connections=8)
    assert pushed.acknowledged_count == pushed.reports and pushed.given_up == 0
    with pytest.raises(ValueError, match="already holds report files"):  # it would store them all twice
        push_store_through_receiver(tmp_path / "store", tmp_path / "reports")
    counted = {}
    for folder in ("store", "reports"):
        with WarehouseResource(database=str(tmp_path / f"{folder}.duckdb")).open() as warehouse:
            ingest_infobank(warehouse, tmp_path / folder)
            counted[folder] = warehouse.connection.execute(
                "SELECT msgid, report_count, activity_date FROM infobank_messages ORDER BY msgid"
            ).fetchall()
    assert [row[:2] for row in counted["reports"]] == [row[:2] for row in counted["store"]]
    days = {row[2] for row in counted["reports"]}
    assert days <= {date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)}  # not the day of the push
