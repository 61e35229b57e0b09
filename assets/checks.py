"""The shape every finding asset check shares: a query in sql/checks/ that should find nothing.

Such a query returns one row per kind of problem: `problem` (what is wrong, in words), `offending` (how many
rows or keys) and `examples` (the first few keys, to look them up)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg

from assets.resources import WarehouseResource


class CheckScope(dg.Config):
    """What a check looks at: by default what the run wrote; `whole: true` (set it in the launchpad) looks at
    the whole warehouse, as an audit."""

    whole: bool = False


def findings_check(
    warehouse: WarehouseResource, name: str, passed_text: str, **params: Any
) -> dg.AssetCheckResult:
    """Passes when sql/checks/<name>.sql (given `params`) finds nothing; otherwise fails (error) saying, per
    problem, how many and a few example keys."""
    with warehouse.open() as wh:
        findings = wh.records(f"checks/{name}", **params)
    return dg.AssetCheckResult(
        passed=not findings,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(describe_finding(f) for f in findings) if findings else passed_text,
        metadata={
            "offending": sum(f["offending"] for f in findings),
            "by_problem": dg.MetadataValue.json({f["problem"]: f["offending"] for f in findings}),
        },
    )


def describe_finding(finding: dict[str, Any]) -> str:
    """`problem: count (e.g. key, key, ...)`: one kind of problem in words."""
    examples = ", ".join(finding["examples"])
    more = ", ..." if finding["offending"] > len(finding["examples"]) else ""
    return f"{finding['problem']}: {finding['offending']} (e.g. {examples}{more})"


@dataclass(frozen=True)
class ScopedFindingsCheck:
    """One blocking finding check that takes CheckScope: its name, its query (sql/checks/<query>.sql, given
    $whole), what it says when it passes, and its description in the UI."""

    name: str
    query: str
    passed_text: str
    description: str


def scoped_findings_checks(
    asset: dg.AssetsDefinition, checks: Sequence[ScopedFindingsCheck], **options: Any
) -> list[dg.AssetChecksDefinition]:
    """Each of `checks` as a blocking asset check on `asset` (with `options`, such as its automation
    condition) that runs its query on what the run wrote, or on everything with `whole: true`."""
    return [_scoped_findings_check(asset, check, **options) for check in checks]


def _scoped_findings_check(
    asset: dg.AssetsDefinition, check: ScopedFindingsCheck, **options: Any
) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=check.name, description=check.description, blocking=True, **options)
    def scoped_check(config: CheckScope, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        return findings_check(warehouse, check.query, check.passed_text, whole=config.whole)

    return scoped_check
