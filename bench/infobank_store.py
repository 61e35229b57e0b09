"""The Infobank benchmarks' report store: its size on the command line, and writing it."""

import argparse
from datetime import date
from pathlib import Path

from pipelines.simulator import write_infobank_store
from pipelines.simulator.infobank_store import StoreTruth

FIRST_DAY = date(2026, 10, 1)
FILES_PER_DAY = 2
TARGET_LINES_PER_SECOND = 500_000  # issue 3's speed target


def store_arguments(description: str) -> argparse.Namespace:
    """--days and --per-day; the defaults give about 5 million lines."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--per-day", type=int, default=119_200)
    return parser.parse_args()


def write_bench_store(folder: Path, arguments: argparse.Namespace) -> StoreTruth:
    """The synthetic store the arguments ask for, written into `folder`."""
    return write_infobank_store(
        folder, FIRST_DAY, arguments.days, per_day=arguments.per_day, files_per_day=FILES_PER_DAY
    )
