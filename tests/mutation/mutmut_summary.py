"""Sum up what mutmut found, per module: killed, survived, explained, timeout, no tests, and the survivors.

mutmut 3 keeps each mutant's result in mutants/<path>.meta; `mutmut results` lists them one by one. This
prints the figures `make mutate` reports. Mutants not checked yet (outside the MUTANTS selection of the
run) are counted apart and left out of the rates.

A survivor is "explained" when docs/mutation-testing.md lists it as an equivalent mutant: a table row whose
first cell is the mutant's name in backticks and one of whose cells is exactly `equivalent`. Such a
survivor is counted apart from the others and not listed again.

    .venv/bin/python tests/mutation/mutmut_summary.py [--mutants mutants] [--explained DOC] [--no-survivors]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from mutmut.stats import status_by_exit_code

REPO = Path(__file__).resolve().parents[2]
COLUMNS = ("killed", "survived", "explained", "timeout", "no tests", "other", "not checked")
_EXPLAINED_ROW = re.compile(r"^\|\s*`(?P<name>pipelines\.[^`]+)`\s*\|(?P<rest>.*)$")


def explained_mutants(doc: Path) -> set[str]:
    """The mutants the doc's tables call equivalent (see the module docstring)."""
    if not doc.exists():
        return set()
    names = set()
    for line in doc.read_text(encoding="utf-8").splitlines():
        row = _EXPLAINED_ROW.match(line.strip())
        if row and "equivalent" in (cell.strip() for cell in row["rest"].split("|")):
            names.add(row["name"])
    return names


def _column(exit_code: int | None) -> str:
    status = status_by_exit_code[exit_code]
    return status if status in COLUMNS else "other"


def results(mutants: Path, explained: set[str] = frozenset()) -> dict[str, dict[str, str]]:
    """Every mutant's status, by module (pipelines/reports.py -> pipelines.reports); a survivor in
    `explained` has the status "explained"."""
    found: dict[str, dict[str, str]] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        module = meta.relative_to(mutants).as_posix().removesuffix(".py.meta").replace("/", ".")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        found[module] = {name: _column(code) for name, code in codes.items()}
        for name, status in found[module].items():
            if status == "survived" and name in explained:
                found[module][name] = "explained"
    return found


def kill_rate(counts: Counter[str]) -> float | None:
    """Killed (a timeout counts as killed) over the mutants that tests ran against (explained survivors
    included: they survived)."""
    caught = counts["killed"] + counts["timeout"]
    judged = caught + counts["survived"] + counts["explained"]
    return 100.0 * caught / judged if judged else None


def killed_or_explained_rate(counts: Counter[str]) -> float | None:
    """Killed, timed out or explained over every mutant checked (no tests and other included)."""
    checked = sum(counts[column] for column in COLUMNS if column != "not checked")
    caught = counts["killed"] + counts["timeout"] + counts["explained"]
    return 100.0 * caught / checked if checked else None


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0f}%"


def print_table(by_module: dict[str, dict[str, str]]) -> Counter[str]:
    width = max([len(module) for module in by_module] + [len("total")])
    header = "".join(f"{column:>13s}" for column in COLUMNS)
    print(f"{'module':{width}s}{header}{'kill rate':>11s}{'killed or explained':>21s}")
    total: Counter[str] = Counter()
    for module, statuses in by_module.items():
        counts = Counter(statuses.values())
        total.update(counts)
        _print_row(module, counts, width)
    _print_row("total", total, width)
    return total


def _print_row(name: str, counts: Counter[str], width: int) -> None:
    cells = "".join(f"{counts[column]:13d}" for column in COLUMNS)
    print(
        f"{name:{width}s}{cells}{_rate(kill_rate(counts)):>11s}{_rate(killed_or_explained_rate(counts)):>21s}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=Path, default=REPO / "mutants", help="mutmut's working folder")
    parser.add_argument(
        "--explained",
        type=Path,
        default=REPO / "docs" / "mutation-testing.md",
        help="the doc whose tables name the equivalent survivors",
    )
    parser.add_argument("--no-survivors", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    by_module = results(args.mutants, explained_mutants(args.explained))
    if not by_module:
        print(f"no mutmut results in {args.mutants}: run `make mutate` first")
        return 1
    print_table(by_module)
    if not args.no_survivors:
        survivors = [
            name for statuses in by_module.values() for name, s in statuses.items() if s == "survived"
        ]
        print(
            f"\nmutmut survivors not explained ({len(survivors)}; see one with `.venv/bin/mutmut show NAME`):"
        )
        for name in survivors:
            print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
