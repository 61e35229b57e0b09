"""Properties of parse_answer under hostile input: any bytes end in a Page or a Cafe24Error, and any text
in a message comes back, escaped where XML cannot hold it, the same way every time."""

from datetime import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.cafe24.answer import Page, escape_illegal, parse_answer, readable_body
from pipelines.cafe24.errors import Cafe24Error, printable
from pipelines.simulator import SimMessage
from pipelines.simulator.wire import render_page

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PLACEHOLDER = "@MSG@"


def body_with(msg: str, subject: str | None = None, *, total: int | None = 1) -> bytes:
    """An answer of one LMS record, rendered as the simulator renders it."""
    message = SimMessage(
        sms_type="LMS",
        send_type="I",
        send_phone="02-123-4567",
        receive_phone="010-1234-5678",
        msg=msg,
        send_at=datetime(2026, 11, 21, 10, 30),
        status=3,
        subject=subject,
        reg_date="2026-11-21 10:29:58",
    )
    return render_page(total, [message], "hyphen").encode("utf-8")


VALID = body_with("안녕하세요 🎉", "제목")


def as_parsed(text: str) -> str | None:
    """What the parser makes of an element's text: escapes for what XML cannot hold, line ends
    normalised to LF (XML's rule), surrounding whitespace stripped and nothing left as None (xmltodict)."""
    text = escape_illegal(text).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip() or None


@st.composite
def mutated_answers(draw: st.DrawFn) -> bytes:
    """A valid answer with bytes inserted, overwritten or cut off at random places."""
    body = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(body)))
        noise = draw(st.binary(min_size=1, max_size=8))
        match draw(st.sampled_from(["insert", "overwrite", "cut"])):
            case "insert":
                body[at:at] = noise
            case "overwrite":
                body[at : at + len(noise)] = noise
            case "cut":
                del body[at:]
    return bytes(body)


ENCODING_NAMES = ["UTF-8", "utf-16", "EUC-KR", "latin-1", "bogus", "zlib", "base64", "", "\x01"]
declared = st.builds(
    lambda name, rest: f'<?xml version="1.0" encoding="{name}"?>'.encode("utf-8", "replace") + rest,
    st.sampled_from(ENCODING_NAMES),
    st.sampled_from([VALID.split(b"?>", 1)[1], b"<API><code>0000</code></API>", b"<API><code>-102</code>"]),
)
hostile_bodies = st.one_of(st.binary(max_size=300), mutated_answers(), declared)


@PROPERTY
@given(hostile_bodies)
@example(b'<?xml version="1.0" encoding="bogus"?><API><code>0000</code></API>')
@example(b"<API><code>0000</code><totalCnt>" + b"9" * 5000 + b"</totalCnt></API>")
def test_any_bytes_give_a_page_or_a_cafe24_error(body):
    try:
        page = parse_answer(body)
    except Cafe24Error as error:
        assert str(error).isprintable()
    else:
        assert isinstance(page, Page)
        assert all(set(record) >= {"msg", "subject"} for record in page.records)


@PROPERTY
@given(msg=st.text(), subject=st.one_of(st.none(), st.text()))
@example(msg="\x01\x1b[31mred\x7f\ufffe\uffff", subject="\x00")
@example(msg="a]]>b\r\nc\rd", subject="<&>\t")
def test_any_text_in_msg_and_subject_comes_back_escaped_the_same_way_every_time(msg, subject):
    body = body_with(msg, subject)
    record = parse_answer(body).records[0]
    assert record["msg"] == as_parsed(msg)
    assert record["subject"] == (None if subject is None else as_parsed(subject))
    assert parse_answer(body).records[0] == record
    assert record["sendDateTime"] == "202611211030" and record["sendStatus"] == "3"


@PROPERTY
@given(st.binary(max_size=200).filter(lambda raw: b"]]>" not in raw))
@example(b"\xff\xfe\x00\x01")
@example(b"\xed\xa0\x80 \xc3( \xe2\x82")
def test_any_bytes_in_a_message_come_back_escaped(raw):
    body = body_with(PLACEHOLDER).replace(PLACEHOLDER.encode(), raw)
    record = parse_answer(body).records[0]
    assert record["msg"] == as_parsed(raw.decode("utf-8", errors="backslashreplace"))
    assert parse_answer(body).records[0] == record


def test_a_body_that_needs_no_escape_is_parsed_as_received():
    assert readable_body(VALID) is VALID


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31m-999", "\\x1b[31m-999"),
        ("\u202eevil", "\\u202eevil"),
        ("tab\tnew\nline", "tab\\tnew\\nline"),
        ("한글 ok", "한글 ok"),
        ("9" * 100, "9" * 60 + "... (100 characters)"),
    ],
)
def test_vendor_text_in_a_message_is_printable_and_bounded(text, shown):
    assert printable(text) == shown
