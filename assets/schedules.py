"""The morning schedule: at 06:00 KST, yesterday's data, the lookback days, and the reports built on them."""

from datetime import date, timedelta

import dagster as dg

from assets.cafe24 import cafe24_messages
from assets.infobank import infobank_reports
from assets.jobs import DAILY_JOB, DOWNSTREAM_ASSETS
from assets.partitions import DAILY_CRON, TIMEZONE, range_tags
from pipelines.kst import KST
from pipelines.settings import Settings, load_settings


def morning_run_request(settings: Settings, yesterday: date) -> dg.RunRequest | dg.SkipReason:
    """The run for the morning after `yesterday`: Cafe24 for yesterday and the lookback days before it (in
    one partition-range run), whatever is new in the Infobank store, then everything built on them.
    Vendors that are not configured are left out, and so is Cafe24 before CAFE24_FIRST_DAY: the range
    starts no earlier than the first partition."""
    assets: list[dg.AssetsDefinition] = []
    tags: dict[str, str] = {}
    if settings.cafe24 is not None and yesterday >= settings.cafe24_first_day:
        assets.append(cafe24_messages)
        first_day = max(yesterday - timedelta(days=settings.cafe24_lookback_days), settings.cafe24_first_day)
        tags = range_tags(first_day, yesterday)
    if settings.infobank_reports_dir is not None:
        assets.append(infobank_reports)
    if not assets:
        if settings.cafe24 is not None:
            return dg.SkipReason(f"{yesterday} is before CAFE24_FIRST_DAY ({settings.cafe24_first_day})")
        return dg.SkipReason("no vendor is configured (see .env.example)")
    return dg.RunRequest(
        run_key=f"morning-{yesterday.isoformat()}",
        asset_selection=[asset.key for asset in (*assets, *DOWNSTREAM_ASSETS)],
        tags=tags,
    )


@dg.schedule(
    cron_schedule=DAILY_CRON,
    execution_timezone=TIMEZONE,
    job_name=DAILY_JOB,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def daily_report_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """Every day at 06:00 KST: yesterday's partition, the CAFE24_LOOKBACK_DAYS before it (statuses and
    refunds still settle there), the Infobank reports stored since the last run, and the reports."""
    scheduled_day = context.scheduled_execution_time.astimezone(KST).date()
    return morning_run_request(load_settings(), scheduled_day - timedelta(days=1))
