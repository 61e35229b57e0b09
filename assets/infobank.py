"""Infobank assets: every stored delivery report, read once, and the checks that keep the count honest."""

import dagster as dg

from assets.catalog import OWNERS, table_definition, table_metadata
from assets.checks import CheckScope
from assets.resources import InfobankResource, WarehouseResource
from pipelines.infobank.ingest import ingest_infobank


@dg.asset(
    group_name="infobank",
    kinds={"duckdb"},
    pool="warehouse",
    owners=OWNERS,
    metadata=table_definition("infobank_reports"),
)
def infobank_reports(
    context: dg.AssetExecutionContext, infobank: InfobankResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Every delivery report Infobank pushed and we stored as files, one row per line, retries flagged.
    Each run reads only what is new: new files whole, grown files from where they stopped. Finance bills
    from these rows (rescnt), so every line read is accounted for: loaded, retry, quarantined or blank."""
    with warehouse.open() as wh:
        stats = ingest_infobank(wh, infobank.folder(), progress=context.log.info)
        catalog = table_metadata(wh, "infobank_reports")
    context.log.info(
        f"infobank: {stats.files_read} of {stats.files_seen} files had new lines; "
        f"{stats.lines_read} lines read, {stats.reports_accepted} reports, "
        f"{stats.retries} retries, {stats.quarantined} quarantined"
    )
    for name, problem in stats.files_with_problems.items():
        context.log.warning(f"infobank: {name} {problem}; its lines wait until it can be read")
    return dg.MaterializeResult(metadata={**stats.as_metadata(), **catalog})


@dg.asset_check(asset=infobank_reports, blocking=True)
def infobank_lines_balance(config: CheckScope, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """For every file load: lines read = accepted + retries + quarantined + blank; and no stored line is
    held twice, in the files the latest load read (every file with `whole: true`)."""
    with warehouse.open() as wh:
        unbalanced = wh.rows("checks/infobank_unbalanced_files")
        twice = wh.rows("checks/infobank_lines_stored_twice", whole=config.whole)
    return dg.AssetCheckResult(
        passed=not unbalanced and not twice,
        metadata={"unbalanced_file_loads": len(unbalanced), "lines_stored_twice": len(twice)},
    )


@dg.asset_check(asset=infobank_reports)
def infobank_quarantine_rate(infobank: InfobankResource, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """This run's load quarantined no more than `max_quarantine_rate` of the lines it read. It judges the
    run that is happening (a run that read nothing passes), and does not block the reports: the lines it
    quarantined are kept with their reason, and every other report is counted."""
    with warehouse.open() as wh:
        found = wh.records("checks/infobank_latest_quarantine_rate")
    load = found[0] if found else {"load_id": None, "quarantined": 0, "lines": 0, "rate": 0}
    rate, threshold = float(load["rate"]), infobank.max_quarantine_rate
    passed = rate <= threshold
    return dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"{load['quarantined']} of this run's {load['lines']} lines quarantined ({rate:.2%}), "
            f"{'within' if passed else 'above'} the threshold of {threshold:.2%} "
            "(infobank_quarantine holds each line with its reason)"
        ),
        metadata={
            "load_id": load["load_id"] or "",
            "quarantined": load["quarantined"],
            "lines": load["lines"],
            "rate": rate,
            "threshold": threshold,
        },
    )


@dg.asset_check(asset=infobank_reports)
def infobank_files_readable(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every file of the report store could be read by this run: a broken or half-written gzip file, a file
    without read permission, or a link leaving the store is named here (warning: the other files were
    ingested, and a file that becomes readable is read by a later run)."""
    with warehouse.open() as wh:
        problems = wh.records("checks/infobank_latest_file_problems")
    listing = "; ".join(f"{p['source_file']} {p['problem']}" for p in problems[:10])
    more = f" and {len(problems) - 10} more" if len(problems) > 10 else ""
    return dg.AssetCheckResult(
        passed=not problems,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{len(problems)} files not read: {listing}{more}" if problems else "every file read",
        metadata={"files_not_read": len(problems)},
    )
