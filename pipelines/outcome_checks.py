"""The checks of delivery_outcomes, run together (no Dagster imports).

Two of them compare delivery_outcomes with the Infobank messages derived again from their stored reports;
that derivation is the costly part, so it is built once (sql/checks/check_infobank_*.sql), when the first
query that reads it runs, on the connection that then runs each check's query."""

from typing import Any

from pipelines.warehouse import Warehouse

# Built in order before the first query that reads them: the reports of the messages in scope, then those
# messages as the message rule derives them.
CHECK_INPUTS = ("checks/check_infobank_reports", "checks/check_infobank_messages")
# The queries of sql/checks/ that read check_infobank_messages.
READ_INFOBANK_MESSAGES = frozenset({"outcomes_unreconciled", "outcomes_final_went_back"})


class OutcomeChecks:
    """The delivery_outcomes check queries on one connection, on the messages the latest build recomputed
    (every message with `whole`), what they share built once."""

    def __init__(self, warehouse: Warehouse, whole: bool) -> None:
        self.warehouse = warehouse
        self.whole = whole
        self._inputs_built = False

    def findings(self, query: str) -> list[dict[str, Any]]:
        """sql/checks/<query>.sql's findings: one row per kind of problem, none when the rule holds."""
        if query in READ_INFOBANK_MESSAGES and not self._inputs_built:
            for relation in CHECK_INPUTS:
                self.warehouse.materialize(relation, whole=self.whole)
            self._inputs_built = True
        return self.warehouse.records(f"checks/{query}", whole=self.whole)
