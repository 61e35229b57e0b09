"""Break the business rules one line at a time and check that the tests notice.

Reads the one-line mutations in sql_mutations.toml (file, exact original text, replacement, the rule it
breaks, the tests to run). For each: replace the original in the file, run the named tests with
`pytest -x -q` under a time limit, restore the file whatever happens (and check its bytes are back), and
print whether the mutation was killed (a test failed) or survived. Then the kill rate and the survivors.

Refuses to start when an original text is not found exactly once in its file (the working tree moved on and
the list needs updating), when a named test path is missing, or when an interrupted run left a file
mutated that cannot be restored safely. Before mutating, the named tests run once on the untouched tree:
a mutation whose tests already fail is skipped rather than counted as killed.

By default the files of this working tree are mutated in place. With --copy the tree is copied to a
temporary folder first and mutated there, so nothing that other people run here meanwhile sees a mutant.

    .venv/bin/python tests/mutation/run_sql_mutations.py [--copy] [--only ID ...] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parents[2]
DEFAULT_LIST = Path(__file__).with_name("sql_mutations.toml")
# What a copy of the tree needs to run the tests (--copy).
COPIED = ("pipelines", "assets", "sql", "tests", "pyproject.toml", "workspace.yaml")
# Where a run notes the file it has mutated, so that a run killed outright can be undone by the next one.
JOURNAL_DIR = ".mutation"
PYTEST = ("-m", "pytest", "-x", "-q", "-p", "no:cacheprovider")


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str
    original: str
    replacement: str
    rule: str
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    mutation: Mutation
    status: str  # killed, survived, timeout, error, skipped
    seconds: float
    detail: str = ""


def load_mutations(path: Path) -> list[Mutation]:
    """The [[mutation]] tables of `path`, in order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    mutations = []
    for entry in data.get("mutation", []):
        mutations.append(
            Mutation(
                id=entry["id"],
                file=entry["file"],
                original=entry["original"],
                replacement=entry["replacement"],
                rule=entry["rule"],
                tests=tuple(entry["tests"]),
            )
        )
    return mutations


def problems(tree: Path, mutations: Sequence[Mutation]) -> list[str]:
    """Why the mutations cannot run against `tree` as it is now (empty when they can)."""
    found: list[str] = []
    seen: set[str] = set()
    for m in mutations:
        where = f"{m.id} ({m.file})"
        if m.id in seen:
            found.append(f"{where}: the id is used twice")
        seen.add(m.id)
        if not m.original or "\n" in m.original or "\n" in m.replacement:
            found.append(f"{where}: original and replacement must be one line (original not empty)")
        if m.original == m.replacement:
            found.append(f"{where}: the replacement is the original")
        path = tree / m.file
        if not path.is_file():
            found.append(f"{where}: no such file")
        else:
            count = path.read_text(encoding="utf-8").count(m.original)
            if count != 1:
                state = "not found" if count == 0 else f"found {count} times"
                found.append(f"{where}: the expected original is {state} in the working tree: {m.original!r}")
        found.extend(f"{where}: no such test path {test}" for test in m.tests if not (tree / test).exists())
    return found


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.mutation-tmp")
    temporary.write_bytes(data)
    shutil.copymode(path, temporary)
    os.replace(temporary, path)


def recover(tree: Path) -> str | None:
    """Undo what a run killed outright (SIGKILL, power loss) left mutated in `tree`.

    Returns None when there was nothing to do or it was undone, else why it cannot be done safely."""
    journal = tree / JOURNAL_DIR / "journal.json"
    if not journal.exists():
        return None
    note = json.loads(journal.read_text(encoding="utf-8"))
    path = tree / note["file"]
    backup = tree / JOURNAL_DIR / "original"
    current = _digest(path.read_bytes()) if path.exists() else None
    if current == note["mutated_sha256"] and _digest(backup.read_bytes()) == note["original_sha256"]:
        _write_atomically(path, backup.read_bytes())
        os.utime(path, ns=(note["mtime_ns"], note["mtime_ns"]))
        print(f"restored {note['file']} from an interrupted run (mutation {note['id']})")
    elif current != note["original_sha256"]:
        return (
            f"an interrupted run left {journal.relative_to(tree)} for {note['file']}, which has changed "
            f"since: compare it with {backup.relative_to(tree)} by hand, then delete {JOURNAL_DIR}/"
        )
    shutil.rmtree(tree / JOURNAL_DIR)
    return None


