"""The new complete lines of a stored file, copied into a scratch file that DuckDB's reader cannot misread.

DuckDB's CSV reader refuses a whole file for one line that is not UTF-8 or longer than its line limit, and
splits lines at a carriage return as well as at a newline. So every line is checked here first, at the
byte level, and a line DuckDB cannot take is replaced, in the copy, by a marker line holding why and the
line's bytes escaped (`\\xNN` for bytes that are not UTF-8 and for control characters): the ingestion
quarantines it under its own line number. Blocks of clean lines (nearly all of them) are checked in bulk
and copied as they are.

A line is complete once its newline is stored: only the lines that end before `end` (the file's size when
the run was planned) are read, so a line still being written waits for the next run. A gzip file is written
whole, so its last line counts even without a newline.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

MAX_LINE_BYTES = 2**20  # a report is under 1 KB; a longer line is quarantined, its first MiB kept
BLOCK_BYTES = 16 * 2**20
MARKER = b"\x01"  # starts a marker line; a stored line holding this byte is itself quarantined
BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class Piece:
    """Complete lines read from a file (`data`), or one line too long to hold (`overlong_prefix`, with its
    full length); `consumed` is how many content bytes it stands for."""

    consumed: int
    data: bytes = b""
    overlong_prefix: bytes | None = None
    overlong_length: int = 0


def escaped(line: bytes) -> str:
    """The line as text a person can read and a table can hold: bytes that are not UTF-8 and control
    characters as \\xNN, everything else as it is."""
    text = line.decode("utf-8", errors="backslashreplace")
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def line_problem(line: bytes) -> str | None:
    """Why DuckDB's reader cannot take this line (without its newline) as it is; None when it can."""
    if len(line) > MAX_LINE_BYTES:
        return f"line longer than {MAX_LINE_BYTES:,} bytes"
    if b"\x00" in line:
        return "line holds a NUL byte"
    if b"\r" in line:
        return "line holds a carriage return"
    if MARKER in line:
        return "line holds a control character (0x01)"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return "line is not valid UTF-8"
    return None


def marker_line(reason: str, line: bytes, length: int) -> bytes:
    """The copy's stand-in for a line that is quarantined before DuckDB reads it; of a line longer than
    MAX_LINE_BYTES, the first MAX_LINE_BYTES are kept."""
    line = line[:MAX_LINE_BYTES]
    kept = f" (first {len(line):,} of {length:,} bytes kept)" if length > len(line) else ""
    return MARKER + f"{reason}{kept}".encode() + MARKER + escaped(line).encode() + b"\n"


def _clean_block(block: bytes) -> bytes | None:
    """A block of complete lines as DuckDB may read it (CRLF endings as LF), or None when some line of it
    needs a look of its own."""
    if b"\r" in block:
        block = block.replace(b"\r\n", b"\n")
        if b"\r" in block:
            return None
    if b"\x00" in block or MARKER in block:
        return None
    if not block.isascii():
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if len(block) > MAX_LINE_BYTES:
        ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
        if np.diff(ends, prepend=-1).max() > MAX_LINE_BYTES + 1:
            return None
    return block


def _copy_one_by_one(block: bytes, out: BinaryIO) -> None:
    for line in block.split(b"\n")[:-1]:
        if line.endswith(b"\r"):
            line = line[:-1]
        problem = line_problem(line)
        out.write(line + b"\n" if problem is None else marker_line(problem, line, len(line)))


def read_pieces(content: BinaryIO, length: int, whole: bool) -> Iterator[Piece]:
    """The complete lines among the next `length` bytes of `content`, in pieces of about BLOCK_BYTES. A line
    longer than MAX_LINE_BYTES comes as a piece of its own, its bytes past the limit read and dropped, so
    memory stays bounded whatever the file holds. With `whole`, a last line without a newline counts."""
    carry = b""
    overlong: list[bytes | int] | None = None  # [first bytes, length so far] while inside a long line
    remaining = length
    while remaining > 0:
        block = content.read(min(BLOCK_BYTES, remaining))
        if not block:
            break
        remaining -= len(block)
        if overlong is not None:
            newline = block.find(b"\n")
            if newline < 0:
                overlong[1] += len(block)
                continue
            total = overlong[1] + newline
            yield Piece(total + 1, overlong_prefix=overlong[0], overlong_length=total)
            block, overlong = block[newline + 1 :], None
        data = carry + block
        cut = data.rfind(b"\n") + 1
        if cut:
            yield Piece(cut, data=data[:cut])
        carry = data[cut:]
        if len(carry) > MAX_LINE_BYTES:
            overlong, carry = [carry[:MAX_LINE_BYTES], len(carry)], b""
    if whole and overlong is not None:
        yield Piece(overlong[1], overlong_prefix=overlong[0], overlong_length=overlong[1])
    elif whole and carry:
        yield Piece(len(carry), data=carry + b"\n")


def copy_pieces(pieces: Iterator[Piece], out: BinaryIO, budget: int, at_start: bool) -> tuple[int, int, bool]:
    """Copy pieces into `out` until about `budget` bytes are written or the pieces run out; returns the
    content bytes and lines copied, and whether the pieces ran out. `at_start`: the first piece begins the
    file, whose byte order mark, if any, is left out of the copy."""
    consumed = lines = written = 0
    for piece in pieces:
        consumed += piece.consumed
        lines += 1 if piece.overlong_prefix is not None else piece.data.count(b"\n")
        if piece.overlong_prefix is not None:
            out.write(
                marker_line(
                    f"line longer than {MAX_LINE_BYTES:,} bytes", piece.overlong_prefix, piece.overlong_length
                )
            )
        else:
            block = piece.data[len(BOM) :] if at_start and piece.data.startswith(BOM) else piece.data
            clean = _clean_block(block)
            if clean is not None:
                out.write(clean)
            else:
                _copy_one_by_one(block, out)
            written += len(block)
        at_start = False
        if written >= budget:
            return consumed, lines, False
    return consumed, lines, True
