"""What every benchmark needs: each measurement in a fresh process, and that process's peak memory."""

import multiprocessing
import os
import queue
import resource
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB. Linux's VmHWM where there is one: ru_maxrss is
    carried over from the parent into a spawned child (across exec), so a child's figure would be at least
    its parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(target: Callable[..., None], *args: Any) -> dict[str, Any]:
    """Run `target(*args, results)` in a fresh process, so each peak memory is its own; return what it put."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=target, args=(*args, results))
    process.start()
    while True:
        try:
            figures = results.get(timeout=1)
            break
        except queue.Empty:
            if not process.is_alive():
                raise RuntimeError(f"{target.__name__} died (exit code {process.exitcode})") from None
    process.join()
    return figures


def start_simulator(
    days: int, per_day: int, latency_ms: float, last_day: date, account: str, secure: str
) -> tuple[subprocess.Popen, str]:
    """The sms_list simulator in a process of its own, serving `days` of synthetic traffic up to `last_day`;
    returns the process and its URL."""
    command = [
        sys.executable, "-m", "pipelines.simulator", "--days", str(days), "--last-day", last_day.isoformat(),
        "--per-day", str(per_day), "--user-id", account, "--latency-ms", str(latency_ms),
    ]  # fmt: skip
    env = {**os.environ, "CAFE24_SMS_SECURE": secure}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith("SIMULATOR_URL="):
        process.kill()
        raise RuntimeError(f"the simulator did not start: {line!r}")
    return process, line.split("=", 1)[1]
