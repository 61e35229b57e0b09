"""analytics_copy: the read-only copy of the warehouse that analysts query, published after each run."""

import dagster as dg

from assets.reports import daily_reports
from assets.resources import AnalyticsResource, WarehouseResource
from pipelines.publish import publish_analytics_copy


@dg.asset(deps=[daily_reports], group_name="reports", kinds={"duckdb", "parquet"}, pool="warehouse")
def analytics_copy(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, analytics: AnalyticsResource
) -> dg.MaterializeResult:
    """SMS_ANALYTICS_DIR/analytics.duckdb: delivery_outcomes (phone numbers masked), the daily report tables
    and the code dictionaries, as views over Parquet files, for analysts' SQL in the DuckDB CLI or Python.
    The warehouse takes one writing process, so analysts never open it: each run publishes a new copy and
    swaps it in with one rename, so an open session never blocks a run and never sees half of one
    (docs/analytics.md)."""
    with warehouse.open() as wh:
        published = publish_analytics_copy(wh, analytics.folder())
    context.log.info(
        f"analytics_copy: version {published.version} at {published.path}, "
        f"{len(published.versions_removed)} old versions removed"
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "version": published.version,
            "messages": published.tables["delivery_outcomes"],
            "rows_by_table": dg.MetadataValue.json(published.tables),
            "versions_removed": dg.MetadataValue.json(published.versions_removed),
            "versions_kept": len(published.versions_kept),
        }
    )
