"""The Infobank parse has a fast way to every parameter of a query string (the string turned into a JSON
object) and a slow way for the lines the fast way cannot take (a search for `&name=`). Both must read every
line shape alike; here arbitrary query strings go through the staging relation, and each field is held to
the slow way's reading of the same line."""

import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.warehouse import open_warehouse

FIELDS = ("msgid", "to", "to_country", "ref", "network", "rescnt", "err_code", "sent_date", "rslt_type")
COLUMNS = dict(zip(FIELDS, (*FIELDS[:1], "to_number", *FIELDS[2:]), strict=True))
# Characters that steer a line to one way or the other, or change a value: separators, JSON's own quote and
# escape, URL escapes, spaces (trimmed) and a character outside ASCII.
value_text = st.text(alphabet='ab1=&"\\%2B+ 가', max_size=8)
names = st.sampled_from([*FIELDS, "msgidx", "x", ""])
part = st.one_of(
    st.builds(lambda name, value: f"{name}={value}", names, value_text),
    names,
    st.builds(lambda name, a, b: f"{name}={a}={b}", names, value_text, value_text),
)
query_string = (
    st.lists(part, max_size=12)
    .map("&".join)
    .filter(
        # The line reader turns these into markers before the parse (lines.py); a leading '{' would be JSON.
        lambda q: not any(c in q for c in "\t\r\n\x00\x01") and q.strip()
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries=st.lists(query_string, min_size=1, max_size=25))
def test_the_fast_and_slow_ways_read_every_query_string_alike(queries: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.txt"
        copy.write_text("".join(f"{q}\n" for q in queries), encoding="utf-8")
        with open_warehouse(Path(folder) / "w.duckdb") as warehouse:
            warehouse.materialize("staging/stg_infobank_lines", paths=[str(copy)], json_files=[False])
            warehouse.register("queries", pa.table({"n": list(range(len(queries))), "query": queries}))
            # The slow way alone, on the same text (no '?' and no tab: the whole line is the query).
            slow_fields = ", ".join(
                f"infobank_value(infobank_query_value(query, '{name}'), true, false) AS {COLUMNS[name]}"
                for name in FIELDS
                if name != "rescnt"
            )
            fast = warehouse.connection.execute(
                "SELECT rowid, msgid, to_number, to_country, ref, network, err_code, sent_date, rslt_type, "
                "reject_reason FROM stg_infobank_lines ORDER BY rowid"
            ).fetchall()
            slow = warehouse.connection.execute(f"SELECT n, {slow_fields} FROM queries ORDER BY n").fetchall()
    assert len(fast) == len(queries)
    for (row, *fast_values, reason), (n, *slow_values) in zip(fast, slow, strict=True):
        assert row == n
        assert fast_values == slow_values, (queries[n], reason)
