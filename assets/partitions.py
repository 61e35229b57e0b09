"""The partitioning every asset shares: one partition per KST calendar day."""

from datetime import date, datetime, timedelta

import dagster as dg

from pipelines.kst import KST
from pipelines.settings import DEFAULT_FIRST_DAY, ConfigError, cafe24_first_day


def _first_day() -> str:
    """CAFE24_FIRST_DAY, read when the code location loads. A malformed value falls back to the default
    here only: load_settings() refuses it with one line before any run or any Definitions (the CLI, the
    code location), so no run meets these partitions with it."""
    try:
        return cafe24_first_day().isoformat()
    except ConfigError:
        return DEFAULT_FIRST_DAY.isoformat()


# The first partition: CAFE24_FIRST_DAY (pipelines/settings.py), 2025-01-01 unless set.
FIRST_DAY = _first_day()
TIMEZONE = "Asia/Seoul"
# Reports are due every morning at 06:00 KST: the schedule runs then, and freshness is judged against it.
DAILY_CRON = "0 6 * * *"

# end_offset=1 makes today a partition too, so a run can read the day so far.
daily_kst = dg.DailyPartitionsDefinition(start_date=FIRST_DAY, timezone=TIMEZONE, end_offset=1)


def partition_days(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """The first and last KST day of the run's partition range (the range's end is exclusive in Dagster)."""
    window = context.partition_time_window
    first = window.start.astimezone(KST).date()
    last = (window.end.astimezone(KST) - timedelta(days=1)).date()
    return first, last


def range_tags(first_day: date, last_day: date) -> dict[str, str]:
    """Run tags that select the partitions first_day..last_day in one run."""
    return {
        "dagster/asset_partition_range_start": first_day.isoformat(),
        "dagster/asset_partition_range_end": last_day.isoformat(),
    }


def day_key(day: date | datetime) -> str:
    return day.strftime("%Y-%m-%d")
