"""Korean Standard Time: the vendors' clock and the warehouse's day boundary."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")


def today_kst() -> date:
    """The current calendar date in Korea."""
    return datetime.now(KST).date()


def days_between(first: date, last: date) -> int:
    """Number of calendar days from first to last, both included."""
    return (last - first).days + 1


def shift_days(day: date, days: int) -> date:
    """The date `days` calendar days after `day` (negative: before)."""
    return day + timedelta(days=days)
