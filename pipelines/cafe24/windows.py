"""Query windows: a KST date range cut into sms_list queries of at most 7 days, for SMS and for LMS."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

MAX_WINDOW_DAYS = 7
# Days before a requested range that every run reads again: Cafe24 changes statuses and refunds later.
DEFAULT_LOOKBACK_DAYS = 3


class SmsType(Enum):
    """The two listings Cafe24 keeps apart; the value is the `smsType` form field."""

    SMS = ""
    LMS = "lms"

    @property
    def message_type(self) -> str:
        """The warehouse's message_type (Cafe24 lists LMS and MMS together under `lms`)."""
        return self.name


@dataclass(frozen=True)
class Window:
    """`days` KST calendar days ending at `last_day`, inclusive: the `date`/`day` of one query."""

    last_day: date
    days: int

    def __post_init__(self) -> None:
        if not 1 <= self.days <= MAX_WINDOW_DAYS:
            raise ValueError(f"a window spans 1..{MAX_WINDOW_DAYS} days, not {self.days}")

    @classmethod
    def day(cls, day: date | str) -> "Window":
        """The window of one day."""
        return cls(date.fromisoformat(day) if isinstance(day, str) else day, 1)

    @property
    def first_day(self) -> date:
        return self.last_day - timedelta(days=self.days - 1)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def form_fields(self) -> dict[str, str]:
        """The `date` and `day` form fields."""
        return {"date": self.last_day.strftime("%Y%m%d"), "day": str(self.days)}

    def __str__(self) -> str:
        return f"{self.first_day}..{self.last_day}"


def windows_for_range(
    first_day: date, last_day: date, window_days: int = MAX_WINDOW_DAYS
) -> Iterator[Window]:
    """Consecutive windows of at most `window_days` days that cover first_day..last_day exactly once."""
    if last_day < first_day:
        raise ValueError(f"the range ends ({last_day}) before it starts ({first_day})")
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ValueError(f"window_days must be 1..{MAX_WINDOW_DAYS}, not {window_days}")
    start = first_day
    while start <= last_day:
        end = min(start + timedelta(days=window_days - 1), last_day)
        yield Window(end, (end - start).days + 1)
        start = end + timedelta(days=1)
