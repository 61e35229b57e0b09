"""The warehouse schema: applied once per file version, and every table, view and column commented."""

from assets.resources import WarehouseResource
from pipelines import warehouse as warehouse_module


def test_every_table_view_and_column_is_commented():
    with WarehouseResource(database=":memory:").open() as warehouse:
        bare_columns = warehouse.connection.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND NOT internal AND comment IS NULL ORDER BY ALL"
        ).fetchall()
        bare_relations = warehouse.connection.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND comment IS NULL "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal "
            "AND comment IS NULL"
        ).fetchall()
    assert bare_columns == []
    assert bare_relations == []


def test_the_schema_is_applied_once_per_file_and_again_when_its_files_change(tmp_path, monkeypatch):
    resource = WarehouseResource(database=str(tmp_path / "w.duckdb"))
    applied = "SELECT digest, applied_at FROM warehouse_schema"
    with resource.open() as warehouse:
        first = warehouse.connection.execute(applied).fetchone()
    with resource.open() as warehouse:
        assert warehouse.connection.execute(applied).fetchone() == first
    monkeypatch.setattr(warehouse_module, "schema_digest", lambda: "a-newer-schema")
    with resource.open() as warehouse:
        digest, applied_at = warehouse.connection.execute(applied).fetchone()
        assert (digest, applied_at > first[1]) == ("a-newer-schema", True)
        assert warehouse.connection.execute("SELECT count(*) FROM status_codes").fetchone()[0] > 100
