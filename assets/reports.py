"""Daily report tables: delivery, failure reasons, refunds and billing, per KST day."""

import warnings
from datetime import date, datetime, timedelta

import dagster as dg

from assets.outcomes import delivery_outcomes
from assets.partitions import DAILY_CRON, TIMEZONE
from assets.resources import ExportsResource, SlackResource, WarehouseResource
from pipelines.exports import ExportRun, daily_report_path, export_due_days
from pipelines.kst import KST
from pipelines.notify import NotificationError, notify_slack
from pipelines.reports import build_daily_reports, latest_headline
from pipelines.warehouse import Warehouse


@dg.asset(deps=[delivery_outcomes], group_name="reports", kinds={"duckdb"}, pool="warehouse")
def daily_reports(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    exports: ExportsResource,
    slack: SlackResource,
) -> dg.MaterializeResult:
    """report_delivery_daily, report_failure_reasons_daily, report_refunds_daily and report_billing_daily:
    what analysts chart, finance reconciles and operations reads each morning. Only the days whose outcomes
    changed (or whose refund window just closed) are rebuilt. Every day whose files under
    SMS_OUTPUT_DIR/<day>/ (CSV, Parquet, daily_report.html) are missing or older than its figures is
    exported: the days just rebuilt, and any an earlier run did not finish. A day whose export fails is
    reported (export_failures) and tried again by the next run; the others are written all the same. When a
    Slack webhook is configured, the latest complete day's headline and the week's finance findings are
    posted once per day."""
    now = datetime.now(KST)
    with warehouse.open() as wh:
        built = build_daily_reports(wh, now, warehouse.settle_hours)
        days = built.pop("days")
        exported = export_due_days(wh, exports.folder())
        _log_failures(context, exported)
        latest_day, headline = latest_headline(wh)
        slack_state = _post_morning_message(context, wh, slack, exports, now)
    context.log.info(
        f"daily_reports: {len(days)} days rebuilt, {len(exported.days)} days exported "
        f"({len(exported.files)} files), {len(exported.failures)} days failed to export"
    )
    return dg.MaterializeResult(
        metadata={
            **built,
            "days_exported": len(exported.days),
            "files_written": len(exported.files),
            "export_failures": dg.MetadataValue.json(
                {day.isoformat(): error for day, error in exported.failures.items()}
            ),
            "output_dir": str(exports.folder().resolve()),
            "headline_day": str(latest_day),
            "daily_report": _report_path(exports, latest_day),
            "headline": dg.MetadataValue.md(_markdown(headline)),
            "slack": slack_state,
        }
    )


def _log_failures(context: dg.AssetExecutionContext, exported: ExportRun) -> None:
    """One error line per day whose export failed: it is retried by the next run."""
    for day, error in exported.failures.items():
        context.log.error(
            f"daily_reports: the files of {day} were not written (the next run retries): {error}"
        )


def _report_path(exports: ExportsResource, day: date | None) -> dg.MetadataValue:
    """The HTML report of the headline's day, as a path the UI shows (or nothing yet)."""
    if day is None:
        return dg.MetadataValue.text("")
    path = daily_report_path(exports.folder().resolve(), day)
    return dg.MetadataValue.path(str(path)) if path.exists() else dg.MetadataValue.text("")


def _post_morning_message(
    context: dg.AssetExecutionContext,
    wh: Warehouse,
    slack: SlackResource,
    exports: ExportsResource,
    now: datetime,
) -> str:
    """Post the due morning message; a failed post is logged and retried by the next run, and does not
    fail the reports, which are built and committed by then."""
    if not slack.webhook_url:
        return "not configured"
    try:
        posted = notify_slack(wh, slack.webhook_url, now, exports.folder(), slack.timeout_seconds)
    except NotificationError as error:
        context.log.warning(f"daily_reports: the morning message was not posted: {error}")
        return f"not posted: {error}"
    return f"posted the headline of {posted.day}" if posted else "nothing due (already posted)"


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
