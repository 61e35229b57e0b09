"""The shape every finding asset check shares: a query in sql/checks/ that should find nothing.

Such a query returns one row per kind of problem: `problem` (what is wrong, in words), `offending` (how many
rows or keys) and `examples` (the first few keys, to look them up)."""

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
