"""Every table, view and column of the warehouse carries a comment, as the contract promises analysts."""

from pipelines.resources import WarehouseResource


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
