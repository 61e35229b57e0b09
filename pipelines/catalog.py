"""What the catalog says about a warehouse table: its columns (with the comments sql/schema gives each) and
how many rows it holds. Plain rows: the Dagster side (assets/catalog.py) turns them into table metadata."""

from dataclasses import dataclass

from pipelines.warehouse import Warehouse


@dataclass(frozen=True)
class Column:
    """One column of a warehouse table: its name, DuckDB type and COMMENT ON COLUMN text ('' if none)."""

    name: str
    type: str
    comment: str


def table_columns(warehouse: Warehouse, table: str) -> list[Column]:
    """The columns of `table`, in the table's order; none if the warehouse has no such table."""
    return [Column(**row) for row in warehouse.records("catalog/table_columns", table=table)]


def row_count(warehouse: Warehouse, table: str) -> int:
    """The rows `table` holds now."""
    return warehouse.rows("catalog/row_count", table=table)[0][0]
