"""The Cafe24 sms_list simulator over real loopback HTTP, and the synthetic traffic it serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple
from datetime import date, datetime, timedelta

import pytest
import requests
import xmltodict

from pipelines.simulator import Cafe24Simulator, SimMessage, synthetic_cafe24_traffic

USER, SECURE = "shop", "s3cr3t"
DAY = date(2026, 11, 21)


def message(day: date = DAY, minute: int = 0, *, to: str = "010-1234-5678", **fields: object) -> SimMessage:
    """A delivered immediate SMS sent `minute` minutes after 09:00 on `day`."""
    values: dict[str, object] = {
        "sms_type": "SMS",
        "send_type": "I",
        "send_phone": "02-123-4567",
        "receive_phone": to,
        "msg": "안녕하세요",
        "send_at": datetime(day.year, day.month, day.day, 9) + timedelta(minutes=minute),
        "status": 3,
    }
    values.update(fields)
    return SimMessage(**values)  # type: ignore[arg-type]


def numbered(day: date, count: int) -> list[SimMessage]:
    """`count` messages on `day`, one a minute, told apart by recipient: 010-0000-0000, 010-0000-0001..."""
    return [message(day, i, to=f"010-0000-{i:04d}") for i in range(count)]


@pytest.fixture
def sim() -> Iterator[Cafe24Simulator]:
    with Cafe24Simulator(accounts={USER: SECURE}) as simulator:
        yield simulator


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def post(sim: Cafe24Simulator, http: requests.Session, **fields: str | int) -> requests.Response:
    form = {"user_id": USER, "secure": SECURE, "date": DAY.strftime("%Y%m%d"), "smsType": ""}
    form.update({name: str(value) for name, value in fields.items()})
    return http.post(sim.url, data=form, timeout=5)


def listing(sim: Cafe24Simulator, http: requests.Session, **fields: str | int) -> dict:
    response = post(sim, http, **fields)
    assert response.status_code == 200
    return xmltodict.parse(response.content)["API"]


def records(answer: dict) -> list[dict]:
    data = answer.get("data") or {}
    found = data.get("record", [])
    return found if isinstance(found, list) else [found]


def recipients(answer: dict) -> list[str]:
    return [record["receivePhone"] for record in records(answer)]


def test_a_window_is_the_days_ending_at_date_inclusive_newest_first(sim, http):
    before, first, last, after = (
        DAY - timedelta(days=7),
        DAY - timedelta(days=6),
        DAY,
        DAY + timedelta(days=1),
    )
    sim.load(USER, [message(before, to="before"), message(first, to="first"), message(after, to="after")])
    sim.load(
        USER,
        [message(last, 5, to="last-early"), message(last, 9, to="last-a"), message(last, 9, to="last-b")],
    )
    answer = listing(sim, http, day=7, displayNo=50)
    assert recipients(answer) == ["last-b", "last-a", "last-early", "first"]
    assert answer["totalCnt"] == "4"
    assert recipients(listing(sim, http, day=1)) == ["last-b", "last-a", "last-early"]
    assert sim.rows_in_window(USER, "SMS", DAY, 7) == 4
    assert sim.rows_in_window(USER, "lms", DAY, 7) == 0


def test_pages_follow_start_and_display_numbers(sim, http):
    sim.load(USER, numbered(DAY, 23))
    pages = [recipients(listing(sim, http, startNo=start, displayNo=10)) for start in (0, 10, 20)]
    assert [len(page) for page in pages] == [10, 10, 3]
    assert [phone for page in pages for phone in page] == [f"010-0000-{i:04d}" for i in reversed(range(23))]
    assert sim.requests == 3


def test_sms_and_lms_are_listed_by_separate_queries(sim, http):
    sim.load(USER, [message(), message(sms_type="LMS", subject="제목", to="lms")])
    assert recipients(listing(sim, http, smsType="LMS")) == ["lms"]
    assert recipients(listing(sim, http)) == ["010-1234-5678"]


@pytest.mark.parametrize(("mode", "expected"), [("grand", "23"), ("remaining", "3"), ("absent", None)])
def test_total_count_modes(mode, expected, http):
    with Cafe24Simulator(accounts={USER: SECURE}, total_count=mode) as sim:
        sim.load(USER, numbered(DAY, 23))
        assert listing(sim, http, startNo=20).get("totalCnt") == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"date": ""},
        {"date": "2026-11-21"},
        {"date": "20261131"},
        {"user_id": ""},
        {"secure": ""},
        {"day": 8},
        {"day": 0},
        {"displayNo": 51},
        {"displayNo": "ten"},
        {"startNo": -1},
    ],
)
def test_missing_or_malformed_fields_answer_minus_101(sim, http, fields):
    assert listing(sim, http, **fields) == {"code": "-101"}


@pytest.mark.parametrize("fields", [{"secure": "wrong"}, {"user_id": "stranger"}])
def test_wrong_credentials_answer_minus_102(sim, http, fields):
    assert listing(sim, http, **fields) == {"code": "-102"}


def test_one_record_page_and_empty_page(sim, http):
    sim.load(USER, [message()])
    answer = listing(sim, http)
    assert isinstance(answer["data"]["record"], dict)
    empty = post(sim, http, startNo=1)
    assert empty.text.endswith("<totalCnt>1</totalCnt><data/></API>")


def test_text_needing_escapes_round_trips(sim, http):
    text = "A&B <b>특가</b> ]]> 끝 🎉 ]]]]>"
    sim.load(USER, [message(sms_type="LMS", subject="A&B <공지>", msg=text, reg_date="2026-11-21 09:00:07")])
    raw = post(sim, http, smsType="lms").text
    assert "<![CDATA[A&B <b>특가</b> ]]]]><![CDATA[> 끝" in raw
    assert "<subject>A&amp;B &lt;공지&gt;</subject>" in raw
    (record,) = records(xmltodict.parse(raw)["API"])
    assert record == {
        "sendType": "I",
        "sendPhone": "02-123-4567",
        "receivePhone": "010-1234-5678",
        "subject": "A&B <공지>",
        "msg": text,
        "sendDateTime": "202611210900",
        "regDate": "2026-11-21 09:00:07",
        "sendStatus": "3",
        "refundDate": None,
    }
    element_order = ["sendType", "sendPhone", "receivePhone", "subject", "msg", "sendDateTime", "regDate"]
    assert list(record) == [*element_order, "sendStatus", "refundDate"]


def test_changes_to_loaded_messages_show_in_the_next_answer(sim, http):
    pending = message(status=1)
    sim.load(USER, [pending])
    assert records(listing(sim, http))[0]["sendStatus"] == "1"
    pending.status, pending.refund_at = 9, datetime(2026, 11, 21, 9, 40)
    (record,) = records(listing(sim, http))
    assert (record["sendStatus"], record["refundDate"]) == ("9", "202611210940")


def test_multipart_and_get_requests_are_accepted(sim, http):
    sim.load(USER, [message()])
    fields = {"user_id": USER, "secure": SECURE, "date": "20261121"}
    multipart = http.post(sim.url, files={name: (None, value) for name, value in fields.items()}, timeout=5)
    by_get = http.get(sim.url, params=fields, timeout=5)
    for response in (multipart, by_get):
        assert xmltodict.parse(response.content)["API"]["totalCnt"] == "1"


def test_phones_can_be_served_without_hyphens(http):
    with Cafe24Simulator(accounts={USER: SECURE}, phone_format="bare") as sim:
        sim.load(USER, [message()])
        (record,) = records(listing(sim, http))
        assert (record["sendPhone"], record["receivePhone"]) == ("021234567", "01012345678")


def test_send_status_filter(sim, http):
    sim.load(USER, [message(DAY, 0, to="ok"), message(DAY, 1, to="failed", status=9)])
    assert recipients(listing(sim, http, sendStatus="F")) == ["failed"]
    assert recipients(listing(sim, http, sendStatus="")) == ["failed", "ok"]


def test_requests_are_counted_and_logged_without_the_secure_key(sim, http):
    listing(sim, http, startNo=0)
    listing(sim, http, secure="wrong")
    assert sim.requests == 2
    assert [entry.get("startNo") for entry in sim.request_log] == ["0", None]
    assert all("secure" not in entry for entry in sim.request_log)
    sim.reset_counters()
    assert (sim.requests, sim.request_log) == (0, [])


def test_most_in_flight_counts_requests_waiting_for_their_answer_together(sim):
    sim.latency = 0.2
    sessions = [requests.Session() for _ in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(lambda session: post(sim, session, startNo=0), sessions))
    for session in sessions:
        session.close()
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert sim.most_in_flight == 3
    sim.reset_counters()
    sim.latency = 0
    with requests.Session() as session:
        post(sim, session, startNo=0)
        post(sim, session, startNo=0)
    assert sim.most_in_flight == 1


def test_status_endpoints(sim, http):
    sim.load(USER, numbered(DAY, 3))
    listing(sim, http)
    base = sim.url.removesuffix("/sms_list.php")
    assert http.get(base + "/_sim/stats", timeout=5).json() == {"requests": 1, "rows": 3}
    http.post(base + "/_sim/reset", timeout=5)
    assert sim.requests == 0


FAULT_SIGNS = {
    "http500": lambda r: r.status_code == 500,
    "http503": lambda r: r.status_code == 503 and r.headers["Retry-After"] == "1",
    "code-100": lambda r: xmltodict.parse(r.content) == {"API": {"code": "-100"}},
    "code0099": lambda r: xmltodict.parse(r.content) == {"API": {"code": "0099"}},
    "html": lambda r: r.headers["Content-Type"].startswith("text/html") and "Temporarily" in r.text,
    "truncated": lambda r: r.status_code == 200 and r.text.startswith("<?xml") and "</API>" not in r.text,
    # requests follows the redirect (to a path of the simulator that does not exist).
    "redirect": lambda r: (
        [h.status_code for h in r.history] == [302]
        and r.history[0].headers["Location"] == "/moved/sms_list.php"
        and r.status_code == 404
    ),
}


@pytest.mark.parametrize("kind", sorted(FAULT_SIGNS))
def test_each_answer_fault_shows_once_then_service_resumes(sim, http, kind):
    sim.load(USER, numbered(DAY, 3))
    sim.inject(kind)
    assert FAULT_SIGNS[kind](post(sim, http))
    assert listing(sim, http)["totalCnt"] == "3"
    assert sim.requests == 2


def test_reset_fault_closes_the_connection_without_an_answer(sim, http):
    sim.inject("reset", times=2)
    for _ in range(2):
        with pytest.raises(requests.ConnectionError):
            post(sim, http)
    assert listing(sim, http)["code"] == "0000"
    assert sim.requests == 3


def test_timeout_fault_answers_too_late(sim, http):
    sim.timeout_delay = 0.5
    sim.inject("timeout")
    with pytest.raises(requests.Timeout):
        http.post(sim.url, data={"user_id": USER, "secure": SECURE, "date": "20261121"}, timeout=0.1)
    assert listing(sim, http)["code"] == "0000"


def test_rewrites_put_bytes_no_honest_answer_holds_into_every_answer(sim, http):
    sim.load(USER, numbered(DAY, 2))
    sim.rewrite_answers(b"<totalCnt>2</totalCnt>", b"<totalCnt>1000000000</totalCnt>")
    sim.rewrite_answers("안녕하세요".encode(), b"\xff\x01")
    for _ in range(2):  # a rewrite stays for every later answer
        content = post(sim, http).content
        assert b"<totalCnt>1000000000</totalCnt>" in content
        assert content.count(b"<msg><![CDATA[\xff\x01]]></msg>") == 2
    with pytest.raises(ValueError, match="bytes to replace"):
        sim.rewrite_answers(b"", b"anything")


def test_unknown_fault_is_refused(sim):
    with pytest.raises(ValueError, match="unknown fault"):
        sim.inject("gremlins")


def test_messages_arriving_while_paging_push_rows_down(sim, http):
    sim.load(USER, numbered(DAY, 15))
    sim.add_during_paging([message(DAY, 60, to="new-1"), message(DAY, 61, to="new-2")], after_request=1)
    first = recipients(listing(sim, http, startNo=0, displayNo=10))
    second_answer = listing(sim, http, startNo=10, displayNo=10)
    assert first[0] == "010-0000-0014"
    assert second_answer["totalCnt"] == "17"
    # The last two rows of page one come again at the top of page two.
    assert recipients(second_answer)[:2] == first[-2:]


FIRST_DAY = date(2026, 11, 8)
TWO_WEEKS = [FIRST_DAY + timedelta(days=offset) for offset in range(14)]


@pytest.fixture(scope="module")
def traffic() -> list[SimMessage]:
    return synthetic_cafe24_traffic(FIRST_DAY, 14, per_day=300)


def test_traffic_is_deterministic(traffic):
    rows = [astuple(m) for m in traffic]
    assert rows == [astuple(m) for m in synthetic_cafe24_traffic(FIRST_DAY, 14)]
    assert rows != [astuple(m) for m in synthetic_cafe24_traffic(FIRST_DAY, 14, seed=8)]


def test_traffic_volume_varies_by_day(traffic):
    per_day = Counter(m.send_at.date() for m in traffic)
    assert [day for day in TWO_WEEKS if per_day[day] == 0] == [FIRST_DAY + timedelta(days=4)]
    weekday = [per_day[d] for d in TWO_WEEKS if d.weekday() < 5 and per_day[d]]
    weekend = [per_day[d] for d in TWO_WEEKS if d.weekday() >= 5]
    assert sum(weekend) / len(weekend) < 0.6 * sum(weekday) / len(weekday)
    assert 200 < len(traffic) / 14 < 400
    assert len(set(per_day.values())) > 8


def test_traffic_mixes_types_modes_and_awkward_text(traffic):
    assert 0.25 < sum(m.sms_type == "LMS" for m in traffic) / len(traffic) < 0.35
    lms = [m for m in traffic if m.sms_type == "LMS"]
    assert 0 < sum(m.subject is None for m in lms) < 0.3 * len(lms)
    assert all(m.subject is None for m in traffic if m.sms_type == "SMS")
    assert 0.1 < sum(m.send_type == "R" for m in traffic) / len(traffic) < 0.2
    assert 0.4 < sum(m.reg_date is not None for m in traffic) / len(traffic) < 0.6
    assert all(m.send_at.second == 0 and m.send_at.microsecond == 0 for m in traffic)
    assert any("🎉" in m.msg for m in traffic)
    assert all(any("가" <= c <= "힣" for c in m.msg) for m in traffic)
    awkward_days = {m.send_at.date() for m in traffic if "&" in m.msg and "<" in m.msg and "]]>" in m.msg}
    assert awkward_days == {m.send_at.date() for m in traffic}


def test_traffic_settles_old_messages_and_has_refund_findings(traffic):
    a_day_before_now = datetime(2026, 11, 21)
    settled = [m for m in traffic if m.send_at < a_day_before_now]
    assert {m.status for m in settled} == {3, 9}
    assert 0.05 < sum(m.status == 9 for m in settled) / len(settled) < 0.11
    assert {m.status for m in traffic if m.send_at >= a_day_before_now} >= {1, 3}
    assert all(m.status == (1 if m.send_type == "I" else 2) for m in traffic if m.status in (1, 2))
    assert all(m.refund_at is None for m in traffic if m.status in (1, 2))

    failed = [m for m in settled if m.status == 9]
    refunded = [m for m in failed if m.refund_at is not None]
    assert 0 < len(failed) - len(refunded) < 0.2 * len(failed)  # refunds missing
    assert all(timedelta(minutes=10) <= m.refund_at - m.send_at <= timedelta(hours=30) for m in refunded)
    assert all(m.refund_at.second == 0 for m in refunded)
    assert 0 < sum(m.status == 3 and m.refund_at is not None for m in traffic) < 30  # refunds unexpected


def test_traffic_has_identical_messages_in_one_minute(traffic):
    statuses: dict[tuple, list[int]] = {}
    for m in traffic:
        statuses.setdefault((m.sms_type, m.send_phone, m.receive_phone, m.msg, m.send_at), []).append(
            m.status
        )
    twins = {key: seen for key, seen in statuses.items() if len(seen) > 1}
    assert {key[4].date() for key in twins} == {m.send_at.date() for m in traffic}
    assert len(twins) >= 3 * 13
    disagreeing_days = {key[4].date() for key, seen in twins.items() if len(set(seen)) > 1}
    assert len(disagreeing_days) >= 12


def test_traffic_lists_only_reservations_ahead_of_now():
    now = datetime(2026, 11, 21, 12)
    traffic = synthetic_cafe24_traffic(date(2026, 11, 20), 2, now=now)
    later = [m for m in traffic if m.send_at > now]
    assert later and all(m.send_type == "R" and m.status == 2 for m in later)


def test_command_line_server_serves_until_terminated():
    environment = {**os.environ, "CAFE24_SMS_SECURE": "from-env"}
    command = [sys.executable, "-m", "pipelines.simulator", "--days", "2", "--last-day", "2026-11-21"]
    command += ["--per-day", "50", "--user-id", USER, "--port", "0"]
    server = subprocess.Popen(
        command, env=environment, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        line = server.stdout.readline().strip()
        assert line.startswith("SIMULATOR_URL=http://127.0.0.1:")
        url = line.removeprefix("SIMULATOR_URL=")
        form = {"user_id": USER, "secure": "from-env", "date": "20261121", "day": 2}
        assert xmltodict.parse(requests.post(url, data=form, timeout=5).content)["API"]["code"] == "0000"
        stats = json.loads(requests.get(url.removesuffix("/sms_list.php") + "/_sim/stats", timeout=5).text)
        assert stats["requests"] == 1 and stats["rows"] > 50
    finally:
        server.terminate()
        out, err = server.communicate(timeout=10)
    assert server.returncode == 0
    assert "from-env" not in out + err
