"""What sms_list.php answers to a set of form fields, under the reading in VENDORS.md section 1."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pipelines.simulator.messages import DELIVERED, FAILED, SimMessage, SmsType
from pipelines.simulator.store import MessageStore
from pipelines.simulator.wire import PhoneFormat, render_code, render_page

TotalCount = Literal["grand", "remaining", "absent"]

MISSING_PARAMETER = "-101"
AUTHENTICATION = "-102"

_DIGITS = re.compile(r"\d+")
_STATUS_FILTER = {"S": DELIVERED, "F": FAILED}
_SEND_TYPE_FILTER = {"genaral": "I", "general": "I", "reserve": "R"}


class SmsListError(Exception):
    """The request is refused with a bare result code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ListQuery:
    """A validated sms_list request: the window, the page, and any optional filter."""

    user_id: str
    sms_type: SmsType
    last_day: date
    days: int
    start: int
    size: int
    keep: Callable[[SimMessage], bool] | None = None


def _number(fields: Mapping[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = fields.get(name, "").strip()
    if raw == "":
        return default
    if not _DIGITS.fullmatch(raw):
        raise SmsListError(MISSING_PARAMETER)
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise SmsListError(MISSING_PARAMETER)
    return value


def _reference_date(raw: str) -> date:
    if len(raw) != 8 or not _DIGITS.fullmatch(raw):
        raise SmsListError(MISSING_PARAMETER)
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise SmsListError(MISSING_PARAMETER) from None


def _digits_only(phone: str) -> str:
    return phone.replace("-", "").strip()


def _filter(fields: Mapping[str, str]) -> Callable[[SimMessage], bool] | None:
    """The optional filters; unknown values are ignored rather than refused."""
    status = _STATUS_FILTER.get(fields.get("sendStatus", "").strip().upper())
    send_type = _SEND_TYPE_FILTER.get(fields.get("sendType", "").strip().lower())
    receive = _digits_only(fields.get("receivePhone", ""))
    send = _digits_only(fields.get("sendPhone", ""))
    if status is None and send_type is None and not receive and not send:
        return None

    def keep(message: SimMessage) -> bool:
        return (
            (status is None or message.status == status)
            and (send_type is None or message.send_type == send_type)
            and (not receive or _digits_only(message.receive_phone) == receive)
            and (not send or _digits_only(message.send_phone) == send)
        )

    return keep


def read_list_query(fields: Mapping[str, str], accounts: Mapping[str, str]) -> ListQuery:
    """Validate the fields: -101 for anything missing or malformed first, then -102."""
    user_id = fields.get("user_id", "").strip()
    secure = fields.get("secure", "")
    if not user_id or not secure:
        raise SmsListError(MISSING_PARAMETER)
    last_day = _reference_date(fields.get("date", "").strip())
    days = _number(fields, "day", 1, 1, 7)
    size = _number(fields, "displayNo", 10, 1, 50)
    start = _number(fields, "startNo", 0, 0, None)
    if accounts.get(user_id) != secure:
        raise SmsListError(AUTHENTICATION)
    sms_type: SmsType = "LMS" if fields.get("smsType", "").strip().lower() == "lms" else "SMS"
    return ListQuery(user_id, sms_type, last_day, days, start, size, _filter(fields))


def answer_sms_list(
    fields: Mapping[str, str],
    accounts: Mapping[str, str],
    store: MessageStore,
    *,
    total_count: TotalCount = "grand",
    phone_format: PhoneFormat = "hyphen",
) -> str:
    """The XML text sms_list.php answers to these fields."""
    try:
        query = read_list_query(fields, accounts)
    except SmsListError as refused:
        return render_code(refused.code)
    window = (query.user_id, query.sms_type, query.last_day, query.days, query.start, query.size)
    if query.keep is None:
        total, rows = store.page(*window)
    else:
        total, rows = store.filtered_page(*window, keep=query.keep)
    shown: int | None = total
    if total_count == "remaining":
        shown = max(0, total - query.start)
    elif total_count == "absent":
        shown = None
    return render_page(shown, rows, phone_format)
