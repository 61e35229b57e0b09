"""Benchmark: what DuckDB on one machine holds. A warehouse of --messages messages (default 50 million):
its size on disk, the daily run on it, and an analyst's query over its whole history.

The warehouse is made the quick way, not by ingesting years of traffic: a first load of a generated Infobank
store (--lines stored report lines over 28 days, about 1.33 million messages per 2 million lines) through the
pipeline, then copies of that history by SQL (sql/bench/replicate_*.sql), each moved 28 days further back
with message ids of its own, until the warehouse holds --messages messages (about three years at 50
million). Reports, outcomes, their final statuses, finance findings, the report tables and the days' report
builds are copied; the days' exports are not, so the first run after the copies writes their files.

Then, each in a fresh process as a user waits for it:
1. the first run after the copies: a one-day Cafe24 run that also writes every month of the analysts'
   copy (its previous version is removed, as it lacks the copied months) and the copied days' files;
2. the next morning's run (the next day: its new messages, the lookback's days read again), against the
   same two runs on an empty warehouse;
3. the monthly delivery rate per vendor and carrier over the whole history, from delivery_outcomes (every
   message) and from report_delivery_daily; both must give the same figures.

    .venv/bin/python bench/large_warehouse.py [--messages 50000000] [--lines 2000000] [--keep FOLDER]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline_run import (  # noqa: E402
    INFOBANK_FIRST_DAY,
    LAST_DAY,
    MEMORY_LIMIT,
    cafe24_settings,
    environment,
    serve,
    show,
    timed_cli,
)
from pipelines.simulator import write_infobank_store  # noqa: E402
from pipelines.warehouse import open_warehouse  # noqa: E402

SHIFT_DAYS = 28  # the store's span: copy k is moved k x 28 days back
REPLICATED = (
    "infobank_stored_files",
    "infobank_reports",
    "delivery_outcomes",
    "delivery_outcome_finals",
    "finance_findings",
    "report_delivery_daily",
    "report_failure_reasons_daily",
    "report_refunds_daily",
    "report_billing_daily",
    "report_day_builds",
)
QUERY_RUNS = 3


def count_messages(path: Path) -> int:
    with open_warehouse(path) as warehouse:
        return warehouse.rows("bench/message_count")[0][0]


def replicate(path: Path, copies: int, memory_limit: str) -> float:
    """Add `copies` moved copies of the warehouse's history in one transaction; the seconds it took."""
    started = time.perf_counter()
    with open_warehouse(path, memory_limit=memory_limit) as warehouse:
        with warehouse.transaction():
            for table in REPLICATED:
                table_started = time.perf_counter()
                warehouse.run(f"bench/replicate_{table}", copies=copies, shift_days=SHIFT_DAYS)
                print(f"  copied {table} in {time.perf_counter() - table_started:.1f} s", flush=True)
        warehouse.connection.execute("CHECKPOINT")
    return time.perf_counter() - started


def size_on_disk(path: Path) -> str:
    with open_warehouse(path) as warehouse:
        size, used, total, wal = warehouse.rows("bench/database_size")[0]
    return f"{path.stat().st_size / 2**30:.2f} GiB file ({size} in {used:,} of {total:,} blocks; WAL {wal})"


