"""Benchmark: Cafe24 ingestion of 140,000 messages over 4 weeks, against the simulator in its own process.

Prints, for 0 ms and 50 ms of latency per request: requests made against the minimum, wall time, rows/s,
client CPU and peak memory of the pipeline, next to a bare loop that only fetches and parses the same pages
(0 ms only: at 50 ms a sequential loop would take minutes and says nothing new).
Targets (issue 2): exactly the minimum requests; at 0 ms within 1.5x of the bare loop;
at 50 ms at most 1.2 x requests x 50 ms / concurrency.

    .venv/bin/python bench/cafe24_ingest.py [--per-day 5000] [--days 28] [--concurrency 8]
"""

import argparse
import math
import sys
import tempfile
import time
from datetime import date, timedelta
from multiprocessing import Queue
from pathlib import Path

import urllib3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assets.resources import WarehouseResource  # noqa: E402
from bench.measure import in_child, peak_mib, start_simulator  # noqa: E402
from pipelines.cafe24.answer import parse_answer  # noqa: E402
from pipelines.cafe24.client import ClientConfig, SmsListClient  # noqa: E402
from pipelines.cafe24.ingest import ingest_cafe24  # noqa: E402
from pipelines.cafe24.windows import SmsType, windows_for_range  # noqa: E402
from pipelines.simulator import synthetic_cafe24_traffic  # noqa: E402

ACCOUNT = "bench"
SECURE = "bench-secure"
LAST_DAY = date(2026, 10, 31)


def minimum_requests(days: int, per_day: int) -> tuple[int, int]:
    """Rows and the fewest requests that can list them: max(1, ceil(rows/50)) per window and type."""
    first_day = LAST_DAY - timedelta(days=days - 1)
    traffic = synthetic_cafe24_traffic(first_day, days, per_day=per_day)
    total_rows = total_requests = 0
    for window in windows_for_range(first_day, LAST_DAY):
        for sms_type in SmsType:
            rows = sum(
                1 for m in traffic if m.sms_type == sms_type.name and window.contains(m.send_at.date())
            )
            total_rows += rows
            total_requests += max(1, math.ceil(rows / 50))
    return total_rows, total_requests


def run_pipeline(url: str, days: int, concurrency: int, results: Queue) -> None:
    first_day = LAST_DAY - timedelta(days=days - 1)
    config = ClientConfig(url=url, user_id=ACCOUNT, secure=SECURE, concurrency=concurrency)
    with tempfile.TemporaryDirectory() as folder:
        warehouse = WarehouseResource(database=str(Path(folder) / "bench.duckdb"))
        with SmsListClient(config) as client, warehouse.open() as wh:
            cpu, wall = time.process_time(), time.perf_counter()
            stats = ingest_cafe24(client, wh, first_day, LAST_DAY, lookback_days=0)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    results.put(
        {"requests": stats.requests, "rows": stats.rows_new, "wall": wall, "cpu": cpu, "peak": peak_mib()}
    )


def run_bare_loop(url: str, days: int, results: Queue) -> None:
    """Fetch and parse every page of every window, one after another, over the same HTTP library as the
    client (urllib3): no retries, no warehouse."""
    first_day = LAST_DAY - timedelta(days=days - 1)
    http, rows, requests_made = urllib3.PoolManager(), 0, 0
    cpu, wall = time.process_time(), time.perf_counter()
    for window in windows_for_range(first_day, LAST_DAY):
        for sms_type in SmsType:
            start = 0
            while True:
                form = {"user_id": ACCOUNT, "secure": SECURE, "smsType": sms_type.value,
                        **window.form_fields(), "startNo": str(start), "displayNo": "50"}  # fmt: skip
                answer = http.request("POST", url, fields=form, encode_multipart=False, timeout=30)
                page = parse_answer(answer.data)
                requests_made += 1
                rows += len(page.records)
                start += 50
                if len(page.records) < 50 or start >= (page.total_count or 0):
                    break
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    results.put({"requests": requests_made, "rows": rows, "wall": wall, "cpu": cpu, "peak": peak_mib()})


def line(name: str, figures: dict) -> str:
    return (
        f"{name:<26} requests {figures['requests']:>5}  wall {figures['wall']:7.2f} s  "
        f"rows/s {figures['rows'] / figures['wall']:>9,.0f}  cpu {figures['cpu']:6.2f} s  "
        f"peak {figures['peak']:6.0f} MiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--per-day", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    rows, minimum = minimum_requests(args.days, args.per_day)
    print(
        f"{rows:,} messages over {args.days} days; minimum requests {minimum}; concurrency {args.concurrency}"
    )
    verdicts = []
    for latency_ms in (0, 50):
        simulator, url = start_simulator(args.days, args.per_day, latency_ms, LAST_DAY, ACCOUNT, SECURE)
        try:
            ours = in_child(run_pipeline, url, args.days, args.concurrency)
            print(line(f"pipeline @ {latency_ms} ms", ours))
            verdicts.append((f"requests @ {latency_ms} ms == minimum", ours["requests"] == minimum))
            verdicts.append((f"rows @ {latency_ms} ms == messages", ours["rows"] == rows))
            if latency_ms == 0:
                bare = in_child(run_bare_loop, url, args.days)
                print(line("bare fetch+parse @ 0 ms", bare))
                ratio = ours["wall"] / bare["wall"]
                verdicts.append((f"0 ms: {ratio:.2f}x of the bare loop <= 1.5x", ratio <= 1.5))
            else:
                bound = 1.2 * ours["requests"] * latency_ms / 1000 / args.concurrency
                verdicts.append((f"50 ms: {ours['wall']:.2f} s <= {bound:.2f} s", ours["wall"] <= bound))
        finally:
            simulator.terminate()
            simulator.wait()
    for name, passed in verdicts:
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(passed for _, passed in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
