"""Benchmark: ingest ~5 million stored Infobank report lines, next to a plain Python baseline.

The pipeline's ingestion (DuckDB reading and parsing the files in SQL) and a baseline that parses each
line with urllib.parse.parse_qsl (json.loads for .jsonl) into a pandas DataFrame run on the same store in
the same run, each in its own process so each peak memory is its own. Prints lines/s, wall time and
peak memory, and the load average around them (the machine's two cores are shared). Targets (issue 3):
at least 500,000 lines/s, at least 7x the baseline, peak under 2 GiB. Where the time goes, statement by
statement: docs/infobank-ingestion.md.

    .venv/bin/python bench/infobank_ingest.py [--days 28] [--per-day 119200]
"""

import gzip
import json
import os
import sys
import tempfile
import time
from multiprocessing import Queue
from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assets.resources import WarehouseResource  # noqa: E402
from bench.infobank_store import TARGET_LINES_PER_SECOND, store_arguments, write_bench_store  # noqa: E402
from bench.measure import in_child, peak_mib  # noqa: E402
from pipelines.infobank.ingest import ingest_infobank  # noqa: E402


def run_pipeline(folder: str, results: Queue) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        warehouse = WarehouseResource(database=str(Path(scratch) / "bench.duckdb"))
        with warehouse.open() as wh:
            started = time.perf_counter()
            stats = ingest_infobank(wh, Path(folder))
            wall = time.perf_counter() - started
    results.put({"lines": stats.lines_read, "wall": wall, "peak": peak_mib(), "balanced": stats.balanced})


def _baseline_rows(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    is_json = path.name.removesuffix(".gz").endswith(".jsonl")
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line:
                continue
            if is_json:
                try:
                    yield json.loads(line)
                except ValueError:
                    yield {"raw": line}
                continue
            received_at, _, query = line.rpartition("\t")
            row = dict(parse_qsl(query.partition("?")[2] if "?" in query else query))
            row["received_at"] = received_at or None
            yield row


def run_baseline(folder: str, results: Queue) -> None:
    """The plain way: parse_qsl per line into pandas; no validation, no dedup, no warehouse."""
    started = time.perf_counter()
    lines = 0
    frames = []
    for path in sorted(Path(folder).iterdir()):
        rows = list(_baseline_rows(path))
        lines += len(rows)
        frames.append(pd.DataFrame(rows))
    frame = pd.concat(frames, ignore_index=True)
    wall = time.perf_counter() - started
    results.put({"lines": lines, "wall": wall, "peak": peak_mib(), "rows": len(frame)})


def main() -> int:
    args = store_arguments(__doc__)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        truth = write_bench_store(Path(folder), args)
        size = sum(p.stat().st_size for p in Path(folder).iterdir()) / 2**20
        print(f"store: {truth.lines:,} lines in {len(truth.files)} files, {size:,.0f} MiB "
              f"(generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        # Two cores shared with other work: the load average says how much of them each run had.
        loads = [os.getloadavg()]
        ours = in_child(run_pipeline, folder)
        loads.append(os.getloadavg())
        base = in_child(run_baseline, folder)
        loads.append(os.getloadavg())
    print("load average (1, 5, 15 min) before the pipeline, after it, after the baseline: "
          + ", ".join(" ".join(f"{v:.2f}" for v in load) for load in loads))  # fmt: skip
    for name, figures in (("pipeline (DuckDB SQL)", ours), ("baseline (parse_qsl+pandas)", base)):
        per_second = figures["lines"] / figures["wall"]
        print(f"{name:<28} lines {figures['lines']:>10,}  wall {figures['wall']:7.2f} s  "
              f"lines/s {per_second:>11,.0f}  peak {figures['peak']:7.0f} MiB")  # fmt: skip
    rate = ours["lines"] / ours["wall"]
    speedup = (ours["lines"] / ours["wall"]) / (base["lines"] / base["wall"])
    complete = ours["balanced"] and ours["lines"] == truth.lines
    verdicts = [
        (f"every line accounted for ({ours['lines']:,} of {truth.lines:,})", complete),
        (f"{rate:,.0f} lines/s >= {TARGET_LINES_PER_SECOND:,}", rate >= TARGET_LINES_PER_SECOND),
        (f"{speedup:.1f}x the baseline >= 7x", speedup >= 7),
        (f"peak {ours['peak']:,.0f} MiB < 2048 MiB", ours["peak"] < 2048),
    ]  # fmt: skip
    for name, passed in verdicts:
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(passed for _, passed in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
