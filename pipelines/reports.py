"""Building the daily report tables from delivery_outcomes (no Dagster imports)."""

from datetime import date, datetime
from typing import Any

from pipelines.settings import DEFAULT_SETTLE_HOURS
from pipelines.warehouse import Warehouse

# The daily report tables, each rebuilt for the changed days by sql/marts/<table>_rebuilt.sql and written by
# sql/writes/<table>.sql.
REPORT_TABLES = (
    "report_delivery_daily",
    "report_failure_reasons_daily",
    "report_refunds_daily",
    "report_billing_daily",
)


def build_daily_reports(
    warehouse: Warehouse, now: datetime, settle_hours: int = DEFAULT_SETTLE_HOURS
) -> dict[str, Any]:
    """Rebuild, in one transaction, the report rows of every day whose outcomes changed since the last
    report build, and record that those days have new figures (their exports are due); returns how many
    days were rebuilt, which, and the size of each table."""
    params = {"now": now, "settle_hours": settle_hours}
    with warehouse.transaction():
        # Which days to rebuild (sql/changes/), kept apart from the figures that follow.
        warehouse.materialize("changes/price_book_version")
        warehouse.materialize("changes/report_days", **params)
        warehouse.materialize("intermediate/int_day_prices")
        warehouse.materialize("intermediate/int_report_outcomes", **params)
        for table in (*REPORT_TABLES, "finance_findings"):
            warehouse.materialize(f"marts/{table}_rebuilt")
            warehouse.run(f"writes/{table}")
        warehouse.run("writes/report_builds", **params)
        warehouse.run("writes/report_day_builds", **params)
        built = warehouse.records("reports/build_summary")[0]
        days: list[date] = [day for (day,) in warehouse.rows("reports/days_rebuilt")]
    return {**built, "days": days}


def latest_complete_day(warehouse: Warehouse) -> date | None:
    """The latest complete KST day with report rows (None before any)."""
    return warehouse.rows("reports/latest_complete_day")[0][0]


def latest_headline(warehouse: Warehouse) -> tuple[date | None, list[dict[str, Any]]]:
    """The latest complete KST day with report rows, and its headline per vendor (None and no rows yet)."""
    day = latest_complete_day(warehouse)
    return day, warehouse.records("reports/headline", day=day) if day is not None else []
