"""The business-rule mutations of `make mutate` still find their rules after SQL moves between files."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_sql_mutation_finds_its_line_exactly_once() -> None:
    result = subprocess.run(
        [sys.executable, "tests/mutation/run_sql_mutations.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = tomllib.loads((ROOT / "tests/mutation/sql_mutations.toml").read_text(encoding="utf-8"))
    assert f"all {len(listed['mutation'])} mutations apply to the working tree" in result.stdout
