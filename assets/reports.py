"""The daily reports, one asset per thing users see: the report tables, the day files (CSV, Parquet, HTML)
and the morning message."""

import warnings
from datetime import date, datetime, timedelta

import dagster as dg

from assets.automation import IN_SYNC_WITH_UPSTREAM
from assets.catalog import OWNERS, table_definition, table_metadata
from assets.outcomes import delivery_outcomes
from assets.partitions import DAILY_CRON, TIMEZONE
from assets.resources import ExportsResource, SlackResource, WarehouseResource
from pipelines.exports import daily_report_path, due_days, export_due_days
from pipelines.kst import KST
from pipelines.notify import NotificationError, notify_slack
from pipelines.reports import REPORT_TABLES, build_daily_reports, latest_complete_day, latest_headline


@dg.asset(
    deps=[delivery_outcomes],
    group_name="reports",
    kinds={"duckdb"},
    pool="warehouse",
    owners=OWNERS,
    metadata=table_definition(*REPORT_TABLES),
    automation_condition=IN_SYNC_WITH_UPSTREAM,
)
def daily_reports(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """report_delivery_daily, report_failure_reasons_daily, report_refunds_daily and report_billing_daily:
    what analysts chart, finance reconciles and operations reads each morning. Only the days whose outcomes
    changed (or whose refund window just closed) are rebuilt; the headline of the latest complete day is
    shown here."""
    with warehouse.open() as wh:
        built = build_daily_reports(wh, datetime.now(KST), warehouse.settle_hours)
        days = built.pop("days")
        latest_day, headline = latest_headline(wh)
        catalog = table_metadata(wh, *REPORT_TABLES)
    context.log.info(f"daily_reports: {len(days)} days rebuilt: {', '.join(map(str, days)) or 'none'}")
    return dg.MaterializeResult(
        metadata={
            **built,
            "headline_day": str(latest_day),
            "headline": dg.MetadataValue.md(_markdown(headline)),
            **catalog,
        }
    )


@dg.asset(
    deps=[daily_reports],
    group_name="reports",
    kinds={"csv", "parquet", "html"},
    pool="warehouse",
    owners=OWNERS,
    automation_condition=IN_SYNC_WITH_UPSTREAM,
    check_specs=[dg.AssetCheckSpec("every_due_day_written", asset="report_day_files")],
)
def report_day_files(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, exports: ExportsResource
) -> dg.MaterializeResult:
    """The files of each KST day under SMS_OUTPUT_DIR/<day>/: CSV and Parquet per report table, and the
    self-contained daily_report.html. Every day whose files are missing or older than its figures is
    written: the days just rebuilt, and any an earlier run did not finish. A day whose export fails is named
    by the check every_due_day_written and tried again by the next run; the other days are written all
    the same."""
    with warehouse.open() as wh:
        # Said before the export, which writes day after day without a word (about a second each).
        due = [due_day.day for due_day in due_days(wh, exports.folder())]
        context.log.info(
            f"report_day_files: writing the files of {len(due)} days"
            + (f" ({due[0]}..{due[-1]})" if due else "")
        )
        exported = export_due_days(wh, exports.folder(), progress=context.log.info)
        latest_day = latest_complete_day(wh)
    for day, error in exported.failures.items():
        context.log.error(
            f"report_day_files: the files of {day} were not written (the next run retries): {error}"
        )
    context.log.info(
        f"report_day_files: {len(exported.days)} days exported ({len(exported.files)} files), "
        f"{len(exported.failures)} days failed"
    )
    failures = {day.isoformat(): error for day, error in exported.failures.items()}
    return dg.MaterializeResult(
        metadata={
            "days_exported": len(exported.days),
            "files_written": len(exported.files),
            "export_failures": dg.MetadataValue.json(failures),
            "output_dir": str(exports.folder().resolve()),
            "daily_report": _report_path(exports, latest_day),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="every_due_day_written",
                passed=not failures,
                description="; ".join(f"{day}: {error}" for day, error in failures.items())
                or "every due day's files are written",
                metadata={"days_failed": len(failures)},
            )
        ],
    )


@dg.asset(
    deps=[daily_reports],
    group_name="reports",
    kinds={"slack"},
    pool="warehouse",
    owners=OWNERS,
    automation_condition=IN_SYNC_WITH_UPSTREAM,
    check_specs=[dg.AssetCheckSpec("posted_when_due", asset="morning_message")],
)
def morning_message(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    exports: ExportsResource,
    slack: SlackResource,
) -> dg.MaterializeResult:
    """The morning message on Slack, once per day when a webhook is configured: the latest complete day's
    headline, the week's finance findings and the path of its daily_report.html. A failed post is a warning
    of the check posted_when_due and is tried again by the next run; nothing else depends on it."""
    state, posted = "not configured", True
    if slack.webhook_url:
        with warehouse.open() as wh:
            try:
                sent = notify_slack(
                    wh, slack.webhook_url, datetime.now(KST), exports.folder(), slack.timeout_seconds
                )
                state = f"posted the headline of {sent.day}" if sent else "nothing due (already posted)"
            except NotificationError as error:
                context.log.warning(f"morning_message: not posted (the next run retries): {error}")
                state, posted = f"not posted: {error}", False
    return dg.MaterializeResult(
        metadata={"slack": state},
        # A warning: the reports and their files are complete whatever Slack answers.
        check_results=[
            dg.AssetCheckResult(
                check_name="posted_when_due",
                passed=posted,
                severity=dg.AssetCheckSeverity.WARN,
                description=state,
            )
        ],
    )


def _report_path(exports: ExportsResource, day: date | None) -> dg.MetadataValue:
    """The HTML report of the headline's day, as a path the UI shows (or nothing yet)."""
    if day is None:
        return dg.MetadataValue.text("")
    path = daily_report_path(exports.folder().resolve(), day)
    return dg.MetadataValue.path(str(path)) if path.exists() else dg.MetadataValue.text("")


def _markdown(rows: list[dict]) -> str:
    if not rows:
        return "_no messages yet_"
    header = "| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n"
    return header + "".join("| " + " | ".join(str(value) for value in row.values()) + " |\n" for row in rows)


# Reports are due every morning at 06:00 KST; the check flags them once they are more than a day late:
# at each 06:00 deadline, daily_reports must have been rebuilt within the 24 hours before it. Dagster 1.13
# prefers FreshnessPolicy, but that yields a UI state computed by the daemon, not an asset check whose
# result is recorded, alertable and testable; hence the check factory, with its notice silenced here.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.SupersessionWarning)
    daily_reports_freshness = dg.build_last_update_freshness_checks(
        assets=[daily_reports],
        lower_bound_delta=timedelta(days=1),
        deadline_cron=DAILY_CRON,
        timezone=TIMEZONE,
    )
    daily_reports_freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=daily_reports_freshness, name="daily_reports_freshness_sensor"
    )
