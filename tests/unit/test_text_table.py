"""fixed_width: the terminal's and Slack's tables."""

from pipelines.text_table import fixed_width


def test_columns_are_right_aligned_under_their_names_and_none_shows_as_a_dash():
    rows = [{"vendor": "cafe24", "rate": 91.5}, {"vendor": "infobank", "rate": None}]
    assert fixed_width(rows, indent="  ").splitlines() == [
        "    vendor  rate",
        "    cafe24  91.5",
        "  infobank     -",
    ]


def test_no_rows_says_so():
    assert fixed_width([]) == "(no rows)"
