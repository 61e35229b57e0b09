"""Parsing sms_list answers: every shape VENDORS.md allows, and every error it can stand for."""

import pytest

from pipelines.cafe24.answer import parse_answer
from pipelines.cafe24.errors import (
    Cafe24AuthError,
    Cafe24Error,
    Cafe24ParameterError,
    Cafe24TransientError,
)

RECORD = (
    "<record><sendType>I</sendType><sendPhone>02-123-4567</sendPhone><receivePhone>010-1234-5678</receivePhone>"
    "<msg><![CDATA[안녕하세요 🎉 <b>&]]></msg><sendDateTime>202611211030</sendDateTime>"
    "<sendStatus>3</sendStatus><refundDate></refundDate></record>"
)


def answer(inner: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><API>{inner}</API>'.encode()


def test_one_record_is_a_list_of_one():
    page = parse_answer(answer(f"<code>0000</code><totalCnt>1</totalCnt><data>{RECORD}</data>"))
    assert page.total_count == 1
    assert len(page.records) == 1
    record = page.records[0]
    assert record["msg"] == "안녕하세요 🎉 <b>&"
    assert record["receivePhone"] == "010-1234-5678"
    assert record["subject"] is None and record["regDate"] is None
    assert record["refundDate"] is None


@pytest.mark.parametrize("data", ["<data/>", "<data></data>", ""])
def test_no_records_in_any_empty_shape(data):
    page = parse_answer(answer(f"<code>0000</code><totalCnt>0</totalCnt>{data}"))
    assert page.records == []


def test_total_count_may_be_absent():
    page = parse_answer(answer(f"<code>0000</code><data>{RECORD}{RECORD}</data>"))
    assert page.total_count is None
    assert len(page.records) == 2


def test_optional_elements_and_bare_numbers_are_kept_as_text():
    record = RECORD.replace("<msg>", "<subject>제목</subject><msg>").replace(
        "<sendStatus>", "<regDate>2026-11-21 10:29:58</regDate><sendStatus>"
    )
    record = record.replace("010-1234-5678", "01012345678")
    page = parse_answer(answer(f"<code>0000</code><totalCnt>1</totalCnt><data>{record}</data>"))
    assert page.records[0]["subject"] == "제목"
    assert page.records[0]["regDate"] == "2026-11-21 10:29:58"
    assert page.records[0]["receivePhone"] == "01012345678"


def test_authentication_error_names_the_cause():
    with pytest.raises(Cafe24AuthError, match="authentication failed"):
        parse_answer(answer("<code>-102</code>"))


def test_missing_parameter_error():
    with pytest.raises(Cafe24ParameterError, match="-101"):
        parse_answer(answer("<code>-101</code>"))


@pytest.mark.parametrize("code", ["-100", "0099"])
def test_vendor_server_errors_are_transient(code):
    with pytest.raises(Cafe24TransientError, match=code):
        parse_answer(answer(f"<code>{code}</code>"))


def test_unknown_code_is_an_error_but_not_retried():
    with pytest.raises(Cafe24Error) as caught:
        parse_answer(answer("<code>-999</code>"))
    assert not isinstance(caught.value, Cafe24TransientError)


@pytest.mark.parametrize(
    "body",
    [
        answer(f"<code>0000</code><totalCnt>1</totalCnt><data>{RECORD}</data>")[:120],
        b"<html><body>Service Temporarily Unavailable</body></html>",
        b"<!DOCTYPE html><html><head><title>502</title></head><body><br></body></html>",
        b"",
        b"success,1234",
    ],
    ids=["truncated", "html-wellformed", "html-not-xml", "empty", "plain-text"],
)
def test_bodies_that_are_not_the_answer_are_transient(body):
    with pytest.raises(Cafe24TransientError):
        parse_answer(body)
