"""Daily report tables: delivery, failure reasons, refunds and billing, per KST day."""

import warnings
from datetime import datetime, timedelta

import dagster as dg

from assets.outcomes import OutcomesConfig, delivery_outcomes
from pipelines.exports import export_report_day
from pipelines.kst import KST
from pipelines.reports import build_daily_reports
from pipelines.resources import ExportsResource, WarehouseResource
from pipelines.schedules import DAILY_CRON, TIMEZONE


@dg.asset(deps=[delivery_outcomes], group_name="reports", kinds={"duckdb"}, pool="warehouse")
def daily_reports(
    context: dg.AssetExecutionContext,
    config: OutcomesConfig,
    warehouse: WarehouseResource,
    exports: ExportsResource,
) -> dg.MaterializeResult:
    """report_delivery_daily, report_failure_reasons_daily, report_refunds_daily and report_billing_daily:
    what analysts chart, finance reconciles and operations reads each morning. Only the days whose outcomes
    changed (or whose refund window just closed) are rebuilt, and exported as CSV and Parquet under
    SMS_OUTPUT_DIR/<day>/."""
    with warehouse.open() as wh:
        built = build_daily_reports(wh, datetime.now(KST), config.settle_hours)
        days = built.pop("days")
        files = [path for day in days for path in export_report_day(wh, exports.folder(), day)]
        headline = wh.records("reports/headline")
    context.log.info(f"daily_reports: {len(days)} days rebuilt, {len(files)} files written")
    return dg.MaterializeResult(
        metadata={
            **built,
            "files_written": len(files),
            "output_dir": str(exports.folder().resolve()),
            "headline": dg.MetadataValue.md(_markdown(headline)),
        }
    )


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
