"""Benchmark: the floor under the Infobank ingestion, next to the ingestion itself, on the same store.

Two steps every way of ingesting the store into the warehouse must take, each measured alone in DuckDB:
reading the lines (no parsing), and writing the parsed reports, already in memory, into a table shaped
like infobank_reports and committing them (no reading, parsing or deduplication). Their sum, against the
10 s that 500,000 lines/s allows for 5 million lines, says how much room is left for parsing ten
parameters out of every line. The gzip files are decompressed beforehand for the read, which favours the
floor.

    .venv/bin/python bench/infobank_floor.py [--days 28] [--per-day 119200]
"""

import gzip
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assets.resources import WarehouseResource  # noqa: E402
from bench.infobank_store import TARGET_LINES_PER_SECOND, store_arguments, write_bench_store  # noqa: E402
from pipelines.infobank.ingest import ingest_infobank  # noqa: E402

T = TypeVar("T")


def plain_copies(store: Path, target: Path) -> list[str]:
    """Every report file of `store` as plain text under `target`."""
    paths = []
    for path in sorted(store.iterdir()):
        copy = target / path.name.removesuffix(".gz")
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as source, copy.open("wb") as plain:
            shutil.copyfileobj(source, plain, 2**20)
        paths.append(str(copy))
    return paths


def timed(step: Callable[[], T]) -> tuple[T, float, float]:
    """What `step` returned, with the wall and CPU seconds it took."""
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - started_wall, time.process_time() - started_cpu


def main() -> int:
    args = store_arguments(__doc__)
    with tempfile.TemporaryDirectory() as scratch:
        store, plain = Path(scratch) / "store", Path(scratch) / "plain"
        store.mkdir()
        plain.mkdir()
        truth = write_bench_store(store, args)
        paths = plain_copies(store, plain)
        warehouse = WarehouseResource(database=str(Path(scratch) / "floor.duckdb"))
        with warehouse.open() as wh:
            stats, ingest_wall, ingest_cpu = timed(lambda: ingest_infobank(wh, store))
            (lines, _), read_wall, read_cpu = timed(lambda: wh.rows("bench/read_lines", paths=paths)[0])

            wh.run("bench/hold_reports")

            def copy_reports() -> None:
                with wh.transaction():
                    wh.run("bench/copy_reports")

            _, write_wall, write_cpu = timed(copy_reports)
            wh.run("bench/drop_copies")
    reports = stats.reports_accepted + stats.retries
    budget = truth.lines / TARGET_LINES_PER_SECOND
    print(f"store: {truth.lines:,} lines, {lines:,} read back; {reports:,} reports")
    for name, wall, cpu in (
        ("whole ingestion (pipeline)", ingest_wall, ingest_cpu),
        ("floor: read the lines only", read_wall, read_cpu),
        ("floor: write the reports only", write_wall, write_cpu),
    ):
        print(f"{name:<32} wall {wall:7.2f} s  cpu {cpu:7.2f} s  lines/s {truth.lines / wall:>11,.0f}")
    floor = read_wall + write_wall
    print(
        f"read + write alone: {floor:.2f} s of the {budget:.2f} s that {TARGET_LINES_PER_SECOND:,} lines/s "
        f"allows, leaving {budget - floor:.2f} s to parse {truth.lines:,} lines "
        f"({(budget - floor) / truth.lines * 1e6:.2f} us per line on 2 cores)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
