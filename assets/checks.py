"""The shape every finding asset check shares: a query in sql/checks/ that should find nothing.

Such a query returns one row per kind of problem: `problem` (what is wrong, in words), `offending` (how many
rows or keys) and `examples` (the first few keys, to look them up)."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg

from assets.resources import WarehouseResource
from pipelines.warehouse import Warehouse


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
    return findings_result(findings, passed_text)


def findings_result(findings: list[dict[str, Any]], passed_text: str, **result: Any) -> dg.AssetCheckResult:
    """A finding query's rows as a check's result: passed when there are none, else failed (error) saying,
    per problem, how many and a few example keys. `result` names the check in a multi-asset check."""
    return dg.AssetCheckResult(
        passed=not findings,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(describe_finding(f) for f in findings) if findings else passed_text,
        metadata={
            "offending": sum(f["offending"] for f in findings),
            "by_problem": dg.MetadataValue.json({f["problem"]: f["offending"] for f in findings}),
        },
        **result,
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


# How a set of finding checks gets its findings: given the warehouse and `whole`, a function of a query.
FindingsOf = Callable[[Warehouse, bool], Callable[[str], list[dict[str, Any]]]]


def scoped_findings_checks(
    asset: dg.AssetsDefinition, checks: Sequence[ScopedFindingsCheck], findings_of: FindingsOf, **options: Any
) -> dg.AssetChecksDefinition:
    """`checks` as blocking asset checks on `asset` (each with `options`, such as its automation condition),
    evaluated in one step on one connection (`findings_of`), so that what their queries share is built
    once: on what the run wrote, or on everything with `whole: true`. Each check can also run alone, and a
    query that raises fails its own check (error, with the error's text), not the others."""
    specs = [
        dg.AssetCheckSpec(check.name, asset=asset, description=check.description, blocking=True, **options)
        for check in checks
    ]

    @dg.multi_asset_check(
        specs=specs, name=f"{asset.key.to_python_identifier()}_findings_checks", can_subset=True
    )
    def scoped_checks(
        context: dg.AssetCheckExecutionContext, config: CheckScope, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        selected = {key.name for key in context.selected_asset_check_keys}
        with warehouse.open() as wh:
            find = findings_of(wh, config.whole)
            for check in checks:
                if check.name not in selected:
                    continue
                named = {"asset_key": asset.key, "check_name": check.name}
                try:
                    findings = find(check.query)
                except Exception as error:  # the other checks still report
                    yield dg.AssetCheckResult(
                        passed=False,
                        severity=dg.AssetCheckSeverity.ERROR,
                        description=f"the check could not run: {type(error).__name__}: {error}",
                        **named,
                    )
                    continue
                yield findings_result(findings, check.passed_text, **named)

    return scoped_checks
