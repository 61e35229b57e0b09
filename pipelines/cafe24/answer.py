"""Parsing one sms_list answer (UTF-8 XML) into a typed page, or the typed error it stands for."""

import re
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict

from pipelines.cafe24.errors import (
    Cafe24AuthError,
    Cafe24Error,
    Cafe24ParameterError,
    Cafe24TransientError,
    printable,
)

RECORD_FIELDS = (
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
TRANSIENT_CODES = {"-100", "0099"}
_CODE_ERRORS: dict[str, type[Cafe24Error]] = {
    "-101": Cafe24ParameterError,
    "-102": Cafe24AuthError,
}
_CODE_MEANINGS = {
    "-101": "a required parameter is missing or out of range (-101)",
    "-102": "authentication failed: check CAFE24_SMS_USER_ID and CAFE24_SMS_SECURE (-102)",
}

# The characters XML 1.0 allows nowhere in a document, not even escaped or in CDATA
# (https://www.w3.org/TR/xml/#charsets): C0 controls other than tab, line feed and carriage return, and
# U+FFFE, U+FFFF. Surrogates cannot occur in text decoded from UTF-8.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Record = dict[str, str | None]


@dataclass(frozen=True)
class Page:
    """One page of the result list: the records as text, and `totalCnt` when the answer had one."""

    records: list[Record]
    total_count: int | None


def _text(value: Any) -> str | None:
    """An element's text: xmltodict gives None for an empty element and a dict when it has attributes."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("#text")
        return None if value is None else str(value)
    return str(value)


def _record(raw: Any) -> Record:
    if not isinstance(raw, dict):
        raise Cafe24TransientError("a <record> of the sms_list answer has no fields")
    return {field: _text(raw.get(field)) for field in RECORD_FIELDS}


def escape_illegal(text: str) -> str:
    """`text` with each character XML cannot hold written as a visible escape: U+0001 as the four
    characters `\\x01`, U+FFFF as `\\uffff`. Everything else, backslashes included, is left as it is."""
    return _XML_ILLEGAL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def readable_body(body: bytes) -> bytes:
    """The body as an XML parser can read it, the same way every time: read as UTF-8 (what sms_list
    answers, whatever a declaration says), each byte that is not UTF-8 written as `\\xff` (Python's
    backslashreplace), and each character XML cannot hold as `\\x01` (see `escape_illegal`). A message
    with such a character is then stored with the escape, instead of failing its window on every read.
    A body that needs neither is returned as it is."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("utf-8", errors="backslashreplace")
    else:
        if not _XML_ILLEGAL.search(text):
            return body
    return escape_illegal(text).encode("utf-8")


def parse_answer(body: bytes) -> Page:
    """Parse an sms_list answer; raise the typed error for a non-0000 code or a body that is not one."""
    try:
        # Attributes carry nothing in this answer; skipping them saves about a sixth of the parse time.
        # The encoding given overrides the document's declaration (an unknown name there raised LookupError).
        document = xmltodict.parse(
            readable_body(body), encoding="utf-8", force_list=("record",), xml_attribs=False
        )
    except (ExpatError, ValueError) as error:
        raise Cafe24TransientError(f"sms_list answered a body that is not XML ({error})") from None
    root = document.get("API") if isinstance(document, dict) else None
    if not isinstance(root, dict) or "code" not in root:
        found = next(iter(document), "nothing") if isinstance(document, dict) else "nothing"
        raise Cafe24TransientError(f"sms_list answered <{printable(found)}> instead of the <API> result list")
    code = (_text(root.get("code")) or "").strip()
    if code != "0000":
        if code in TRANSIENT_CODES:
            raise Cafe24TransientError(f"sms_list answered code {code} (vendor server error)")
        error_type = _CODE_ERRORS.get(code, Cafe24Error)
        meaning = _CODE_MEANINGS.get(code) or f"unexpected answer code '{printable(code)}'"
        raise error_type(f"Cafe24 sms_list: {meaning}")
    data = root.get("data")
    raw_records = data.get("record", []) if isinstance(data, dict) else []
    total_text = (_text(root.get("totalCnt")) or "").strip()
    try:
        total_count = int(total_text) if total_text else None
    except ValueError:
        raise Cafe24TransientError(
            f"sms_list answered a totalCnt that is not a number: '{printable(total_text)}'"
        ) from None
    return Page(records=[_record(raw) for raw in raw_records], total_count=total_count)