@contextmanager
def mutated(tree: Path, mutation: Mutation) -> Iterator[None]:
    """`mutation` applied to its file in `tree` for the duration of the block; the original bytes (and
    modification time) are put back whatever happens, and checked."""
    path = tree / mutation.file
    before = path.read_bytes()
    stat = path.stat()
    after = before.decode("utf-8").replace(mutation.original, mutation.replacement, 1).encode("utf-8")
    journal = tree / JOURNAL_DIR
    journal.mkdir(exist_ok=True)
    (journal / "original").write_bytes(before)
    note = {
        "id": mutation.id,
        "file": mutation.file,
        "original_sha256": _digest(before),
        "mutated_sha256": _digest(after),
        "mtime_ns": stat.st_mtime_ns,
    }
    (journal / "journal.json").write_text(json.dumps(note), encoding="utf-8")
    try:
        _write_atomically(path, after)
        yield
    finally:
        _write_atomically(path, before)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        if path.read_bytes() != before:
            raise RuntimeError(f"{mutation.file} was not restored: see {JOURNAL_DIR}/original")
        shutil.rmtree(journal)


def run_pytest(tree: Path, arguments: Sequence[str], timeout: float) -> tuple[int | None, str]:
    """Run pytest in `tree` with `arguments`; its exit code (None on timeout) and output.

    pytest runs in its own process group, which is killed on timeout or when this script is stopped."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, *PYTEST, *arguments],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, output
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line
    return ""


def _module_file(tree: Path, dotted: str) -> str | None:
    """The test file a junit classname or collection-error name points into ("tests.rules.test_x.Class")."""
    parts = dotted.replace("/", ".").removesuffix(".py").split(".")
    for end in range(len(parts), 0, -1):
        candidate = Path(*parts[:end]).with_suffix(".py")
        if (tree / candidate).is_file():
            return candidate.as_posix()
    return None


def baseline_failures(tree: Path, mutations: Sequence[Mutation], timeout: float) -> set[str] | None:
    """The test files that fail on the untouched tree, from one run of every named test path.
    None when a failure could not be placed in a file (then nothing can be judged)."""
    paths = sorted({test for m in mutations for test in m.tests})
    print(f"baseline: running {len(paths)} test paths on the unmutated tree ...", flush=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "baseline.xml"
        code, output = run_pytest(tree, ["-p", "no:randomly", f"--junitxml={report}", *paths], timeout * 3)
        failing: set[str] = set()
        if code != 0:
            if code is None or not report.exists():
                print(output[-3000:])
                return None
            for case in ElementTree.parse(report).iter("testcase"):
                if case.find("failure") is None and case.find("error") is None:
                    continue
                name = case.get("classname") or case.get("name") or ""
                module = _module_file(tree, name)
                if module is None:
                    print(f"baseline: cannot place the failure of {name!r}")
                    return None
                failing.add(module)
    print(f"baseline: done in {time.monotonic() - started:.0f}s; failing: {sorted(failing) or 'none'}")
    return failing


def _affected(mutation: Mutation, failing: set[str]) -> list[str]:
    tests = [test.rstrip("/") for test in mutation.tests]
    return sorted(f for f in failing if any(f == t or f.startswith(t + "/") for t in tests))


def judge(tree: Path, mutation: Mutation, timeout: float) -> Outcome:
    started = time.monotonic()
    with mutated(tree, mutation):
        code, output = run_pytest(tree, mutation.tests, timeout)
    seconds = time.monotonic() - started
    if code is None:
        return Outcome(mutation, "timeout", seconds, f"no result within {timeout:.0f}s")
    if code == 0:
        return Outcome(mutation, "survived", seconds)
    if code in (1, 2, 3):  # failed, or collection broke on the mutant: the tests noticed
        return Outcome(mutation, "killed", seconds, _first_failure(output))
    return Outcome(mutation, "error", seconds, f"pytest exited {code}: {output.strip()[-500:]}")


def report(outcomes: Sequence[Outcome]) -> float:
    """Print the totals and survivors; returns the kill rate in percent (of the judged mutations)."""
    count = {
        status: sum(o.status == status for o in outcomes) for status in ("killed", "survived", "timeout")
    }
    judged = sum(count.values())
    rate = 100.0 * (count["killed"] + count["timeout"]) / judged if judged else 0.0
    others = len(outcomes) - judged
    print()
    print(
        f"SQL mutations: {count['killed']} killed, {count['survived']} survived, {count['timeout']} timed out"
        f"{f', {others} not judged (error or skipped)' if others else ''}, of {len(outcomes)}; "
        f"kill rate {rate:.0f}%"
    )
    survivors = [o.mutation for o in outcomes if o.status == "survived"]
    if survivors:
        print("Survivors (no test noticed the broken rule):")
        for m in survivors:
            print(f"  {m.id} ({m.file}): {m.rule}")
    return rate


def _stop_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through `mutated`, which restores the file


@contextmanager
def tree_to_mutate(copy: bool) -> Iterator[Path]:
    if not copy:
        yield REPO
        return
    with tempfile.TemporaryDirectory(prefix="sql-mutations-") as scratch:
        tree = Path(scratch)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
        for name in COPIED:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, tree / name, ignore=ignore, symlinks=True)
            elif source.exists():
                shutil.copy2(source, tree / name)
        print(f"mutating a copy of the tree in {tree}")
        yield tree


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutations", type=Path, default=DEFAULT_LIST, help="the list (TOML)")
    parser.add_argument("--only", action="append", metavar="ID", help="run only this mutation (repeatable)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for one mutation's tests")
    parser.add_argument("--copy", action="store_true", help="mutate a temporary copy, not this tree")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run on the unmutated tree")
    parser.add_argument("--check", action="store_true", help="only check that every original is found")
    parser.add_argument("--fail-under", type=float, default=0, help="exit 1 below this kill rate (percent)")
    args = parser.parse_args(argv)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    mutations = load_mutations(args.mutations)
    if args.only:
        unknown = set(args.only) - {m.id for m in mutations}
        if unknown:
            parser.error(f"no such mutation: {', '.join(sorted(unknown))}")
        mutations = [m for m in mutations if m.id in args.only]

    if trouble := recover(REPO):
        print(f"refusing to run: {trouble}")
        return 2
    if found := problems(REPO, mutations):
        print("refusing to run: the working tree does not match the mutation list")
        for problem in found:
            print(f"  {problem}")
        return 2
    if args.check:
        print(f"all {len(mutations)} mutations apply to the working tree")
        return 0

    with tree_to_mutate(args.copy) as tree:
        failing = set() if args.no_baseline else baseline_failures(tree, mutations, args.timeout)
        if failing is None:
            print("refusing to run: the baseline run failed in a way that cannot be placed in a test file")
            return 2
        outcomes = []
        for number, mutation in enumerate(mutations, 1):
            if affected := _affected(mutation, failing):
                outcome = Outcome(mutation, "skipped", 0.0, f"fails unmutated: {', '.join(affected)}")
            else:
                outcome = judge(tree, mutation, args.timeout)
            outcomes.append(outcome)
            print(
                f"[{number:2d}/{len(mutations)}] {outcome.status:8s} {outcome.seconds:6.1f}s  "
                f"{mutation.id} ({mutation.file})",
                flush=True,
            )
            if outcome.status == "survived":
                print(f"           rule: {mutation.rule}")
            elif outcome.detail:
                print(f"           {outcome.detail}")
    rate = report(outcomes)
    return 1 if rate < args.fail_under else 0


if __name__ == "__main__":
    sys.exit(main())
