"""The shape every row-finding asset check shares: a query in sql/checks/ that should find nothing."""

import dagster as dg

from pipelines.resources import WarehouseResource


def rows_check(
    warehouse: WarehouseResource, name: str, passed_text: str, failed_text: str
) -> dg.AssetCheckResult:
    """Passes when sql/checks/<name>.sql finds no rows; otherwise lists the first ones it found."""
    with warehouse.open() as wh:
        rows = wh.rows(f"checks/{name}")
    preview = "\n".join(str(row) for row in rows[:20])
    return dg.AssetCheckResult(
        passed=not rows,
        description=failed_text if rows else passed_text,
        metadata={"offending_rows": len(rows), "first_rows": dg.MetadataValue.text(preview)},
    )
