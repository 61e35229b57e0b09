"""The warehouse resource: one connection held for a run, and the file let go when the run ends."""

import subprocess
import sys

import dagster as dg

from assets.resources import WarehouseResource


def test_steps_share_the_run_s_database_and_the_file_is_free_once_the_run_ends(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    seen = []

    @dg.asset
    def written(warehouse: WarehouseResource) -> None:
        with warehouse.open() as wh:
            wh.connection.execute("CREATE TABLE kept AS SELECT 1 AS x")

    @dg.asset(deps=[written])
    def read(warehouse: WarehouseResource) -> None:
        with warehouse.open() as wh:
            seen.append(wh.connection.execute("SELECT x FROM kept").fetchall())

    result = dg.materialize([written, read], resources={"warehouse": WarehouseResource(database=str(path))})
    assert result.success and seen == [[(1,)]]
    # Another process opens the file for writing: no connection of the run outlived it.
    opened = subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"], capture_output=True
    )
    assert opened.returncode == 0, opened.stderr.decode()


def test_a_failed_run_lets_go_of_the_file_too(tmp_path):
    path = tmp_path / "warehouse.duckdb"

    @dg.asset
    def broken(warehouse: WarehouseResource) -> None:
        with warehouse.open() as wh:
            wh.connection.execute("SELECT * FROM no_such_table")

    result = dg.materialize(
        [broken], resources={"warehouse": WarehouseResource(database=str(path))}, raise_on_error=False
    )
    assert not result.success
    opened = subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"], capture_output=True
    )
    assert opened.returncode == 0, opened.stderr.decode()
