"""The `warehouse` fixture of tests/conftest.py, opened on a copy of one file made with the schema and seeds
already in place: the same real DuckDB file each test would make, without applying the schema each time."""

import shutil

import pytest

from assets.resources import WarehouseResource


@pytest.fixture(scope="session")
def schema_only_warehouse(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("template") / "warehouse.duckdb")
    with WarehouseResource(database=path).open():
        pass
    return path


@pytest.fixture
def warehouse_path(tmp_path, schema_only_warehouse) -> str:
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(schema_only_warehouse, path)
    return str(path)
