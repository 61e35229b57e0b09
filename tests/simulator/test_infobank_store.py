"""The synthetic Infobank report store: its formats, its awkward lines, and a truth that a reader confirms."""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote

import pytest

from pipelines.simulator import infobank_store, write_infobank_store
from pipelines.simulator.infobank_store import StoreTruth

FIRST_DAY = date(2026, 11, 1)
DAYS, PER_DAY = 7, 400
# Written out again from VENDORS.md rather than imported, so the test checks the generator's lists too.
LISTED_CODES = {"1000", "2000", "2001", "2002", "2003", "2004", "2005", "2006", "2007"} | {
    f"30{n:02d}" for n in (0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 22, 25, 29, 35, 36)
}
LISTED_NETWORKS = {"45001", "45002", "45003", "45004", "45005", "45006", "45007", "45008", "45011", "45012"}
SUFFIXES = (".log", ".txt", ".jsonl", ".log.gz", ".jsonl.gz", ".txt.gz")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StoreTruth]:
    folder = tmp_path_factory.mktemp("infobank")
    return folder, write_infobank_store(folder, FIRST_DAY, DAYS, per_day=PER_DAY)


def file_lines(path: Path) -> list[str]:
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode()
    assert text == "" or text.endswith("\n"), f"{path.name} does not end with a newline"
    return text.split("\n")[:-1]


def line_format(path: Path) -> str:
    return path.name.removesuffix(".gz").rsplit(".", 1)[1]


