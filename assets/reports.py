"""Daily report tables: delivery, failure reasons, refunds and billing, per KST day."""

from datetime import datetime

import dagster as dg

from assets.outcomes import OutcomesConfig, delivery_outcomes
from pipelines.kst import KST
from pipelines.reports import build_daily_reports
from pipelines.resources import WarehouseResource


@dg.asset(deps=[delivery_outcomes], group_name="reports", kinds={"duckdb"}, pool="warehouse")
def daily_reports(
    context: dg.AssetExecutionContext, config: OutcomesConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """report_delivery_daily, report_failure_reasons_daily, report_refunds_daily and report_billing_daily:
    what analysts chart, finance reconciles and operations reads each morning. Only the days whose outcomes
    changed (or whose refund window just closed) are rebuilt."""
    with warehouse.open() as wh:
        built = build_daily_reports(wh, datetime.now(KST), config.settle_hours)
        headline = wh.records("reports/headline")
    context.log.info(f"daily_reports: {built['days_rebuilt']} days rebuilt")
    return dg.MaterializeResult(metadata={**built, "headline": dg.MetadataValue.md(_markdown(headline))})


def _markdown(rows: list[dict]) -> str:
    if not rows:
        return "_no messages yet_"
    header = "| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n"
    return header + "".join("| " + " | ".join(str(value) for value in row.values()) + " |\n" for row in rows)
