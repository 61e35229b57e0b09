"""Rows as a fixed-width text table: for the terminal and for Slack code blocks (Slack has no tables)."""

from collections.abc import Mapping, Sequence
from typing import Any


def fixed_width(rows: Sequence[Mapping[str, Any]], indent: str = "") -> str:
    """Right-aligned columns under their names, one line per row; `(no rows)` when there are none."""
    if not rows:
        return f"{indent}(no rows)"
    columns = list(rows[0])
    cells = [[_text(row[column]) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    lines = [columns, *cells]
    return "\n".join(
        indent + "  ".join(f"{cell:>{w}}" for cell, w in zip(line, widths, strict=True)) for line in lines
    )


def _text(value: Any) -> str:
    return "-" if value is None else str(value)