def read_report(line: str, fmt: str) -> tuple[dict[str, str], str | None] | None:
    """(parameters, received_at) of a valid report line, None for a malformed one. Strict on purpose."""
    received_at = None
    try:
        if fmt == "jsonl":
            params = json.loads(line)
            if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
                return None
            received_at = params.pop("received_at", None)
        else:
            if fmt == "log":
                received_at, line = line.split("\t", 1)
                line = line.removeprefix("/infobank/report")
            params = dict(parse_qsl(line.removeprefix("?"), keep_blank_values=True, strict_parsing=True))
        if received_at is not None:
            assert datetime.fromisoformat(received_at).utcoffset().total_seconds() == 9 * 3600
        if params.get("sent_date") is not None:
            datetime.strptime(params["sent_date"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    valid = (
        params.get("msgid", "").isdigit()
        and params.get("err_code")
        and params.get("rescnt", "").isdigit()
        and params.get("to", "").isdigit()
        and all(params.get(name) for name in ("to_country", "network"))
        and params.get("rslt_type") in (None, "0", "3")
    )
    return (params, received_at) if valid else None


def malformed_kind(line: str) -> str:
    if line == "%%%garbage":
        return "garbage"
    if line.endswith("err_co"):
        return "truncated"
    if line.startswith("{'"):
        return "invalid_json"
    if "rescnt=abc" in line or '"rescnt": "abc"' in line:
        return "bad_rescnt"
    if "20261345250000" in line:
        return "bad_sent_date"
    if "msgid" not in line:
        return "no_msgid"
    assert "err_code" not in line, line
    return "no_err_code"


@dataclass
class Recount:
    """The store as read back line by line, independently of the generator's bookkeeping."""

    lines: int = 0
    blank_lines: int = 0
    valid_reports: int = 0
    malformed: int = 0
    unknown_codes: int = 0
    unknown_networks: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    # msgid -> parameter set -> [copies, (file day, received_at) of the earliest copy]
    reports: dict[str, dict[frozenset, list]] = field(default_factory=dict)

    def truth(self, files: list[str]) -> StoreTruth:
        outcomes: Counter[str] = Counter()
        pending = conflicts = billed = 0
        for by_params in self.reports.values():
            finals = [
                (first, dict(p)) for p, (_, first) in by_params.items() if dict(p).get("rslt_type") != "3"
            ]
            if not finals:
                pending += 1
                continue
            conflicts += len(finals) > 1
            final = max(finals, key=lambda found: found[0])[1]
            outcomes[final["err_code"]] += 1
            billed += int(final["rescnt"])
        return StoreTruth(
            messages=len(self.reports),
            lines=self.lines,
            blank_lines=self.blank_lines,
            valid_reports=self.valid_reports,
            retries=sum(copies - 1 for by in self.reports.values() for copies, _ in by.values()),
            malformed=self.malformed,
            final_outcomes=dict(sorted(outcomes.items())),
            pending=pending,
            conflicts=conflicts,
            billed_units=billed,
            unknown_codes=self.unknown_codes,
            unknown_networks=self.unknown_networks,
            files=files,
        )


def recount(folder: Path) -> tuple[Recount, StoreTruth]:
    count = Recount()
    files = sorted(path.name for path in folder.iterdir())
    for name in files:
        path = folder / name
        fmt, file_day = line_format(path), name[len("reports-") :][:8]
        for line in file_lines(path):
            count.lines += 1
            if line == "":
                count.blank_lines += 1
                continue
            found = read_report(line, fmt)
            if found is None:
                count.malformed += 1
                count.kinds[malformed_kind(line)] += 1
                continue
            params, received_at = found
            count.valid_reports += 1
            count.unknown_codes += params["err_code"] not in LISTED_CODES
            count.unknown_networks += params["network"] not in LISTED_NETWORKS
            key = frozenset(params.items())
            seen = count.reports.setdefault(params["msgid"], {}).setdefault(key, [0, (file_day, "~")])
            seen[0] += 1
            seen[1] = min(seen[1], (file_day, received_at or ""))
    return count, count.truth(files)


def contents(folder: Path, truth: StoreTruth) -> list[bytes]:
    return [(folder / name).read_bytes() for name in truth.files]


def test_the_same_arguments_write_the_same_bytes(tmp_path):
    first = write_infobank_store(tmp_path / "a", FIRST_DAY, 6, per_day=200, files_per_day=2)
    second = write_infobank_store(tmp_path / "b", FIRST_DAY, 6, per_day=200, files_per_day=2)
    other_seed = write_infobank_store(tmp_path / "c", FIRST_DAY, 6, per_day=200, files_per_day=2, seed=12)
    assert first == second
    assert contents(tmp_path / "a", first) == contents(tmp_path / "b", second)
    assert contents(tmp_path / "a", first) != contents(tmp_path / "c", other_seed)


def test_a_store_split_across_processes_is_the_same_store(tmp_path, monkeypatch):
    alone = write_infobank_store(tmp_path / "alone", FIRST_DAY, 16, per_day=80, files_per_day=2)
    monkeypatch.setattr(infobank_store, "PARALLEL_FROM", 0)
    monkeypatch.setattr(infobank_store, "_cores", lambda: 2)
    plan = infobank_store._Plan(tmp_path / "split", FIRST_DAY, 16, 80, 11, 2)
    assert len(infobank_store._spans(plan)) == 2
    split = write_infobank_store(tmp_path / "split", FIRST_DAY, 16, per_day=80, files_per_day=2)
    assert split == alone
    assert contents(tmp_path / "split", split) == contents(tmp_path / "alone", alone)


def test_six_days_show_every_format_plain_and_gzipped(store):
    folder, truth = store
    assert truth.files == sorted(path.name for path in folder.iterdir())
    assert {suffix for suffix in SUFFIXES for name in truth.files if name.endswith(suffix)} == set(SUFFIXES)
    assert truth.files[0] == "reports-20261101.log"


def test_several_files_a_day_rotate_through_the_formats(tmp_path):
    truth = write_infobank_store(tmp_path, FIRST_DAY, 2, per_day=100, files_per_day=3)
    days_and_parts = [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)]
    expected = [f"reports-2026110{d}-0{p}{s}" for (d, p), s in zip(days_and_parts, SUFFIXES, strict=True)]
    assert truth.files == sorted(expected)
    assert recount(tmp_path)[1] == truth


def test_every_line_is_a_report_a_malformed_line_or_blank(store):
    _, truth = store
    assert truth.lines == truth.valid_reports + truth.malformed + truth.blank_lines
    assert truth.blank_lines > 0
    assert truth.messages == DAYS * PER_DAY


def test_each_kind_of_malformed_line_is_there(store):
    count, _ = recount(store[0])
    assert set(count.kinds) == {
        "no_msgid",
        "no_err_code",
        "bad_rescnt",
        "bad_sent_date",
        "garbage",
        "truncated",
        "invalid_json",
    }


def test_resends_conflicts_pending_and_unknown_values_are_there(store):
    count, truth = recount(store[0])
    assert truth.retries > 0
    assert truth.conflicts > 0
    assert truth.pending > 0
    assert truth.unknown_codes > 0
    assert truth.unknown_networks > 0
    assert sum(truth.final_outcomes.values()) == truth.messages - truth.pending
    assert truth.final_outcomes["1000"] > 0.8 * truth.messages
    resent_dlrs = [
        copies
        for by_params in count.reports.values()
        for params, (copies, _) in by_params.items()
        if ("rslt_type", "3") in params and copies > 1
    ]
    assert resent_dlrs, "a DLR sent again counts as a retry too"


def test_the_truth_agrees_with_a_plain_reading_of_the_files(store):
    folder, truth = store
    _, read_back = recount(folder)
    assert asdict(read_back) == asdict(truth)


def test_lines_sit_in_the_file_of_their_day_out_of_order_and_some_finals_come_days_late(store):
    folder, truth = store
    out_of_order = late_finals = 0
    for name in truth.files:
        path, file_day = folder / name, name[8:16]
        stamps = []
        for line in file_lines(path):
            found = read_report(line, line_format(path)) if line else None
            if found is None:
                continue
            params, received_at = found
            if received_at:
                assert received_at[:10].replace("-", "") == file_day
                stamps.append(received_at)
            delivered_on = params.get("sent_date", file_day)[:8]
            late_finals += delivered_on < shift(file_day, -1) and params.get("rslt_type") != "3"
        out_of_order += stamps != sorted(stamps)
    assert out_of_order > 0
    assert late_finals > 0


def shift(day_text: str, days: int) -> str:
    day = datetime.strptime(day_text, "%Y%m%d").date()
    return (day + timedelta(days=days)).strftime("%Y%m%d")


def test_query_strings_vary_in_shape_and_encode_some_digits(store):
    folder, truth = store
    lines: dict[str, list[str]] = {fmt: [] for fmt in ("log", "txt", "jsonl")}
    for name in truth.files:
        lines[line_format(folder / name)] += file_lines(folder / name)
    assert {line.split("\t", 1)[1][:2] for line in lines["log"] if "\t" in line} >= {"/i", "?m", "?t", "?r"}
    assert any(line.startswith("?") for line in lines["txt"])
    assert any(line[:1].isalpha() for line in lines["txt"])
    assert any(line.startswith('{"received_at"') for line in lines["jsonl"])
    assert any(line.startswith('{"') and '"received_at"' not in line for line in lines["jsonl"])
    encoded = [
        part
        for line in lines["log"] + lines["txt"]
        for part in re.split("[?&]", line)
        if part.startswith("to=") and "%" in part
    ]
    assert encoded
    assert all(unquote(part[3:]).isdigit() for part in encoded)


def test_a_digit_is_never_encoded_twice():
    query = "msgid=001000001&to=1093446280&to_country=82"
    for seed in range(50):
        once = infobank_store._encode_a_digit(random.Random(seed).random, query)
        twice = infobank_store._encode_a_digit(random.Random(seed + 1).random, once)
        assert dict(parse_qsl(twice))["to"] == "1093446280"
