"""Infobank assets: every stored delivery report, read once, and the checks that keep the count honest."""

import dagster as dg

from pipelines.infobank.ingest import ingest_infobank
from pipelines.resources import InfobankResource, WarehouseResource


@dg.asset(group_name="infobank", kinds={"duckdb"}, pool="warehouse")
def infobank_reports(
    context: dg.AssetExecutionContext, infobank: InfobankResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Every delivery report Infobank pushed and we stored as files, one row per line, retries flagged.
    Each run reads only what is new: new files whole, grown files from where they stopped. Finance bills
    from these rows (rescnt), so every line read is accounted for: loaded, retry, quarantined or blank."""
    with warehouse.open() as wh:
        stats = ingest_infobank(wh, infobank.folder())
    context.log.info(
        f"infobank: {stats.files_read} of {stats.files_seen} files had new lines; "
        f"{stats.lines_read} lines read, {stats.reports_accepted} reports, "
        f"{stats.retries} retries, {stats.quarantined} quarantined"
    )
    if stats.files_shrunk:
        context.log.warning(f"infobank: files smaller than when last read, left alone: {stats.files_shrunk}")
    return dg.MaterializeResult(metadata=stats.as_metadata())


@dg.asset_check(asset=infobank_reports, blocking=True)
def infobank_lines_balance(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """For every file load: lines read = accepted + retries + quarantined + blank; and no stored line is
    held twice."""
    with warehouse.open() as wh:
        unbalanced = wh.rows("checks/infobank_unbalanced_files")
        twice = wh.rows("checks/infobank_lines_stored_twice")
    return dg.AssetCheckResult(
        passed=not unbalanced and not twice,
        metadata={"unbalanced_file_loads": len(unbalanced), "lines_stored_twice": len(twice)},
    )


@dg.asset_check(asset=infobank_reports, blocking=True)
def infobank_quarantine_rate(infobank: InfobankResource, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """The latest load quarantined no more than `max_quarantine_rate` of its lines."""
    with warehouse.open() as wh:
        quarantined, lines, rate = wh.rows("checks/infobank_latest_quarantine_rate")[0]
    return dg.AssetCheckResult(
        passed=rate <= infobank.max_quarantine_rate,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "quarantined": quarantined,
            "lines": lines,
            "rate": float(rate),
            "threshold": infobank.max_quarantine_rate,
        },
    )
