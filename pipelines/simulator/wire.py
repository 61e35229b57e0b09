"""The XML that sms_list.php answers, built by hand so every byte is under control."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pipelines.simulator.messages import SimMessage

PhoneFormat = Literal["hyphen", "bare"]

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def escape_text(text: str) -> str:
    """Escape text for an XML element's content."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def cdata(text: str) -> str:
    """Wrap text in CDATA; a `]]>` inside is split across two sections."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def minute_stamp(moment: datetime) -> str:
    """YYYYMMDDHHII, the format of sendDateTime and refundDate."""
    return f"{moment.year:04d}{moment.month:02d}{moment.day:02d}{moment.hour:02d}{moment.minute:02d}"


def _phone(number: str, phone_format: PhoneFormat) -> str:
    return number.replace("-", "") if phone_format == "bare" else number


def render_record(message: SimMessage, phone_format: PhoneFormat) -> str:
    """One <record>, elements in the vendor's order."""
    parts = [
        "<record><sendType>",
        message.send_type,
        "</sendType><sendPhone>",
        escape_text(_phone(message.send_phone, phone_format)),
        "</sendPhone><receivePhone>",
        escape_text(_phone(message.receive_phone, phone_format)),
        "</receivePhone>",
    ]
    if message.sms_type == "LMS" and message.subject is not None:
        parts += ["<subject>", escape_text(message.subject), "</subject>"]
    parts += ["<msg>", cdata(message.msg), "</msg><sendDateTime>", minute_stamp(message.send_at)]
    parts.append("</sendDateTime>")
    if message.reg_date is not None:
        parts += ["<regDate>", escape_text(message.reg_date), "</regDate>"]
    parts += ["<sendStatus>", str(message.status), "</sendStatus><refundDate>"]
    if message.refund_at is not None:
        parts.append(minute_stamp(message.refund_at))
    parts.append("</refundDate></record>")
    return "".join(parts)


def render_page(total: int | None, rows: list[SimMessage], phone_format: PhoneFormat) -> str:
    """A successful answer; `total` None leaves totalCnt out."""
    head = XML_DECLARATION + "<API><code>0000</code>"
    if total is not None:
        head += f"<totalCnt>{total}</totalCnt>"
    if not rows:
        return head + "<data/></API>"
    records = "".join(render_record(message, phone_format) for message in rows)
    return head + "<data>" + records + "</data></API>"


def render_code(code: str) -> str:
    """An answer that carries only a result code, such as -101 or -102."""
    return XML_DECLARATION + f"<API><code>{code}</code></API>"
