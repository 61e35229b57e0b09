"""Building the daily report tables from delivery_outcomes (no Dagster imports)."""

from datetime import date, datetime
from typing import Any

from pipelines.outcomes import DEFAULT_SETTLE_HOURS
from pipelines.warehouse import Warehouse


def build_daily_reports(
    warehouse: Warehouse, now: datetime, settle_hours: int = DEFAULT_SETTLE_HOURS
) -> dict[str, Any]:
    """Rebuild, in one transaction, the report rows of every day whose outcomes changed since the last
    report build, and record that those days have new figures (their exports are due); returns how many
    days were rebuilt, which, and the size of each table."""
    with warehouse.transaction():
        built = warehouse.records("reports/build", now=now, settle_hours=settle_hours)[0]
        days: list[date] = [day for (day,) in warehouse.rows("reports/days_rebuilt")]
        warehouse.run("reports/record_day_builds", now=now, settle_hours=settle_hours)
    return {**built, "days": days}


def latest_headline(warehouse: Warehouse) -> tuple[date | None, list[dict[str, Any]]]:
    """The latest complete KST day with report rows, and its headline per vendor (None and no rows yet)."""
    day = warehouse.rows("reports/latest_complete_day")[0][0]
    return day, warehouse.records("reports/headline", day=day) if day is not None else []
