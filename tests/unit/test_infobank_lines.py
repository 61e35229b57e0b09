"""The byte-level line reader of the Infobank ingestion, on small inputs.

The limits are shrunk for these tests (a read block of 4 bytes, a line limit of 5), so that a line longer
than the limit spans several read blocks. Both are module constants read at call time."""

import io

import pytest

from pipelines.infobank import lines
from pipelines.infobank.lines import (
    Piece,
    _clean_block,
    copy_pieces,
    escaped,
    line_problem,
    marker_line,
    read_pieces,
)

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(lines, "BLOCK_BYTES", 4)
    monkeypatch.setattr(lines, "MAX_LINE_BYTES", 5)


def pieces(content: bytes, whole: bool = False, length: int | None = None) -> list[Piece]:
    return list(read_pieces(io.BytesIO(content), len(content) if length is None else length, whole))


def copied(
    given: list[Piece], budget: int = 1000, at_start: bool = True
) -> tuple[bytes, tuple[int, int, bool]]:
    out = io.BytesIO()
    result = copy_pieces(iter(given), out, budget, at_start)
    return out.getvalue(), result


# read_pieces


def test_short_lines_across_blocks_come_whole_and_a_last_line_without_newline_waits(small_limits):
    assert pieces(b"ab\ncdef\ng") == [Piece(3, data=b"ab\n"), Piece(5, data=b"cdef\n")]


def test_a_last_line_without_newline_counts_when_the_file_is_whole(small_limits):
    assert pieces(b"ab\ncdef\ng", whole=True) == [
        Piece(3, data=b"ab\n"),
        Piece(5, data=b"cdef\n"),
        Piece(1, data=b"g\n"),
    ]


def test_bytes_past_the_length_are_not_read(small_limits):
    assert pieces(b"ab\ncd\nef\n", length=6) == [Piece(3, data=b"ab\n"), Piece(3, data=b"cd\n")]


def test_a_file_shorter_than_its_length_ends_with_its_last_line_when_whole(small_limits):
    assert pieces(b"ab\ncd", whole=True, length=10) == [Piece(3, data=b"ab\n"), Piece(2, data=b"cd\n")]


def test_a_line_of_exactly_the_limit_split_across_blocks_is_an_ordinary_line(small_limits):
    assert pieces(b"ab\nxxxxx\n") == [Piece(3, data=b"ab\n"), Piece(6, data=b"xxxxx\n")]


def test_a_long_line_ending_inside_a_block_is_one_piece_and_the_lines_after_it_follow(small_limits):
    # blocks: "xxxx" "xxxx" (8 bytes without a newline: too long) "x\na\n" "cd\n"
    assert pieces(b"xxxxxxxxx\na\ncd\n") == [
        Piece(10, overlong_prefix=b"xxxxx", overlong_length=9),
        Piece(2, data=b"a\n"),
        Piece(3, data=b"cd\n"),
    ]


def test_a_long_line_spanning_a_whole_block_ends_at_a_newline_opening_the_next_block(small_limits):
    # blocks: "xxxx" "xxxx" "xxxx" (no newline at all) "\nab\n"
    assert pieces(b"xxxxxxxxxxxx\nab\n") == [
        Piece(13, overlong_prefix=b"xxxxx", overlong_length=12),
        Piece(3, data=b"ab\n"),
    ]


def test_the_rest_of_a_block_after_a_long_line_starts_the_next_line(small_limits):
    # blocks: "xxxx" "xxxx" "x\nab" "\ncd\n": "ab" is carried into the next block
    assert pieces(b"xxxxxxxxx\nab\ncd\n") == [
        Piece(10, overlong_prefix=b"xxxxx", overlong_length=9),
        Piece(6, data=b"ab\ncd\n"),
    ]


def test_a_long_last_line_without_newline_waits(small_limits):
    assert pieces(b"ab\nxxxxxxx") == [Piece(3, data=b"ab\n")]


def test_a_long_last_line_without_newline_counts_when_the_file_is_whole(small_limits):
    assert pieces(b"ab\nxxxxxxx", whole=True) == [
        Piece(3, data=b"ab\n"),
        Piece(7, overlong_prefix=b"xxxxx", overlong_length=7),
    ]


# copy_pieces


