"""Messages filed per (account, type, day) so a page is found without scanning the window."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from itertools import count

from pipelines.simulator.messages import SimMessage, SmsType


class _Day:
    """One day's messages of one account and type, newest first once sorted."""

    __slots__ = ("dirty", "entries")

    def __init__(self) -> None:
        self.entries: list[tuple[datetime, int, SimMessage]] = []
        self.dirty = False

    def newest_first(self) -> list[tuple[datetime, int, SimMessage]]:
        if self.dirty:
            # Ties on send_at go to the later-loaded message, hence the load sequence in the key.
            self.entries.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
            self.dirty = False
        return self.entries


class MessageStore:
    """Holds references to loaded messages; not thread-safe, the caller serialises access."""

    def __init__(self) -> None:
        self._days: dict[tuple[str, SmsType, date], _Day] = {}
        self._sequence = count()
        self.total = 0

    def add(self, user_id: str, messages: Iterable[SimMessage]) -> int:
        """File the messages under the account; returns how many were added."""
        added = 0
        for message in messages:
            key = (user_id, message.sms_type, message.send_at.date())
            day = self._days.get(key)
            if day is None:
                day = self._days[key] = _Day()
            day.entries.append((message.send_at, next(self._sequence), message))
            day.dirty = True
            added += 1
        self.total += added
        return added

    def window_days(self, user_id: str, sms_type: SmsType, last_day: date, days: int) -> list[_Day]:
        """The non-empty days of the window, newest day first."""
        found = []
        for back in range(days):
            day = self._days.get((user_id, sms_type, last_day - timedelta(days=back)))
            if day is not None and day.entries:
                found.append(day)
        return found

    def window_size(self, user_id: str, sms_type: SmsType, last_day: date, days: int) -> int:
        """How many messages the window lists."""
        return sum(len(day.entries) for day in self.window_days(user_id, sms_type, last_day, days))

    def page(
        self, user_id: str, sms_type: SmsType, last_day: date, days: int, start: int, size: int
    ) -> tuple[int, list[SimMessage]]:
        """The window's total and its rows [start, start + size), newest first."""
        window = self.window_days(user_id, sms_type, last_day, days)
        total = sum(len(day.entries) for day in window)
        rows: list[SimMessage] = []
        skip = start
        for day in window:
            length = len(day.entries)
            if skip >= length:
                skip -= length
                continue
            entries = day.newest_first()[skip : skip + size - len(rows)]
            rows.extend(entry[2] for entry in entries)
            skip = 0
            if len(rows) == size:
                break
        return total, rows

    def filtered_page(
        self,
        user_id: str,
        sms_type: SmsType,
        last_day: date,
        days: int,
        start: int,
        size: int,
        keep: Callable[[SimMessage], bool],
    ) -> tuple[int, list[SimMessage]]:
        """Like `page`, but only over the messages `keep` accepts (scans the window)."""
        kept = [
            entry[2]
            for day in self.window_days(user_id, sms_type, last_day, days)
            for entry in day.newest_first()
            if keep(entry[2])
        ]
        return len(kept), kept[start : start + size]
