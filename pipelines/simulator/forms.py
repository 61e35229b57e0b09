"""Form fields from a request body: urlencoded, multipart/form-data, or a query string."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)
_PART_NAME = re.compile(rb'\bname="([^"]*)"|\bname=([^;\s]+)', re.IGNORECASE)
_PART_CHARSET = re.compile(rb"charset=\"?([\w.-]+)", re.IGNORECASE)


class FormError(ValueError):
    """The body claims to be a form but cannot be read as one."""


def parse_query(query: str) -> dict[str, str]:
    """Fields of an urlencoded string; the first value of a repeated field wins."""
    fields: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        fields.setdefault(name, value)
    return fields


def parse_multipart(content_type: str, body: bytes) -> dict[str, str]:
    """Fields of a multipart/form-data body; file parts are read as text like the others.

    Hand-rolled because `email.parser` costs milliseconds per request, which a paging
    benchmark of thousands of requests would notice.
    """
    found = _BOUNDARY.search(content_type)
    if found is None:
        raise FormError("multipart/form-data without a boundary")
    delimiter = b"--" + (found.group(1) or found.group(2)).encode("latin-1")
    fields: dict[str, str] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        headers, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise FormError("multipart part without a header/body separator")
        name = _PART_NAME.search(headers)
        if name is None:
            continue
        if content.endswith(b"\r\n"):
            content = content[:-2]
        charset = _PART_CHARSET.search(headers)
        encoding = charset.group(1).decode("ascii") if charset else "utf-8"
        key = (name.group(1) if name.group(1) is not None else name.group(2)).decode("utf-8", "replace")
        fields.setdefault(key, content.decode(encoding, errors="replace"))
    return fields


def parse_form(content_type: str, body: bytes) -> dict[str, str]:
    """Fields of a POST body, chosen by its Content-Type (urlencoded when unsure)."""
    if content_type.lower().startswith("multipart/form-data"):
        return parse_multipart(content_type, body)
    return parse_query(body.decode("utf-8", errors="replace"))
