"""Building delivery_outcomes from the ingested tables and the code dictionary (no Dagster imports)."""

from datetime import datetime
from typing import Any

from pipelines.settings import DEFAULT_SETTLE_HOURS
from pipelines.warehouse import Warehouse


def build_delivery_outcomes(
    warehouse: Warehouse, now: datetime, settle_hours: int = DEFAULT_SETTLE_HOURS
) -> list[dict[str, Any]]:
    """Bring delivery_outcomes up to date in one transaction, recomputing only the messages that changed
    since the last build; returns messages, unknowns and rebuilt messages per vendor."""
    params = {"now": now, "settle_hours": settle_hours}
    with warehouse.transaction():
        # What changed since the last build (sql/changes/), kept apart from the rules that follow.
        warehouse.materialize("changes/outcome_build_plan", **params)
        warehouse.materialize("changes/outcome_keys", **params)
        warehouse.materialize("changes/outcome_infobank_reports")
        # The rules, layer by layer, over the changed messages only (each vendor's rows read once: views).
        warehouse.define_view("staging/stg_cafe24_outcomes")
        warehouse.define_view("staging/stg_infobank_outcomes")
        warehouse.materialize("intermediate/int_outcomes_judged", **params)
        warehouse.materialize("marts/delivery_outcomes_rebuilt")
        # The writes, each named after the table it writes; the days first, while the old rows are there.
        for table in (
            "outcome_changed_days",
            "delivery_outcomes",
            "delivery_outcome_finals",
            "outcome_check_scope",
            "outcome_check_days",
            "outcome_builds",
        ):
            warehouse.run(f"writes/{table}", **params)
        return warehouse.records("outcomes/build_summary")
