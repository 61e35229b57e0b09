"""Benchmark: the Infobank report receiver, durability on, at 1, 16 and 64 concurrent connections.

For each level a fresh receiver (`python -m pipelines receive`, its own process, writing and syncing to a
folder on disk) takes `--reports` synthetic reports from the simulator's pusher (pipelines/simulator/
pusher.py) running in this process on the same machine. Prints per level: requests, acknowledged reports,
wall time, acknowledged reports/s, p50 and p99 answer time, reports per sync (the grouped fsync at work),
the receiver's CPU time per report (microseconds; 10^6 / it is what one free core could take), and the
peak memory of the receiver and of the load generator.
Target (issue 12): at 64 connections at least 2,000 acknowledged reports/s with p99 under 100 ms.
Exit 1 when the target is missed.

    .venv/bin/python bench/receiver.py [--reports 20000] [--levels 1,16,64] [--dir FOLDER]
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import peak_mib  # noqa: E402
from pipelines.simulator.pusher import InfobankPusher, PushSummary, Report, start_receiver_process  # noqa: E402

TARGET_RATE = 2000
TARGET_P99_MS = 100
WARM_UP = 50


def synthetic_reports(count: int, offset: int) -> list[Report]:
    """Distinct reports shaped like Infobank's (VENDORS.md section 2)."""
    return [
        Report(
            f"msgid={offset + n:010d}&to=10{n % 10**8:08d}&to_country=82&ref=AA{n}&network=45008&rescnt=1"
            f"&err_code=1000&sent_date=20261201120000"
        )
        for n in range(count)
    ]


def receiver_peak_mib(pid: int) -> float:
    """The receiver process's peak resident memory so far (VmHWM), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def receiver_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) the receiver process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(connections: int, reports: int, folder: Path) -> tuple[PushSummary, float, float, int, float]:
    """One level: returns what the push did, the receiver's peak MiB, the generator's, the syncs made and
    the receiver's CPU seconds during the measured push."""
    receiver, url = start_receiver_process(folder, stderr=subprocess.PIPE)
    try:
        with InfobankPusher(url, connections=connections, timeout=10) as pusher:
            pusher.push(synthetic_reports(WARM_UP, 10**9))
            cpu = receiver_cpu_seconds(receiver.pid)
            summary = pusher.push(synthetic_reports(reports, connections * 10**7))
            cpu = receiver_cpu_seconds(receiver.pid) - cpu
        memory = receiver_peak_mib(receiver.pid)
    finally:
        receiver.send_signal(signal.SIGTERM)
        _, log = receiver.communicate(timeout=60)
    stopped = re.search(r"stopped: (\d+) reports stored with (\d+) syncs", log)
    syncs = int(stopped.group(2)) if stopped else 0
    return summary, memory, peak_mib(), syncs, cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=20_000, help="reports per level (default 20,000)")
    parser.add_argument(
        "--levels", default="1,16,64", help="concurrent connections per level (default 1,16,64)"
    )
    parser.add_argument("--dir", type=Path, help="where the receivers write (default: a temporary folder)")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        print(f"receiver store: {scratch} (each report synced before its answer); cores: {os.cpu_count()}")
        print(
            f"{'connections':>11} {'requests':>9} {'acked':>9} {'wall s':>7} {'reports/s':>10} {'p50 ms':>7} "
            f"{'p99 ms':>7} {'per sync':>8} {'CPU us':>7} {'receiver MiB':>12} {'generator MiB':>13}"
        )
        figures = {}
        for level in levels:
            summary, receiver_mib, generator_mib, syncs, cpu = measure(
                level, args.reports, Path(scratch) / str(level)
            )
            rate = summary.acknowledged_count / summary.seconds
            p50, p99 = summary.answer_percentile(50) * 1000, summary.answer_percentile(99) * 1000
            per_sync = (summary.acknowledged_count + WARM_UP) / syncs if syncs else float("nan")
            figures[level] = (summary, rate, p99)
            acked = summary.acknowledged_count
            cpu_us = cpu / max(acked, 1) * 1e6
            print(
                f"{level:>11} {summary.requests:>9,} {acked:>9,} {summary.seconds:>7.2f} {rate:>10,.0f}"
                f" {p50:>7.1f} {p99:>7.1f} {per_sync:>8.1f} {cpu_us:>7.0f} {receiver_mib:>12.1f} "
                f"{generator_mib:>13.1f}"
            )
    complete = all(summary.acknowledged_count == summary.reports for summary, _, _ in figures.values())
    print(f"{'PASS' if complete else 'FAIL'}  every report acknowledged")
    passed = complete
    if 64 in figures:
        _, rate, p99 = figures[64]
        met = rate >= TARGET_RATE and p99 < TARGET_P99_MS
        target = f">= {TARGET_RATE:,} reports/s and p99 < {TARGET_P99_MS} ms"
        print(f"{'PASS' if met else 'FAIL'}  64 connections: {target}")
        passed = passed and met
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
