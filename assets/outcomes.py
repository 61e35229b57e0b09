"""delivery_outcomes: one row per message of either vendor, and the checks that guard the reports on it."""

from datetime import datetime

import dagster as dg

from assets.automation import IN_SYNC_WITH_UPSTREAM, WITH_ITS_ASSET
from assets.cafe24 import cafe24_messages
from assets.catalog import OWNERS, table_definition, table_metadata
from assets.checks import CheckScope, ScopedFindingsCheck, scoped_findings_checks
from assets.infobank import infobank_reports
from assets.resources import WarehouseResource
from pipelines.kst import KST
from pipelines.outcome_checks import OutcomeChecks
from pipelines.outcomes import build_delivery_outcomes


@dg.asset(
    deps=[cafe24_messages, infobank_reports],
    group_name="outcomes",
    kinds={"duckdb"},
    pool="warehouse",
    owners=OWNERS,
    metadata=table_definition("delivery_outcomes"),
    automation_condition=IN_SYNC_WITH_UPSTREAM,
)
def delivery_outcomes(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """What happened to every message, whichever vendor sent it: status, reason, failure class, billing and
    refund, in one schema for analysts. Vendor codes map through the status_codes dictionary; a message
    still pending the warehouse's `settle_hours` after its day ends becomes unknown (no_final_report)."""
    with warehouse.open() as wh:
        rows = build_delivery_outcomes(wh, datetime.now(KST), warehouse.settle_hours)
        catalog = table_metadata(wh, "delivery_outcomes")
    counts = {row["vendor"]: row["messages"] for row in rows}
    context.log.info(f"delivery_outcomes: {counts}")
    return dg.MaterializeResult(
        metadata={
            "messages": sum(counts.values()),
            "messages_by_vendor": counts,
            "unknown_by_vendor": {row["vendor"]: row["unknown"] for row in rows},
            "rebuilt_by_vendor": {row["vendor"]: row["rebuilt"] for row in rows},
            "full_rebuild": bool(rows and rows[0]["full_rebuild"]),
            "settle_hours": warehouse.settle_hours,
            **catalog,
        }
    )


# The blocking checks of delivery_outcomes: each a query in sql/checks/ that finds nothing when it holds,
# evaluated together so that the Infobank messages two of them derive again are derived once.
delivery_outcomes_findings_checks = scoped_findings_checks(
    delivery_outcomes,
    [
        ScopedFindingsCheck(
            "delivery_outcomes_keys_unique",
            "outcomes_duplicate_keys",
            "every message_key is unique",
            "No message_key is held by two rows (delivery_outcomes has no key constraint of its own): the "
            "keys the latest build wrote, or every key with `whole: true`.",
        ),
        ScopedFindingsCheck(
            "delivery_outcomes_statuses_canonical",
            "outcomes_statuses_not_canonical",
            "every status and vendor is canonical",
            "Every row has a status from the canonical set and a vendor that is cafe24 or infobank: the rows "
            "the latest build wrote, or every row with `whole: true`.",
        ),
        ScopedFindingsCheck(
            "delivery_outcomes_no_final_went_back",
            "outcomes_final_went_back",
            "no final status went back",
            "No final status went back or strayed from its source: is_final agrees with the status (pending "
            "and scheduled are never final), a message final in an earlier build is final and not in flight "
            "now, and a message whose stored source is final has that final status here.",
        ),
        ScopedFindingsCheck(
            "delivery_outcomes_reconcile_with_ingestion",
            "outcomes_unreconciled",
            "every stored message is one outcome with its key and figures",
            "Reconciled by key against the stored rows: every cafe24_messages row, and every Infobank msgid "
            "with a report that is not a retry, is an outcome with the same key and figures (vendor status, "
            "billed units, refund, activity day ...), and every outcome's key has its stored message.",
        ),
    ],
    lambda wh, whole: OutcomeChecks(wh, whole).findings,
    automation_condition=WITH_ITS_ASSET,
)


@dg.asset_check(asset=delivery_outcomes, automation_condition=WITH_ITS_ASSET)
def delivery_outcomes_codes_mapped(config: CheckScope, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every vendor code is in the status_codes dictionary; warns with each unmapped code and its volume,
    among the messages the latest build recomputed (every message with `whole: true`; a changed dictionary
    recomputes them all)."""
    with warehouse.open() as wh:
        rows = wh.records("checks/outcomes_unmapped_codes", whole=config.whole)
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        description=", ".join(f"{r['vendor']} {r['vendor_status']}: {r['messages']}" for r in rows) or None,
        metadata={"unmapped_codes": len(rows), "unmapped_messages": sum(r["messages"] for r in rows)},
    )
