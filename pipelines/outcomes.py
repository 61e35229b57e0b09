"""Building delivery_outcomes from the ingested tables and the code dictionary (no Dagster imports)."""

from datetime import datetime
from typing import Any

from pipelines.warehouse import Warehouse

DEFAULT_SETTLE_HOURS = 72


def build_delivery_outcomes(
    warehouse: Warehouse, now: datetime, settle_hours: int = DEFAULT_SETTLE_HOURS
) -> list[dict[str, Any]]:
    """Bring delivery_outcomes up to date in one transaction, recomputing only the messages that changed
    since the last build; returns messages, unknowns and rebuilt messages per vendor."""
    with warehouse.transaction():
        return warehouse.records("outcomes/build", settle_hours=settle_hours, now=now)