def timed_query(path: Path, name: str) -> tuple[float, list[tuple]]:
    """The median of QUERY_RUNS runs of `sql/bench/<name>.sql` on a fresh connection, and its rows."""
    seconds = []
    with open_warehouse(path) as warehouse:
        for _ in range(QUERY_RUNS):
            started = time.perf_counter()
            rows = warehouse.rows(f"bench/{name}")
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=50_000_000, help="messages the warehouse holds")
    parser.add_argument("--lines", type=int, default=2_000_000, help="Infobank lines of the first load")
    parser.add_argument("--keep", type=Path, help="make everything in this folder and keep it")
    parser.add_argument(
        "--copy-memory-limit", default="12GB", help="DuckDB's memory limit while the history is copied"
    )
    parser.add_argument(
        "--memory-limit", help="SMS_WAREHOUSE_MEMORY_LIMIT for the pipeline's runs (default: the pipeline's)"
    )
    args = parser.parse_args()
    if args.memory_limit:
        MEMORY_LIMIT["SMS_WAREHOUSE_MEMORY_LIMIT"] = args.memory_limit
    scratch = None if args.keep else tempfile.TemporaryDirectory(prefix="bench-large-")
    root = args.keep or Path(scratch.name)
    root.mkdir(parents=True, exist_ok=True)
    try:
        store, large, empty = root / "store", root / "large", root / "empty"
        for folder in (store, large, empty):
            shutil.rmtree(folder, ignore_errors=True)
        per_day = max(round(args.lines / 28 / 1.5), 1)
        truth = write_infobank_store(store, INFOBANK_FIRST_DAY, 28, per_day=per_day, files_per_day=2)
        print(f"Infobank store: {truth.lines:,} lines, {truth.messages:,} messages")
        first_load = timed_cli(environment(large, INFOBANK_REPORTS_DIR=str(store)), LAST_DAY, LAST_DAY)
        show("first load", first_load, "lines")
        database = large / "warehouse.duckdb"
        loaded = count_messages(database)
        copies = max(-(-args.messages // loaded) - 1, 0)
        seconds = replicate(database, copies, args.copy_memory_limit)
        held = count_messages(database)
        print(f"history: {copies} copies in {seconds:.1f} s; the warehouse holds {held:,} messages")
        print(f"size on disk: {size_on_disk(database)}")
        shutil.rmtree(large / "analytics", ignore_errors=True)  # its months predate the copies

        process, url = serve(4, 230, 0)
        try:
            runs = {}
            nothing = root / "no-reports"
            nothing.mkdir(exist_ok=True)
            for name, folder, reports in (("empty", empty, nothing), ("large", large, store)):
                env = environment(folder, **cafe24_settings(url, 3), INFOBANK_REPORTS_DIR=str(reports))
                day_before = LAST_DAY - timedelta(days=1)
                show(f"first one-day run, {name} warehouse", timed_cli(env, day_before, day_before))
                runs[name] = timed_cli(env, LAST_DAY, LAST_DAY)  # a new day's messages
                show(f"next morning's run, {name} warehouse", runs[name])
        finally:
            process.terminate()
            process.wait()
        print(f"size on disk after the runs: {size_on_disk(database)}")
        outcomes_seconds, from_outcomes = timed_query(database, "monthly_delivery_rate")
        reported_seconds, from_reports = timed_query(database, "monthly_delivery_rate_reported")
        print(
            f"monthly delivery rate over {len(from_outcomes)} month x vendor x carrier rows: "
            f"{outcomes_seconds:.2f} s from delivery_outcomes, {reported_seconds:.3f} s from "
            f"report_delivery_daily (medians of {QUERY_RUNS})"
        )
        verdicts = [
            (f"the warehouse holds at least {args.messages:,} messages", held >= args.messages),
            ("both queries give the same figures", _same_figures(from_outcomes, from_reports)),
            (
                "the next morning's run on it at most 1.3x the empty warehouse's",
                runs["large"]["wall"] <= 1.3 * runs["empty"]["wall"],
            ),
        ]
    finally:
        if scratch is not None:
            scratch.cleanup()
    for name, passed in verdicts:
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(passed for _, passed in verdicts) else 1


def _same_figures(one: list[tuple], other: list[tuple]) -> bool:
    """Equal rows, rates compared to 1e-9 (sums in another order)."""
    if len(one) != len(other):
        return False
    for left, right in zip(one, other, strict=True):
        (*key, rate), (*other_key, other_rate) = left, right
        if key != other_key or (rate is None) != (other_rate is None):
            return False
        if rate is not None and abs(rate - other_rate) > 1e-9:
            return False
    return True


if __name__ == "__main__":
    sys.exit(main())
