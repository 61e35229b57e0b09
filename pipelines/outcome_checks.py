"""The checks of delivery_outcomes, run together (no Dagster imports).

Two of them compare delivery_outcomes with the Infobank messages derived again from their stored reports;
that derivation is the costly part, so it is built once (sql/checks/check_infobank_*.sql) for all of them,
on the connection that then runs each check's query."""

from collections.abc import Sequence
from typing import Any

from pipelines.warehouse import Warehouse

# Built in order before the queries: the reports of the messages in scope, then those messages.
CHECK_INPUTS = ("checks/check_infobank_reports", "checks/check_infobank_messages")


def outcome_check_findings(
    warehouse: Warehouse, queries: Sequence[str], whole: bool
) -> dict[str, list[dict[str, Any]]]:
    """Each query's findings (sql/checks/<query>.sql: one row per kind of problem, none when the rule
    holds), on the messages the latest build recomputed, or on every message with `whole`."""
    for relation in CHECK_INPUTS:
        warehouse.materialize(relation, whole=whole)
    return {query: warehouse.records(f"checks/{query}", whole=whole) for query in queries}
