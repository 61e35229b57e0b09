"""SVG elements written as text, for charts inlined in an HTML page (no dependencies, no Dagster imports).

Every text and attribute value passes through here and is escaped here: labels are data (vendor text among
them) and stay inert, shown exactly as they are, whatever characters they hold. Coordinates are rounded to
a tenth of a pixel, so the same figures always give the same SVG, byte for byte.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from html import escape as escape_attribute
from xml.sax.saxutils import escape as escape_text

Attribute = str | float | None
Point = tuple[float, float]

# Characters that XML does not allow even as references (the C0 controls, surrogates, U+FFFE and U+FFFF),
# the C1 controls and tab, line feed and carriage return: each is drawn as a space, so a label stays one line
# and the chart stays well-formed.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
_NARROW = frozenset(" !'(),-./:;I[]fijlrt|")


def plain(value: object) -> str:
    """The value as one line of printable text (not escaped yet)."""
    return _UNPRINTABLE.sub(" ", str(value))


def number(value: float) -> str:
    """A coordinate or length as an attribute value: a tenth of a pixel at most, no trailing zeros."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite coordinate: {value!r}")
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def element(name: str, content: str = "", /, **attributes: Attribute) -> str:
    """An element with its attributes (escaped; None leaves one out; `_` in a name is written `-`, a trailing
    one dropped, so `class_` and `text_anchor` give `class` and `text-anchor`) around `content`, which is
    markup already (use `text_of` for text)."""
    parts = [name]
    for key, value in attributes.items():
        if value is None:
            continue
        written = number(value) if isinstance(value, float | int) else escape_attribute(plain(value))
        parts.append(f'{key.rstrip("_").replace("_", "-")}="{written}"')
    opening = " ".join(parts)
    return f"<{opening}>{content}</{name}>" if content else f"<{opening}/>"


def text_of(value: object) -> str:
    """Text as element content: one line, with &, < and > escaped."""
    return escape_text(plain(value))


def title(value: object) -> str:
    """A `<title>`: the accessible name of its parent and the tooltip a browser shows over it."""
    return f"<title>{text_of(value)}</title>"


def text(x: float, y: float, value: object, /, **attributes: Attribute) -> str:
    """A text at (x, y); `text_anchor` and `dominant_baseline` say which point of it is there."""
    return element("text", text_of(value), x=x, y=y, **attributes)


def rect(x: float, y: float, width: float, height: float, fill: str, hover: object = None) -> str:
    """A filled rectangle, with a tooltip when `hover` is given."""
    content = title(hover) if hover is not None else ""
    return element("rect", content, x=x, y=y, width=width, height=height, fill=fill)


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, /, **attributes: Attribute) -> str:
    return element("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, **attributes)


def polyline(points: Sequence[Point], stroke: str, width: float = 1.5) -> str:
    """A line through the points, in order."""
    joined = " ".join(f"{number(x)},{number(y)}" for x, y in points)
    return element(
        "polyline", points=joined, fill="none", stroke=stroke, stroke_width=width, stroke_linejoin="round"
    )


def circle(x: float, y: float, radius: float, fill: str, hover: object = None) -> str:
    """A dot, with a tooltip when `hover` is given."""
    content = title(hover) if hover is not None else ""
    return element("circle", content, cx=x, cy=y, r=radius, fill=fill)


def group(children: Iterable[str], /, **attributes: Attribute) -> str:
    return element("g", "".join(children), **attributes)


def document(key: str, label: str, width: float, height: float, body: Iterable[str]) -> str:
    """The `<svg>` element of one chart, to inline in HTML: `key` names it in the page, `label` is its title
    for screen readers and the tooltip over it. No namespace URL (the HTML parser puts it in the SVG
    namespace) and no ids, so any number of charts can share a page."""
    attributes = {
        "class": "chart",
        "data-chart": key,
        "viewBox": f"0 0 {number(width)} {number(height)}",
        "width": number(width),
        "height": number(height),
        "role": "img",
        "aria-label": label,
        "font-size": "12",
        "fill": "#333333",
    }
    opening = " ".join(f'{name}="{escape_attribute(plain(value))}"' for name, value in attributes.items())
    return f"<svg {opening}>{title(label)}{''.join(body)}</svg>"


def text_width(value: str, size: float) -> float:
    """About how wide a text is drawn at font size `size` in a sans-serif font, rather more than less (there
    are no font metrics here: the widths are those of DejaVu Sans, one of the widest, rounded up)."""
    return size * sum(_em(char) for char in value)


def _em(char: str) -> float:
    """About how wide a character is, in ems."""
    if unicodedata.east_asian_width(char) in "WF":
        return 1.0
    if char in _NARROW:
        return 0.4
    if char in "MWmw@%":
        return 0.9
    return 0.72 if char.isupper() else 0.6


def nice_ticks(low: float, high: float, most: int = 5, *, whole: bool = False) -> list[float]:
    """At most `most` evenly spaced round values (1, 2, 2.5 or 5 times a power of ten apart) from one at or
    below `low` to one at or above `high`: the ticks of an axis, whose ends they are. With `whole`, every
    tick is a whole number (the axis counts something)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"not a finite range: {low!r} to {high!r}")
    if high <= low:
        high = low + 1
    power = 10.0 ** math.floor(math.log10((high - low) / max(most - 1, 1)))
    while True:
        for factor in _NICE_STEPS:
            step = factor * power
            if whole and (step < 1 or not step.is_integer()):
                continue
            first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
            if last - first <= most - 1:
                return [round(index * step, 10) for index in range(first, last + 1)]
        power *= 10
