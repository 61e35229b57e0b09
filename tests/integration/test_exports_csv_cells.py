"""The CSV exports' formula guard, as properties over arbitrary text (OWASP CSV injection)."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pipelines.exports import FORMULA_PREFIXES, neutralise_cell, neutralise_formulas

# Text that starts with a formula character half the time, and anything at all otherwise.
cell_text = st.one_of(
    st.text(),
    st.builds(lambda first, rest: first + rest, st.sampled_from(["=", "+", "-", "@", "\t", "\r"]), st.text()),
)


def test_the_formula_characters_are_those_of_owasp():
    assert FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")


@given(cell_text)
def test_a_cell_never_starts_with_a_formula_character_and_the_quote_is_added_only_when_needed(text):
    cell = neutralise_cell(text)
    assert not cell.startswith(FORMULA_PREFIXES)
    added = cell != text
    assert added == text.startswith(FORMULA_PREFIXES)
    assert (cell.removeprefix("'") if added else cell) == text
    assert not added or cell == "'" + text


@given(st.lists(st.tuples(cell_text, st.integers(-(2**53), 2**53), st.floats(allow_nan=True)), max_size=20))
def test_only_text_columns_are_neutralised(rows):
    frame = pd.DataFrame(rows, columns=["text", "count", "rate"])
    frame["maybe"] = pd.Series([text if position % 2 else None for position, (text, _, _) in enumerate(rows)])
    guarded = neutralise_formulas(frame)
    assert list(guarded["text"]) == [neutralise_cell(text) for text in frame["text"]]
    assert [None if pd.isna(value) else value for value in guarded["maybe"]] == [
        None if pd.isna(value) else neutralise_cell(value) for value in frame["maybe"]
    ]
    pd.testing.assert_frame_equal(guarded[["count", "rate"]], frame[["count", "rate"]])
    assert list(frame["text"]) == [text for text, _, _ in rows]  # the frame given is left as it was
