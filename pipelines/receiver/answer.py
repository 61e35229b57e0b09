"""What a report says back: the `<report_response>` Infobank expects, and the report's fields for the log.

Infobank resends a report, up to 3 more times, when the answer does not echo the report's msgid, to_country
and to in this shape (VENDORS.md section 2; the XML declaration as in Infobank's own example):

    <?xml version="1.0" encoding="UTF-8"?>
    <report_response><msgid>00000123</msgid><to_country>82</to_country><to>1093446280</to></report_response>

Values are URL-decoded as the ingestion decodes them (the first of a repeated name counts), then XML-escaped;
a character XML cannot hold at all becomes U+FFFD. A report without one of them answers it empty.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

MAX_FIELDS = 64  # a report has up to 9 parameters
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MEDIA_TYPE = "text/xml; charset=UTF-8"


@dataclass(frozen=True)
class EchoedFields:
    """The parameters a report's answer echoes (empty when the report lacks them)."""

    msgid: str = ""
    to_country: str = ""
    to: str = ""


def echoed_fields(query: bytes) -> EchoedFields:
    """msgid, to_country and to of a query string (or a form body), URL-decoded."""
    try:
        pairs = parse_qsl(
            query.decode("utf-8", errors="replace"),
            keep_blank_values=True,
            errors="replace",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:  # more fields than any report has: nothing to echo
        return EchoedFields()
    found: dict[str, str] = {}
    for name, value in pairs:
        if name in ("msgid", "to_country", "to") and name not in found:
            found[name] = value.strip()
    return EchoedFields(**found)


def _xml_text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def report_response(fields: EchoedFields) -> bytes:
    """The answer's body, UTF-8."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<report_response><msgid>{_xml_text(fields.msgid)}</msgid>"
        f"<to_country>{_xml_text(fields.to_country)}</to_country>"
        f"<to>{_xml_text(fields.to)}</to></report_response>\n"
    ).encode()


def mask_phone(number: str | None) -> str | None:
    """The number with its middle hidden, by the rule of sql/schema/060_masking.sql (mask_phone): +8210...
    and 010... become 010-****-5678; others keep their first three characters and last four; numbers of
    eight characters or fewer keep only the last four."""
    if number is None:
        return None
    domestic = "0" + number[3:] if number.startswith("+82") else number
    if len(domestic) <= 8:
        return "****" + number[-4:]
    return domestic[:3] + "-****-" + number[-4:]


def masked_recipient(fields: EchoedFields) -> str:
    """The report's recipient for a log line: country code and number together, masked."""
    if not fields.to:
        return "-"
    number = f"+{fields.to_country}{fields.to}" if fields.to_country.isdigit() else fields.to
    return mask_phone(number) or "-"
