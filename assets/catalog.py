"""What the catalog shows of each warehouse asset: who owns it, which table it is, its rows and its columns.

Dagster reads these under its own metadata keys: `dagster/table_name` on the definition (the UI shows it
before the first materialisation), `dagster/row_count` and `dagster/column_schema` on each materialisation,
read from the warehouse the run just wrote. (Dagster 1.13 does not export TableMetadataSet at the top level,
hence the keys written out.)"""

from typing import Any

import dagster as dg

from pipelines.catalog import Column, row_count, table_columns
from pipelines.warehouse import Warehouse

# Who answers for the warehouse's assets: one team, named as Dagster names teams ("team:<name>"). Set it to
# your own team's name where you run it; the UI lists and filters assets by owner.
OWNERS = ["team:sms-warehouse"]
TABLE_NAME = "dagster/table_name"
ROW_COUNT = "dagster/row_count"
COLUMN_SCHEMA = "dagster/column_schema"


def table_definition(*tables: str) -> dict[str, Any]:
    """Definition metadata of an asset that is the warehouse table `tables[0]`; an asset of several tables
    is named after its first and lists them all under `tables`."""
    metadata: dict[str, Any] = {TABLE_NAME: tables[0]}
    if len(tables) > 1:
        metadata["tables"] = dg.MetadataValue.json(list(tables))
    return metadata


def table_metadata(warehouse: Warehouse, *tables: str) -> dict[str, Any]:
    """Materialisation metadata of an asset made of `tables`, as they are now: `dagster/row_count` (their
    rows, together) and `dagster/column_schema` (each column with its type and COMMENT ON COLUMN text). An
    asset of several tables names each column `<table>.<column>` and adds `rows_by_table`."""
    rows = {table: row_count(warehouse, table) for table in tables}
    columns = [(table, column) for table in tables for column in table_columns(warehouse, table)]
    metadata: dict[str, Any] = {
        ROW_COUNT: dg.MetadataValue.int(sum(rows.values())),
        COLUMN_SCHEMA: dg.MetadataValue.table_schema(
            dg.TableSchema(
                columns=[_column(column, f"{table}." if len(tables) > 1 else "") for table, column in columns]
            )
        ),
    }
    if len(tables) > 1:
        metadata["rows_by_table"] = dg.MetadataValue.json(rows)
    return metadata


def _column(column: Column, prefix: str) -> dg.TableColumn:
    return dg.TableColumn(name=prefix + column.name, type=column.type, description=column.comment or None)
