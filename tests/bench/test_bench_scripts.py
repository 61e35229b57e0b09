"""The benchmark scripts still run end to end, on inputs small enough for the test suite.

Their figures are not checked here (speed is measured by running them in full, see bench/); only that each
measures what it says and accounts for every row or line."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Exit 1 means a speed target was missed, which small inputs may well do; anything else is a crash.
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("script", "per_day", "complete"),
    [
        ("infobank_ingest.py", "300", "PASS  every line accounted for"),
        ("cafe24_ingest.py", "120", "PASS  rows @ 50 ms == messages"),
    ],
)
def test_a_benchmark_accounts_for_every_row(script, per_day, complete):
    output = run_bench(script, "--days", "2", "--per-day", per_day)
    assert complete in output
    assert "FAIL  requests" not in output and "FAIL  rows" not in output


def test_the_infobank_floor_reads_back_every_line():
    output = run_bench("infobank_floor.py", "--days", "2", "--per-day", "300")
    store_line = next(line for line in output.splitlines() if line.startswith("store:"))
    written, read_back = (part.split()[0] for part in store_line.removeprefix("store: ").split(", ")[:2])
    assert written == read_back
    assert "floor: write the reports only" in output


def test_the_receiver_benchmark_acknowledges_every_report():
    output = run_bench("receiver.py", "--reports", "200")
    assert "PASS  every report acknowledged" in output
    levels = [line.split()[0] for line in output.splitlines() if line.split() and line.split()[0].isdigit()]
    assert levels == ["1", "16", "64"]


def test_the_whole_run_benchmark_stores_every_message_and_line_and_prints_both_floors():
    output = run_bench(
        "pipeline_run.py", "--days", "2", "--per-day", "60", "--lines", "3000", "--skip", "history", "naive"
    )
    for verdict in (
        "PASS  Cafe24 @ 0 ms: every message stored",
        "PASS  Cafe24 @ 50 ms: every message stored",
        "PASS  Infobank: every line read",
    ):
        assert verdict in output, output
    assert "floor: bare sequential @ 0 ms" in output and "the same with xmltodict @ 0 ms" in output
