"""The files one report table is exported as: the CSV exactly as a spreadsheet receives it, and the
Parquet file with the table's columns only."""

import pandas as pd
import pyarrow.parquet as pq

from pipelines.exports import _write_table, neutralise_formulas

BOM = b"\xef\xbb\xbf"


def test_text_in_a_column_of_mixed_values_is_neutralised_and_the_other_values_kept():
    frame = pd.DataFrame({"mixed": ["=1+1", 2, None, "ok"]})
    assert neutralise_formulas(frame)["mixed"].tolist() == ["'=1+1", 2, None, "ok"]


def test_a_table_is_written_as_a_csv_without_index_and_a_parquet_file_of_its_columns(tmp_path):
    frame = pd.DataFrame({"vendor": ["=cafe24", "infobank"], "messages": [3, 4]})
    csv_path, parquet_path = _write_table(tmp_path, "report_x", frame)
    assert (csv_path.name, parquet_path.name) == ("report_x.csv", "report_x.parquet")
    assert csv_path.read_bytes() == BOM + b"vendor,messages\r\n'=cafe24,3\r\ninfobank,4\r\n"
    assert pq.read_schema(parquet_path).names == ["vendor", "messages"]
    pd.testing.assert_frame_equal(pd.read_parquet(parquet_path), frame)