def test_a_long_line_is_copied_as_its_marker_and_counts_as_one_line(small_limits):
    given = [
        Piece(2, data=b"a\n"),
        Piece(10, overlong_prefix=b"xxxxx", overlong_length=9),
        Piece(3, data=b"b\n"),
    ]
    assert copied(given) == (
        b"a\n\x01line longer than 5 bytes (first 5 of 9 bytes kept)\x01xxxxx\nb\n",
        (15, 3, True),
    )


def test_copying_stops_once_the_budget_is_reached_and_says_the_pieces_did_not_run_out():
    given = [Piece(3, data=b"ab\n"), Piece(3, data=b"cd\n"), Piece(3, data=b"ef\n")]
    assert copied(given, budget=5) == (b"ab\ncd\n", (6, 2, False))
    assert copied(given, budget=6) == (b"ab\ncd\n", (6, 2, False))
    assert copied(given, budget=9) == (b"ab\ncd\nef\n", (9, 3, False))
    assert copied(given, budget=10) == (b"ab\ncd\nef\n", (9, 3, True))


def test_the_byte_order_mark_is_left_out_only_at_the_start_of_the_file():
    given = [Piece(6, data=BOM + b"a\n"), Piece(6, data=BOM + b"b\n")]
    assert copied(given, at_start=True) == (b"a\n" + BOM + b"b\n", (12, 2, True))
    assert copied(given, at_start=False) == (BOM + b"a\n" + BOM + b"b\n", (12, 2, True))


def test_a_block_with_a_bad_line_is_copied_line_by_line_with_a_marker_for_it():
    given = [Piece(11, data=b"a\r\nb\x00c\nd\n")]
    assert copied(given) == (b"a\n\x01line holds a NUL byte\x01b\\x00c\nd\n", (11, 3, True))


# _clean_block


def test_a_clean_block_is_copied_as_it_is():
    assert _clean_block(b"ab\ncd\n") == b"ab\ncd\n"


def test_windows_line_endings_become_newlines():
    assert _clean_block(b"a\r\nb\n") == b"a\nb\n"


def test_a_carriage_return_inside_a_line_needs_a_look_of_its_own():
    assert _clean_block(b"a\rb\n") is None
    assert _clean_block(b"a\r\nb\rc\n") is None


def test_a_nul_or_a_marker_byte_needs_a_look_of_its_own():
    assert _clean_block(b"a\x00b\n") is None
    assert _clean_block(b"a\x01b\n") is None


def test_a_block_that_is_not_utf8_needs_a_look_of_its_own():
    assert _clean_block("가\n".encode()) == "가\n".encode()
    assert _clean_block(b"a\xffb\n") is None


def test_lines_up_to_the_limit_pass_and_a_longer_line_anywhere_needs_a_look_of_its_own(small_limits):
    assert _clean_block(b"xxxxx\n") == b"xxxxx\n"
    assert _clean_block(b"a\nxxxxx\n") == b"a\nxxxxx\n"
    assert _clean_block(b"xxxxxx\n") is None
    assert _clean_block(b"a\nxxxxxx\n") is None


# line_problem, marker_line, escaped


def test_each_problem_a_line_can_have_is_named(small_limits):
    assert line_problem(b"xxxxx") is None
    assert line_problem(b"xxxxxx") == "line longer than 5 bytes"
    assert line_problem(b"a\x00b") == "line holds a NUL byte"
    assert line_problem(b"a\rb") == "line holds a carriage return"
    assert line_problem(b"a\x01b") == "line holds a control character (0x01)"
    assert line_problem(b"a\xffb") == "line is not valid UTF-8"
    assert line_problem("가".encode()) is None


def test_the_limit_names_the_real_line_limit():
    assert line_problem(b"x" * 2**20) is None
    assert line_problem(b"x" * (2**20 + 1)) == "line longer than 1,048,576 bytes"


def test_a_marker_line_holds_the_reason_and_the_escaped_bytes(small_limits):
    assert marker_line("why", b"a\x02\tb", 4) == b"\x01why\x01a\\x02\tb\n"
    assert marker_line("why", b"xxxxxxx", 7) == b"\x01why (first 5 of 7 bytes kept)\x01xxxxx\n"


def test_escaped_shows_bytes_that_are_not_utf8_and_control_characters_but_tab_as_hex():
    assert escaped("가\x7f".encode() + b"\xff\x1f ok\\") == "가\\x7f\\xff\\x1f ok\\"
