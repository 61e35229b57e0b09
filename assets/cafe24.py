"""Cafe24 assets: every message listed by sms_list, and the checks that keep it trustworthy."""

import dagster as dg

from assets.catalog import OWNERS, table_definition, table_metadata
from assets.checks import findings_check
from assets.partitions import daily_kst, partition_days
from assets.resources import Cafe24Resource, WarehouseResource
from pipelines.cafe24.ingest import ingest_cafe24


@dg.asset(
    partitions_def=daily_kst,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="cafe24",
    kinds={"duckdb"},
    pool="warehouse",
    owners=OWNERS,
    metadata=table_definition("cafe24_messages"),
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
        catalog = table_metadata(wh, "cafe24_messages")
    return dg.MaterializeResult(metadata={**stats.as_metadata(), **catalog})


@dg.asset_check(asset=cafe24_messages, blocking=True)
def cafe24_message_keys_unique(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every message has one key, its own: message_key is c24- + identity_key + ordinal, identity_key is the
    MD5 of the message's stored fields, and the ordinals of one identity run from 0 without a gap. (Two rows
    sharing a key the schema's constraints already refuse; a key or field changed in place would make the
    next re-read store the message a second time, under a new key.)"""
    return findings_check(warehouse, "cafe24_keys_not_derived", "every message_key follows from its fields")


@dg.asset_check(asset=cafe24_messages, blocking=True)
def cafe24_no_final_status_went_back(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No final status (3 or 9) went back or changed: is_final agrees with send_status, the status history
    never leaves a final status, and a message published final in delivery_outcomes (by the last build) still
    has that status, whether or not it has a history row."""
    return findings_check(warehouse, "cafe24_final_status_went_back", "no final status went back")


@dg.asset_check(asset=cafe24_messages, blocking=True)
def cafe24_reads_balance(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every record a window read listed is accounted for, against the stored rows: rows read = new +
    updated + unchanged + quarantined, rows_new = the messages first stored by the read, rows_updated = its
    status history rows, rows_quarantined = its quarantine rows; every message points to recorded reads."""
    return findings_check(warehouse, "cafe24_unbalanced_reads", "every record read is accounted for")
