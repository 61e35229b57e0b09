"""The daily_reports asset's exports repair themselves: a run writes every day whose files are missing,
incomplete or older than the day's figures (a killed export, deleted files, a day that failed), and
nothing else."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
import pytest

import pipelines.exports
from assets.reports import daily_reports, report_day_files
from assets.resources import ExportsResource, SlackResource, WarehouseResource
from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.exports import DAILY_REPORT, REPORT_TABLES
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.reports import build_daily_reports
from pipelines.simulator import SimMessage
from tests.conftest import ACCOUNT, DAY, sms
from tests.integration.test_report_page import Tables

DAYS = [DAY - timedelta(days=2), DAY - timedelta(days=1), DAY]
FILES = sorted([f"{table}.{kind}" for table in REPORT_TABLES for kind in ("csv", "parquet")] + [DAILY_REPORT])
WEIRD_DAY = date(1, 1, 1)  # the page's 30-day trend reaches before the first date Python has


@dataclass
class Setup:
    """A warehouse file with three days of Cafe24 traffic (delivered, failed, one message in flight each),
    the simulator and client to change it, and the asset's resources."""

    database: str
    output_dir: Path
    messages: list[SimMessage]
    simulator: object
    client: object

    def resources(self) -> dict:
        return {
            "warehouse": WarehouseResource(database=self.database),
            "exports": ExportsResource(output_dir=str(self.output_dir)),
            "slack": SlackResource(),
        }

    def ingest(self) -> None:
        """Read the simulator's (possibly changed) messages and rebuild delivery_outcomes, as the upstream
        assets do; the asset opens the file itself, so the connection is closed afterwards."""
        with WarehouseResource(database=self.database).open() as warehouse:
            ingest_cafe24(self.client, warehouse, DAYS[0], DAYS[-1], lookback_days=0)
            build_delivery_outcomes(warehouse, datetime.now(KST))

    def run(self) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [daily_reports, report_day_files], resources=self.resources(), raise_on_error=False
        )


@pytest.fixture
def setup(simulator, client, warehouse_path, tmp_path) -> Iterator[Setup]:
    messages = [
        message
        for offset, day in enumerate(DAYS)
        for message in (
            *(sms(day, minute=i, to=f"010-4{offset}44-{i:04d}") for i in range(3 + offset)),
            sms(day, minute=30, to=f"010-5{offset}55-0030", status=9),
            sms(day, minute=40, to=f"010-6{offset}66-0040", status=1),  # still in flight at Cafe24
        )
    ]
    simulator.load(ACCOUNT, messages)
    ready = Setup(warehouse_path, tmp_path / "out", messages, simulator, client)
    ready.ingest()
    yield ready


def metadata(result: dg.ExecuteInProcessResult) -> dict:
    """The report tables' and the day files' metadata of a run, together."""
    return {
        key: value.value
        for node in ("daily_reports", "report_day_files")
        for materialization in result.asset_materializations_for_node(node)
        for key, value in materialization.metadata.items()
    }


