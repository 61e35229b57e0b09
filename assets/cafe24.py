"""Cafe24 assets: every message listed by sms_list, and the checks that keep it trustworthy."""

import dagster as dg

from assets.checks import rows_check
from assets.partitions import daily_kst, partition_days
from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.resources import Cafe24Resource, WarehouseResource


@dg.asset(
    partitions_def=daily_kst,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="cafe24",
    kinds={"duckdb"},
    pool="warehouse",
)
def cafe24_messages(
    context: dg.AssetExecutionContext, cafe24: Cafe24Resource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Every message listed by Cafe24's sms_list (SMS and LMS), one row each, with its latest status and
    refund. Each run also re-reads the lookback days before its range, where statuses and refunds settle."""
    first_day, last_day = partition_days(context)
    with cafe24.client() as client, warehouse.open() as wh:
        stats = ingest_cafe24(
            client,
            wh,
            first_day,
            last_day,
            lookback_days=cafe24.lookback_days,
            window_days=cafe24.window_days,
            progress=context.log.info,
        )
    return dg.MaterializeResult(metadata=stats.as_metadata())


@dg.asset_check(asset=cafe24_messages, blocking=True)
def cafe24_message_keys_unique(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No message_key, and no (identity, ordinal), appears twice in cafe24_messages."""
    return rows_check(
        warehouse, "cafe24_duplicate_keys", "every message_key is unique", "duplicate message keys found"
    )


@dg.asset_check(asset=cafe24_messages, blocking=True)
def cafe24_no_final_status_went_back(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No message that once had a final status (3 or 9) now shows another status."""
    return rows_check(
        warehouse, "cafe24_final_status_went_back", "no final status went back", "final statuses went back"
    )


@dg.asset_check(asset=cafe24_messages, blocking=True)
def cafe24_reads_balance(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """For every window read: rows read = new + updated + unchanged + quarantined."""
    return rows_check(
        warehouse,
        "cafe24_unbalanced_reads",
        "every record read is accounted for",
        "window reads that do not balance",
    )
