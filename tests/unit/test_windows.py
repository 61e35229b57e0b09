"""Cutting a date range into sms_list windows."""

from datetime import date

import pytest

from pipelines.cafe24.windows import Window, windows_for_range


def test_a_range_is_covered_by_windows_of_at_most_seven_days_exactly_once():
    windows = list(windows_for_range(date(2026, 11, 1), date(2026, 11, 16)))
    assert [(w.first_day, w.last_day) for w in windows] == [
        (date(2026, 11, 1), date(2026, 11, 7)),
        (date(2026, 11, 8), date(2026, 11, 14)),
        (date(2026, 11, 15), date(2026, 11, 16)),
    ]
    covered = [d for w in windows for d in range(w.first_day.toordinal(), w.last_day.toordinal() + 1)]
    assert len(covered) == len(set(covered)) == 16


def test_window_size_is_configurable():
    windows = list(windows_for_range(date(2026, 11, 1), date(2026, 11, 5), window_days=2))
    assert [w.days for w in windows] == [2, 2, 1]


def test_form_fields_name_the_last_day_and_the_span():
    assert Window(date(2026, 11, 21), 7).form_fields() == {"date": "20261121", "day": "7"}
    assert Window(date(2026, 11, 21), 7).first_day == date(2026, 11, 15)


@pytest.mark.parametrize("days", [0, 8])
def test_windows_longer_than_cafe24_allows_are_refused(days):
    with pytest.raises(ValueError):
        Window(date(2026, 11, 21), days)


def test_a_reversed_range_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        list(windows_for_range(date(2026, 11, 2), date(2026, 11, 1)))
