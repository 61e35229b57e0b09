"""The details of reading an sms_list answer: fields holding markup, records without fields, and the exact
wording of the errors an operator reads in a failed run."""

import pytest

from pipelines.cafe24.answer import Page, escape_illegal, parse_answer
from pipelines.cafe24.errors import Cafe24Error, Cafe24TransientError

EMPTY_RECORD = dict.fromkeys(
    (
        "sendType",
        "sendPhone",
        "receivePhone",
        "subject",
        "msg",
        "sendDateTime",
        "regDate",
        "sendStatus",
        "refundDate",
    )
)


def answer(inner: str) -> bytes:
    return f"<API>{inner}</API>".encode()


def test_a_field_holding_markup_keeps_only_its_own_text():
    body = answer(
        "<code>0000</code><data><record><msg>hi<b>x</b></msg><subject><b>x</b></subject></record></data>"
    )
    assert parse_answer(body) == Page(records=[{**EMPTY_RECORD, "msg": "hi"}], total_count=None)


def test_a_code_holding_markup_is_read_by_its_text():
    assert parse_answer(answer("<code>0000<i/></code><totalCnt>0</totalCnt>")) == Page([], 0)


def test_data_without_records_is_a_page_without_records():
    assert parse_answer(answer("<code>0000</code><data><other>1</other></data>")) == Page([], None)


@pytest.mark.parametrize("record", ["<record/>", "<record>text</record>", '<record id="7"/>'])
def test_a_record_without_fields_is_a_transient_fault(record):
    with pytest.raises(Cafe24TransientError) as raised:
        parse_answer(answer(f"<code>0000</code><data>{record}</data>"))
    assert str(raised.value) == "a <record> of the sms_list answer has no fields"


def test_a_body_that_is_not_xml_says_so_with_the_parser_s_words():
    with pytest.raises(Cafe24TransientError) as raised:
        parse_answer(b"not xml")
    assert str(raised.value) == "sms_list answered a body that is not XML (syntax error: line 1, column 0)"


@pytest.mark.parametrize(
    ("body", "found"),
    [(b"<html><p>busy</p></html>", "html"), (b"<API>busy</API>", "API"), (b"<API/>", "API")],
)
def test_an_answer_that_is_not_the_result_list_names_what_it_is(body, found):
    with pytest.raises(Cafe24TransientError) as raised:
        parse_answer(body)
    assert str(raised.value) == f"sms_list answered <{found}> instead of the <API> result list"


def test_an_empty_code_is_an_unexpected_code_shown_empty():
    with pytest.raises(Cafe24Error) as raised:
        parse_answer(answer("<code/>"))
    assert type(raised.value) is Cafe24Error
    assert str(raised.value) == "Cafe24 sms_list: unexpected answer code ''"


def test_characters_xml_cannot_hold_are_escaped_by_their_width():
    assert escape_illegal("a\x01b\x1fc\ufffed\uffff") == "a\\x01b\\x1fc\\ufffed\\uffff"
