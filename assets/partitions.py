"""The partitioning every asset shares: one partition per KST calendar day."""

from datetime import date, datetime, timedelta

import dagster as dg

from pipelines.kst import KST

FIRST_DAY = "2025-01-01"
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
