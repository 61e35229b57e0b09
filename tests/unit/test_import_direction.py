"""Imports go one way: the library in pipelines/ knows nothing of Dagster or of assets/; only the entry points
(the CLI behind `python -m pipelines` and the code location workspace.yaml names) sit on top of both."""

import ast
from pathlib import Path

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"
ENTRY_POINTS = {"__main__.py", "cli.py", "run.py", "definitions.py"}
DAGSTER_SIDE = ("dagster", "dagster_duckdb", "assets")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_library_modules_import_neither_dagster_nor_assets():
    offenders = {}
    for path in PIPELINES.rglob("*.py"):
        if path.parent == PIPELINES and path.name in ENTRY_POINTS:
            continue
        dagster_side = {m for m in imported_modules(path) if m.split(".")[0] in DAGSTER_SIDE}
        if dagster_side:
            offenders[str(path.relative_to(PIPELINES))] = sorted(dagster_side)
    assert offenders == {}


def test_the_entry_points_are_the_only_modules_allowed_on_top():
    assert {path.name for path in PIPELINES.glob("*.py")} >= ENTRY_POINTS
