"""The SQL layers fit together: relations that are combined by name have the same columns, in the order of
the table they become, so a misspelt column cannot turn into a silent NULL."""

from datetime import datetime

import pyarrow as pa

from pipelines.kst import KST
from pipelines.warehouse import open_warehouse


def columns(warehouse, relation: str) -> list[str]:
    return [row[0] for row in warehouse.connection.execute(f"DESCRIBE {relation}").fetchall()]


def test_both_vendors_staged_outcomes_have_exactly_the_columns_of_delivery_outcomes(tmp_path):
    params = {"now": datetime(2026, 10, 3, tzinfo=KST), "settle_hours": 72}
    with open_warehouse(tmp_path / "w.duckdb") as warehouse:
        warehouse.materialize("changes/outcome_build_plan", **params)
        warehouse.materialize("changes/outcome_keys", **params)
        warehouse.materialize("changes/outcome_infobank_reports")
        for relation in ("stg_cafe24_outcomes", "stg_infobank_outcomes"):
            warehouse.define_view(f"staging/{relation}")
        warehouse.materialize("intermediate/int_outcomes_judged", **params)
        warehouse.materialize("marts/delivery_outcomes_rebuilt")
        table = columns(warehouse, "delivery_outcomes")
        assert columns(warehouse, "stg_cafe24_outcomes") == table
        assert columns(warehouse, "stg_infobank_outcomes") == table
        assert columns(warehouse, "delivery_outcomes_rebuilt") == table


def test_the_chunk_reports_hold_every_column_of_infobank_reports_but_the_load(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as warehouse:
        copy = tmp_path / "copy.txt"
        copy.write_text("msgid=1&err_code=1000\n", encoding="utf-8")
        warehouse.register("infobank_batch", _batch(str(copy)))
        warehouse.materialize("staging/stg_infobank_lines", paths=[str(copy)], json_files=[False])
        warehouse.materialize("intermediate/int_infobank_chunk_files", paths=[str(copy)])
        warehouse.define_view("intermediate/int_infobank_chunk_lines")
        warehouse.define_view("intermediate/int_infobank_chunk_reports")
        expected = sorted(set(columns(warehouse, "infobank_reports")) - {"load_id"})
        assert sorted(columns(warehouse, "int_infobank_chunk_reports")) == expected


def _batch(path: str) -> pa.Table:
    return pa.table(
        {
            "path": [path],
            "file_id": ["f"],
            "source_file": ["a.txt"],
            "first_line": [1],
            "expected_lines": [1],
            "modified_at": pa.array(
                [datetime(2026, 10, 3, tzinfo=KST)], type=pa.timestamp("us", tz="Asia/Seoul")
            ),
            "name_rank": [1],
        }
    )