def day_files_check(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation


def assert_exports_current(setup: Setup, days: list[date]) -> None:
    """Every day has its full set of files, and they hold the report tables' current figures."""
    with WarehouseResource(database=setup.database).open() as warehouse:
        for day in days:
            folder = setup.output_dir / day.isoformat()
            assert sorted(path.name for path in folder.iterdir()) == FILES, day
            for table in REPORT_TABLES:
                expected = warehouse.run("reports/day_rows", table=table, day=day).df()
                parquet = pd.read_parquet(folder / f"{table}.parquet")
                pd.testing.assert_frame_equal(parquet, expected, check_dtype=False)
                csv = pd.read_csv(folder / f"{table}.csv", encoding="utf-8-sig")
                assert list(csv.columns) == list(expected.columns) and len(csv) == len(expected), table
                for column in expected.select_dtypes("number").columns:
                    assert np.allclose(csv[column], expected[column], equal_nan=True), (day, table, column)
            figures = warehouse.connection.execute(
                "SELECT sum(messages), sum(undelivered + rejected + expired) FROM report_delivery_daily "
                "WHERE activity_date = ? AND vendor = 'cafe24'",
                [day],
            ).fetchone()
            rows = Tables((folder / DAILY_REPORT).read_text(encoding="utf-8")).tables["cafe24"]
            assert (rows[1][:2], rows[3][:2]) == (["Messages", str(figures[0])], ["Failed", str(figures[1])])


def kill_after(monkeypatch, files: int) -> None:
    """The export stops after `files` files, as when the process is killed or the disk fills up."""
    written = 0
    replace = pipelines.exports.replace_atomically

    def replace_then_stop(path: Path, write) -> None:
        nonlocal written
        if written == files:
            raise OSError(f"killed while writing {path.name}")
        written += 1
        replace(path, write)

    monkeypatch.setattr(pipelines.exports, "replace_atomically", replace_then_stop)


def test_an_export_killed_after_the_report_tables_committed_is_completed_by_the_next_run(setup, monkeypatch):
    kill_after(monkeypatch, 12)  # the first day and a part of the second
    assert not setup.run().success
    monkeypatch.undo()
    assert setup.run().success
    assert_exports_current(setup, DAYS)


def test_files_older_than_their_day_s_figures_are_written_again_after_a_killed_run(setup, monkeypatch):
    assert setup.run().success
    in_flight = next(message for message in setup.messages if message.status == 1)
    in_flight.status = 9  # the first day: one more failure
    setup.ingest()
    kill_after(monkeypatch, 2)  # only report_delivery_daily of that day is written
    assert not setup.run().success
    monkeypatch.undo()
    assert metadata(setup.run())["files_written"] == len(FILES)  # that day only
    assert_exports_current(setup, DAYS)


def test_deleted_files_are_written_again_and_complete_days_are_left_alone(setup):
    assert setup.run().success
    first, second, third = (setup.output_dir / day.isoformat() for day in DAYS)
    (first / "report_billing_daily.csv").unlink()
    (second / DAILY_REPORT).unlink()
    untouched = {path: path.stat().st_mtime_ns for path in third.iterdir()}
    again = metadata(setup.run())
    assert again["files_written"] == 2 * len(FILES) and again["days_exported"] == 2
    assert_exports_current(setup, DAYS)
    assert {path: path.stat().st_mtime_ns for path in third.iterdir()} == untouched
    assert metadata(setup.run())["files_written"] == 0  # nothing missing, nothing changed: nothing written


def test_a_day_that_cannot_be_exported_does_not_lose_the_other_days(setup):
    with WarehouseResource(database=setup.database).open() as warehouse:
        warehouse.connection.execute(
            "INSERT INTO delivery_outcomes (message_key, vendor, activity_date, status, is_final, "
            "has_conflict) VALUES ('weird', 'cafe24', ?, 'delivered', true, false)",
            [WEIRD_DAY],
        )
        warehouse.connection.execute(
            "INSERT INTO outcome_changed_days VALUES (?, 'cafe24', ?)", [datetime.now(KST), WEIRD_DAY]
        )
    result = setup.run()
    assert result.success  # the reports are built and every other day exported
    failures = metadata(result)["export_failures"]
    assert list(failures) == [WEIRD_DAY.isoformat()] and "OverflowError" in failures[WEIRD_DAY.isoformat()]
    check = day_files_check(result)  # the failure shows on the day files' asset, by its check
    assert (check.check_name, check.passed) == ("every_due_day_written", False)
    assert check.description.startswith(f"{WEIRD_DAY.isoformat()}: ") and "OverflowError" in check.description
    assert_exports_current(setup, DAYS)
    again = metadata(setup.run())  # the day is tried again, the others are not written again
    assert list(again["export_failures"]) == [WEIRD_DAY.isoformat()] and again["files_written"] == 0


def test_a_warehouse_made_before_the_bookkeeping_writes_every_day_once_then_only_what_changes(setup):
    with WarehouseResource(database=setup.database).open() as warehouse:
        build_daily_reports(warehouse, datetime.now(KST))  # built, never exported, as by an older version
        warehouse.connection.execute("DROP TABLE report_day_builds; DROP TABLE report_day_exports")
        warehouse.connection.execute("UPDATE warehouse_schema SET digest = 'older'")  # as after an upgrade
    first = setup.run()
    assert metadata(first)["days_rebuilt"] == 0 and metadata(first)["days_exported"] == len(DAYS)
    assert_exports_current(setup, DAYS)
    assert metadata(setup.run())["files_written"] == 0
