"""analytics_copy: the read-only copy of the warehouse that analysts query, published after each run."""

import dagster as dg

from assets.automation import IN_SYNC_WITH_UPSTREAM
from assets.catalog import OWNERS, ROW_COUNT
from assets.reports import daily_reports
from assets.resources import AnalyticsResource, WarehouseResource
from pipelines.publish import publish_analytics_copy


@dg.asset(
    deps=[daily_reports],
    group_name="reports",
    kinds={"duckdb", "parquet"},
    pool="warehouse",
    owners=OWNERS,
    automation_condition=IN_SYNC_WITH_UPSTREAM,
)
def analytics_copy(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, analytics: AnalyticsResource
) -> dg.MaterializeResult:
    """SMS_ANALYTICS_DIR/analytics.duckdb: delivery_outcomes (phone numbers masked), the daily report tables
    and the code dictionaries, as views over Parquet files, for analysts' SQL in the DuckDB CLI or Python.
    The warehouse takes one writing process, so analysts never open it: each run publishes a new copy and
    swaps it in with one rename, so an open session never blocks a run and never sees half of one
    (docs/analytics.md). Only the months that changed are written; the others are linked from the previous
    copy (metadata: months_written, months_linked, and rewrote_all saying why every month was written)."""
    with warehouse.open() as wh:
        published = publish_analytics_copy(wh, analytics.folder())
    context.log.info(
        f"analytics_copy: version {published.version} at {published.path}, "
        f"{sum(map(len, published.months_written.values()))} month files written, "
        f"{sum(published.months_linked.values())} linked from the previous version"
        + (f" (every month written: {published.rewrote_all})" if published.rewrote_all else "")
        + f", {len(published.versions_removed)} old versions removed"
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "version": published.version,
            "messages": published.tables["delivery_outcomes"],
            "rows_by_table": dg.MetadataValue.json(published.tables),
            # The rows of every table the copy publishes, together (each counted as it was published).
            ROW_COUNT: dg.MetadataValue.int(sum(published.tables.values())),
            "months_written": dg.MetadataValue.json(published.months_written),
            "months_linked": dg.MetadataValue.json(published.months_linked),
            "rewrote_all": published.rewrote_all,
            "versions_removed": dg.MetadataValue.json(published.versions_removed),
            "versions_kept": len(published.versions_kept),
        }
    )
