"""A deterministic folder of stored Infobank delivery reports, with every awkward case ingestion must survive.

One file per KST day and part, named `reports-YYYYMMDD.<format>` (`reports-YYYYMMDD-NN.<format>` when a
day has several parts); the formats rotate through `.log`, `.txt`, `.jsonl`, `.log.gz`, `.jsonl.gz` and
`.txt.gz` file by file. A report sits in the file of the day (and, with several parts a day, the slice of
the day) it was received on.

- `.log`: `<received_at ISO-8601 +09:00><TAB><query>`, the query starting `/infobank/report?` or `?`;
- `.txt`: the bare query, starting `?` or with nothing;
- `.jsonl`: one JSON object of string values, sometimes with a `received_at`.

How a line is read (the rules the truth below is counted by):

- blank: an empty line;
- valid: it parses in its file's format (a `.log` line has a TAB after an ISO timestamp), and has a
  non-empty `msgid`, a non-empty `err_code` and a `rescnt` made of digits, and `sent_date`, when present,
  is a real `YYYYMMDDHHMMSS` time. Every valid line written also has `to`, `to_country` and `network`,
  and `rslt_type` is absent, `0` or `3`, so a stricter reader finds the same valid lines;
- malformed: every other line. Each malformed line fails the looser rule above; the kinds written are
  no msgid, no err_code, `rescnt=abc`, `sent_date=20261345250000`, `%%%garbage`, a line cut off inside
  the `err_code` name (`...&err_co`), and a Python-style dict in a `.jsonl` file.

A report is a final unless its `rslt_type` is `3` (a DLR). Parameters are compared after URL-decoding,
ignoring their order and the line's received_at (`to` is sometimes written with a digit percent-encoded).

Every day and every file has a random source of its own, derived from the seed, so a big store can be
written by several processes and still come out byte for byte the same.
"""

from __future__ import annotations

import gzip
import multiprocessing
import os
import random
from bisect import bisect
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

from pipelines.kst import KST
from pipelines.simulator.traffic import HOUR_WEIGHTS

DAY_SECONDS = 86400
FORMATS = ("log", "txt", "jsonl", "log.gz", "jsonl.gz", "txt.gz")
FIRST_JSONL_FILE = FORMATS.index("jsonl")  # file number; the first file is number 0
GZIP_LEVEL = 1  # the benchmark writes hundreds of megabytes; level 1 is several times faster than 9

_LISTED_CODES = (1000, *range(2000, 2008), *range(3000, 3007), *range(3008, 3017), 3018, 3019, 3022, 3025)
KNOWN_CODES = frozenset(str(code) for code in (*_LISTED_CODES, 3029, 3035, 3036))
# MCC 450 codes listed in VENDORS.md section 3; 45009 and 45010 are never written, so reading the list
# as the range 45001..45012 gives the same answer.
KNOWN_NETWORKS = frozenset(str(code) for code in (*range(45001, 45009), 45011, 45012))

# Outcome weights out of 1900: 90% delivered, 9.5% listed failures, 0.5% codes outside the list.
OUTCOME_WEIGHTS = {
    "1000": 1710,
    "2003": 30, "3001": 22, "2000": 16, "2007": 12, "2005": 10, "3006": 8, "3003": 8, "3012": 6,
    "2001": 5, "2002": 5, "2004": 5, "2006": 4, "3004": 4, "3005": 4, "3008": 4, "3025": 4, "3029": 4,
    "3018": 3, "3019": 3, "3000": 3, "3002": 2, "3009": 2, "3010": 2, "3011": 2, "3013": 2, "3014": 2,
    "3015": 2, "3016": 2, "3022": 2, "3035": 1, "3036": 1,
    "3999": 3, "4999": 3, "3100": 2, "9999": 2,
}  # fmt: skip
# Domestic networks out of 1000; 0.5% are codes nobody lists.
DOMESTIC_NETWORK_WEIGHTS = {
    "45005": 450, "45008": 260, "45006": 220, "45011": 30, "45002": 25, "45004": 10, "99999": 3, "45099": 2,
}  # fmt: skip
# Country calling code -> (the recipient network's MCC+MNC, national number prefix, digits after it).
FOREIGN = {"1": ("310260", "2", 9), "81": ("44010", "90", 8), "86": ("46000", "13", 9)}
CONFLICT_PAIRS = (("2003", "1000"), ("2007", "1000"), ("2000", "1000"), ("1000", "2003"), ("1000", "3001"))
REF_PREFIXES = ("AA", "ORD", "SHOP", "cs")  # four, picked with two random bits

INTERNATIONAL_SHARE = 0.03  # of recipients, so of messages too
OLD_PREFIX_SHARE = 0.05  # 011 numbers
REF_SHARE = 0.7
# A message's shape comes from one roll in [0, 1): these bands in this order, then the plain rest.
PENDING_BELOW = 0.02  # DLRs only, no final yet
DLR_BELOW = PENDING_BELOW + 0.20  # one or two DLRs, then the final
CONFLICT_BELOW = DLR_BELOW + 0.005  # two different finals
LATE_BELOW = CONFLICT_BELOW + 0.05  # the final comes 1-3 days late
SLOW_BELOW = LATE_BELOW + 0.08  # delivered up to two hours after the send
TWO_DLR_SHARE = 0.4
RESEND_SHARE = 0.08
MAX_RESEND_SPREAD = 3 * 600  # seconds from a report to its last resend
# A report arrives at most this many days after its message's send day (a 3-day-late final sent just
# before midnight, or a conflict's second final); the generator keeps to it.
MAX_LAG_DAYS = 4
FINAL_RSLT_TYPE_SHARE = 0.5  # finals that say rslt_type=0 rather than leaving it out
MALFORMED_SHARE = 0.003
BLANK_SHARE = 0.0005
SHUFFLE_SHARE = 0.05  # reports swapped with a near neighbour in their file
ENCODED_TO_EVERY = 128  # query lines per line with a percent-encoded digit in `to`
JSON_RECEIVED_AT_SHARE = 0.7
FIELD_ORDERS = 16  # parameter orders per parameter count, picked with four random bits
PARALLEL_FROM = 500_000  # messages; smaller stores are written by the calling process alone
MAX_PROCESSES = 4

MALFORMED_KINDS = (
    "no_msgid",
    "no_err_code",
    "bad_rescnt",
    "bad_sent_date",
    "garbage",
    "truncated",
    "invalid_json",
)
IMPOSSIBLE_SENT_DATE = "20261345250000"

Pairs = tuple[
    str, ...
]  # "name=value" parameters: msgid, to, to_country, network, [ref], rescnt, err_code, ...
Entry = tuple[int, str]  # (seconds since first_day 00:00 KST when received, the query string)
Recipient = tuple[str, str, str, bool, bool]  # to, to_country, network; abroad?; network listed?


@dataclass(frozen=True)
class StoreTruth:
    """What the generated store holds, so tests can check an ingestion exactly.

    Counts follow the line rules in the module docstring. "Report" means a valid line.

    - messages: distinct msgids with at least one valid report (every message sent: per_day * days).
    - lines: every line of every file (each ends with a newline), blank and malformed ones included;
      always valid_reports + malformed + blank_lines.
    - blank_lines: empty lines.
    - valid_reports: valid lines, resends and DLRs included.
    - retries: valid lines whose msgid and parameter set (decoded, order ignored, received_at ignored)
      equal those of another valid line; per distinct (msgid, parameter set), its count minus one. A DLR
      repeated identically is a retry too.
    - malformed: lines that are neither blank nor valid.
    - final_outcomes: err_code of each message's final -> messages; for a conflict, the final whose first
      copy was received later (always on a later KST day, so also in a later-dated file).
    - pending: messages whose valid reports are all DLRs (rslt_type=3).
    - conflicts: messages with two distinct final parameter sets (never more than two; their err_codes
      differ).
    - billed_units: sum over messages with a final of that final's rescnt (failed finals bill 0).
    - unknown_codes: valid lines whose err_code is not in VENDORS.md section 2's list.
    - unknown_networks: valid lines whose network is not listed in VENDORS.md section 3.
    - files: the file names written, sorted.
    """

    messages: int
    lines: int
    blank_lines: int
    valid_reports: int
    retries: int
    malformed: int
    final_outcomes: dict[str, int]
    pending: int
    conflicts: int
    billed_units: int
    unknown_codes: int
    unknown_networks: int
    files: list[str]


@dataclass
class _Tally:
    """The truth as it accumulates while the store is generated and written."""

    messages: int = 0
    lines: int = 0
    blank_lines: int = 0
    valid_reports: int = 0
    retries: int = 0
    malformed: int = 0
    final_outcomes: Counter[str] = field(default_factory=Counter)
    pending: int = 0
    conflicts: int = 0
    billed_units: int = 0
    unknown_codes: int = 0
    unknown_networks: int = 0
    files: list[str] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def truth(self) -> StoreTruth:
        return StoreTruth(
            messages=self.messages,
            lines=self.lines,
            blank_lines=self.blank_lines,
            valid_reports=self.valid_reports,
            retries=self.retries,
            malformed=self.malformed,
            final_outcomes=dict(sorted(self.final_outcomes.items())),
            pending=self.pending,
            conflicts=self.conflicts,
            billed_units=self.billed_units,
            unknown_codes=self.unknown_codes,
            unknown_networks=self.unknown_networks,
            files=sorted(self.files),
        )


@dataclass(frozen=True)
class _Plan:
    """The arguments: each process generates from them alone, so every split gives the same bytes."""

    folder: Path
    first_day: date
    days: int
    per_day: int
    seed: int
    files_per_day: int

    def rng(self, *purpose: object) -> random.Random:
        """A random source of its own for one purpose, such as one day or one file."""
        return random.Random("-".join(str(part) for part in (self.seed, *purpose)))


def write_infobank_store(
    folder: Path,
    first_day: date,
    days: int,
    *,
    per_day: int = 300,
    seed: int = 11,
    files_per_day: int = 1,
) -> StoreTruth:
    """Write Infobank report files for the KST days first_day .. first_day + days - 1 into `folder`.

    `per_day` messages are sent each day; every report is received within the window. Files of other
    names in `folder` are left alone. The same arguments always give byte-identical files. Stores of
    PARALLEL_FROM messages or more are written by up to MAX_PROCESSES processes, one span of days each.
    """
    folder.mkdir(parents=True, exist_ok=True)
    plan = _Plan(folder, first_day, days, per_day, seed, files_per_day)
    spans = _spans(plan)
    if len(spans) == 1:
        return _write_span(plan, 0, days).truth()
    # fork: the children need nothing but this module, and the caller's script is not run again.
    with ProcessPoolExecutor(len(spans) - 1, mp_context=multiprocessing.get_context("fork")) as others:
        later = [others.submit(_write_span, plan, start, stop) for start, stop in spans[1:]]
        tally = _write_span(plan, *spans[0])
        for span in later:
            tally.add(span.result())
    return tally.truth()


def _spans(plan: _Plan) -> list[tuple[int, int]]:
    """The spans of days that separate processes write: one, unless the store is big and cores are free."""
    processes = min(MAX_PROCESSES, _cores(), plan.days // (2 * MAX_LAG_DAYS))
    if plan.per_day * plan.days < PARALLEL_FROM or processes < 2:
        return [(0, plan.days)]
    if "fork" not in multiprocessing.get_all_start_methods():
        return [(0, plan.days)]
    # Every span but the first also generates MAX_LAG_DAYS earlier days, so the first gets 3 days more.
    extra = 3
    bounds = [0] + [round(extra + i * (plan.days - extra) / processes) for i in range(1, processes)]
    return list(zip(bounds, [*bounds[1:], plan.days], strict=True))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _write_span(plan: _Plan, start: int, stop: int) -> _Tally:
    """Write the files of days start .. stop - 1; returns what this span counted.

    The MAX_LAG_DAYS days before `start` are generated again, for the reports they send into the span;
    the span that owns those days counts their messages.
    """
    window = _Window(plan)
    counted = window.tally
    with ThreadPoolExecutor(max_workers=1) as disk:
        writer = _FileWriter(plan, window, disk)
        for offset in range(max(0, start - MAX_LAG_DAYS), stop):
            window.tally = counted if offset >= start else _Tally()
            _send_day(window, offset)
            if offset >= start:
                writer.write_day(offset, window.by_day[offset])
            window.by_day[offset] = []
        writer.flush()
    return counted


class _Window:
    """The store's days, its customers, and reports waiting for the day they are received on."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.days, self.per_day = plan.days, plan.per_day
        self.end = plan.days * DAY_SECONDS - 1  # nothing is received later
        self.tally = _Tally()
        self.by_day: list[list[Entry]] = [[] for _ in range(plan.days)]
        customers = plan.rng("customers")
        # A power of two, so a recipient is picked with getrandbits; at most 65,536 keeps the pool small.
        self.recipient_bits = max(10, min(16, (2 * plan.per_day).bit_length()))
        self.recipients = _recipients(customers, 1 << self.recipient_bits)
        self.orders = _field_orders(customers)
        self.compact_days = [
            (plan.first_day + timedelta(days=d)).strftime("%Y%m%d") for d in range(plan.days)
        ]
        self.compact_clock = [text.replace(":", "") for text in _clock_texts()]
        self.start_day(0)

    def start_day(self, offset: int) -> None:
        """Switch to the random source of the day's messages."""
        rng = self.plan.rng("day", offset)
        self.draw, self.bits = rng.random, rng.getrandbits

    def query(self, pairs: Pairs) -> str:
        """The parameters as a query string, in one of FIELD_ORDERS orders."""
        return "&".join(self.orders[len(pairs)][self.bits(4)](pairs))

    def file_report(self, received: int, query: str) -> int:
        """File a report and Infobank's resends of it; returns the lines filed."""
        self.by_day[received // DAY_SECONDS].append((received, query))
        return 1 + self.resend(received, query) if self.draw() < RESEND_SHARE else 1

    def resend(self, received: int, query: str) -> int:
        """File Infobank's 1-3 resends of a report, seconds to minutes apart; returns how many."""
        draw = self.draw
        resends = 1 + int(draw() * 3)
        for _ in range(resends):
            received = min(self.end, received + 5 + int(draw() * 595))
            self.by_day[received // DAY_SECONDS].append((received, query))
        self.tally.retries += resends
        return resends


def _send_day(window: _Window, offset: int) -> None:
    """Generate the day's messages in send order, and file their reports under the days they arrive on.

    The benchmark's hot loop, hence the locals and getrandbits into power-of-two tables.
    """
    window.start_day(offset)
    tally, end, draw, bits = window.tally, window.end, window.draw, window.bits
    recipients, recipient_bits, outcomes = window.recipients, window.recipient_bits, tally.final_outcomes
    day_start = offset * DAY_SECONDS
    msgid = 1_000_000 + offset * 2 * window.per_day  # each day has ids of its own
    billed = unknown_networks = 0
    # Sorted send times make each day's reports nearly sorted by arrival, which sorts fast.
    for when in sorted([bits(22) for _ in range(window.per_day)]):
        sent = day_start + _SEND_MINUTES[when >> 6] * 60 + (when & 63) % 60
        msgid += 1 + bits(1)  # gaps, as when other customers send too
        to, to_country, network, abroad, listed_network = recipients[bits(recipient_bits)]
        if draw() < REF_SHARE:
            ref = f"ref={REF_PREFIXES[bits(2)]}{bits(34)}"
            base: Pairs = ("msgid=00" + str(msgid), to, to_country, network, ref)
        else:
            base = ("msgid=00" + str(msgid), to, to_country, network)
        segments = 1 + bits(2) if abroad else 1
        roll = draw()
        if roll < PENDING_BELOW:
            tally.pending += 1
            lines = _file_dlrs(window, base, sent, min(end, sent + 600))
        else:
            conflict = DLR_BELOW <= roll < CONFLICT_BELOW
            pair = CONFLICT_PAIRS[int(draw() * len(CONFLICT_PAIRS))] if conflict else ("", "")
            code = pair[0] or _OUTCOMES[bits(_OUTCOME_BITS)]
            if code == "1000":
                arrived = sent + 2 + bits(5)
                if LATE_BELOW <= roll < SLOW_BELOW:
                    arrived += bits(13)  # the handset was off or out of coverage for a while
                received = arrived + 1 + bits(3)
            else:
                arrived = received = sent + 5 + bits(11)
            if CONFLICT_BELOW <= roll < LATE_BELOW:
                received += _days_late(window, sent) * DAY_SECONDS
            if received > end:
                received, arrived = end, min(arrived, end)
            lines = _file_final(window, base, code, segments, arrived, received)
            if roll < DLR_BELOW:
                lines += _file_dlrs(window, base, sent, received)
            elif conflict and (second := _file_second_final(window, base, pair[1], segments, received)):
                code, lines = pair[1], lines + second
            outcomes[code] += 1
            if code == "1000":
                billed += segments
        if not listed_network:
            unknown_networks += lines
    tally.messages += window.per_day
    tally.billed_units += billed
    tally.unknown_networks += unknown_networks


def _days_late(window: _Window, sent: int) -> int:
    """1-3 days, as far as the window allows."""
    return min(1 + int(window.draw() * 3), window.days - 1 - sent // DAY_SECONDS)


def _file_final(window: _Window, base: Pairs, code: str, segments: int, arrived: int, received: int) -> int:
    """File a final report and its resends; returns the lines filed."""
    rslt_type = ("rslt_type=0",) if window.draw() < FINAL_RSLT_TYPE_SHARE else ()
    if code == "1000":
        day, second = divmod(arrived, DAY_SECONDS)
        sent_date = f"sent_date={window.compact_days[day]}{window.compact_clock[second]}"
        pairs = (*base, _RESCNTS[segments], "err_code=1000", sent_date, *rslt_type)
    else:
        # Infobank's own example of a failure report bills nothing: rescnt=0.
        pairs = (*base, "rescnt=0", "err_code=" + code, *rslt_type)
    # window.file_report(received, window.query(pairs)), spelt out: this runs for nearly every message.
    query = "&".join(window.orders[len(pairs)][window.bits(4)](pairs))
    window.by_day[received // DAY_SECONDS].append((received, query))
    lines = 1 + window.resend(received, query) if window.draw() < RESEND_SHARE else 1
    if code not in KNOWN_CODES:
        window.tally.unknown_codes += lines
    return lines


def _file_second_final(window: _Window, base: Pairs, code: str, segments: int, first: int) -> int:
    """File a final contradicting the one received at `first`, on a later day than any resend of that one.

    Returns the lines filed: none when the window ends too soon.
    """
    day = (first + MAX_RESEND_SPREAD) // DAY_SECONDS + 1
    if day >= window.days:
        return 0
    day = min(window.days - 1, day + int(window.draw() * 2))
    received = day * DAY_SECONDS + int(window.draw() * DAY_SECONDS)
    window.tally.conflicts += 1
    return _file_final(window, base, code, segments, received - 1 - int(window.draw() * 30), received)


def _file_dlrs(window: _Window, base: Pairs, sent: int, until: int) -> int:
    """File one or two DLRs received after the send and before `until`; returns the lines filed."""
    received, lines = sent, 0
    for code in _DLR_CODES[2 if window.draw() < TWO_DLR_SHARE else 1]:
        received += int(window.draw() * min(until - received, 600))
        lines += window.file_report(received, window.query((*base, "rescnt=0", code, "rslt_type=3")))
    return lines


class _FileWriter:
    """Writes each day's received reports into its files, adding malformed and blank lines."""

    def __init__(self, plan: _Plan, window: _Window, disk: Executor) -> None:
        self.plan = plan
        self.window = window
        self.disk = disk
        self.saving: Future[None] | None = None
        self.iso_days = [(plan.first_day + timedelta(days=d)).isoformat() + "T" for d in range(plan.days)]
        clock = _clock_texts()
        self.log_clock = [text + "+09:00\t" for text in clock]
        self.json_clock = [text + '+09:00", "' for text in clock]
        self.formatters: dict[str, Callable[[int, list[Entry]], list[str]]] = {
            "log": self.log_lines,
            "txt": self.txt_lines,
            "jsonl": self.json_lines,
        }
        self.start_file(0)

    def start_file(self, number: int) -> None:
        """Switch to the random source of the file."""
        rng = self.plan.rng("file", number)
        self.draw, self.bits = rng.random, rng.getrandbits

    def write_day(self, offset: int, entries: list[Entry]) -> None:
        per_day = self.plan.files_per_day
        parts: list[list[Entry]] = [entries]
        if per_day > 1:
            parts = [[] for _ in range(per_day)]
            for entry in entries:
                parts[entry[0] % DAY_SECONDS * per_day // DAY_SECONDS].append(entry)
        day_text = self.iso_days[offset][:10].replace("-", "")
        for part, part_entries in enumerate(parts):
            number = offset * per_day + part
            suffix = f"-{part + 1:02d}" if per_day > 1 else ""
            file_format = FORMATS[number % len(FORMATS)]
            name = f"reports-{day_text}{suffix}.{file_format}"
            self.write_file(name, number, file_format, offset, part_entries)

    def write_file(self, name: str, number: int, file_format: str, day: int, entries: list[Entry]) -> None:
        self.start_file(number)
        line_format = file_format.removesuffix(".gz")
        entries.sort(key=itemgetter(0))
        self.shuffle_a_little(entries)
        if line_format != "jsonl":
            self.encode_some_digits(entries)
        lines = self.formatters[line_format](day, entries)
        lines = self.with_extras(lines, entries, line_format, day, number)
        data = ("\n".join(lines) + "\n").encode() if lines else b""
        # Compressing and writing overlap with the next file's formatting (zlib releases the GIL); one
        # file at a time bounds the memory.
        self.flush()
        # A stored file was last written when its last report arrived; readers fall back on that time
        # for reports that carry no received_at of their own.
        last_arrival = max((entry[0] for entry in entries), default=day * DAY_SECONDS)
        modified = datetime.combine(self.plan.first_day, time(), KST).timestamp() + last_arrival
        path = self.plan.folder / name
        self.saving = self.disk.submit(_save, path, data, file_format.endswith(".gz"), modified)
        tally = self.window.tally
        tally.lines += len(lines)
        tally.valid_reports += len(entries)
        tally.files.append(name)

    def flush(self) -> None:
        """Wait for the file being saved, and raise its error if saving it failed."""
        if self.saving is not None:
            self.saving.result()
            self.saving = None

    def shuffle_a_little(self, entries: list[Entry]) -> None:
        """Swap a few reports with a neighbour up to five places on: stores are not in arrival order."""
        draw, size = self.draw, len(entries)
        for _ in range(int(size * SHUFFLE_SHARE)):
            here = int(draw() * size)
            there = min(size - 1, here + 1 + int(draw() * 5))
            entries[here], entries[there] = entries[there], entries[here]

    def encode_some_digits(self, entries: list[Entry]) -> None:
        """Percent-encode one digit of `to` on about one line in ENCODED_TO_EVERY (query formats only)."""
        draw, size = self.draw, len(entries)
        for _ in range(int(size / ENCODED_TO_EVERY + draw())):
            at = int(draw() * size)
            received, query = entries[at]
            entries[at] = received, _encode_a_digit(draw, query)

    def with_extras(
        self, lines: list[str], entries: list[Entry], line_format: str, day: int, number: int
    ) -> list[str]:
        """The lines with malformed and blank ones spliced in at random places.

        The first file gets one malformed line of every kind its format allows and a blank line, the
        first .jsonl file a line of invalid JSON, so even a small store shows them all.
        """
        if not entries:
            return lines
        draw, tally = self.draw, self.window.tally
        json = line_format == "jsonl"
        possible = MALFORMED_KINDS if json else MALFORMED_KINDS[:-1]
        kinds = list(possible) if number == 0 else ["invalid_json"] if number == FIRST_JSONL_FILE else []
        for _ in range(int(len(entries) * MALFORMED_SHARE + draw())):
            kinds.append(possible[int(draw() * len(possible))])
        format_lines = self.formatters[line_format]
        extras = [
            _malformed_line(kind, entries[int(draw() * len(entries))], day, format_lines, json)
            for kind in kinds
        ]
        blanks = int(len(entries) * BLANK_SHARE + draw()) + (number == 0)
        extras += [""] * blanks
        tally.malformed += len(kinds)
        tally.blank_lines += blanks
        spliced: list[str] = []
        start = 0
        for position, line in sorted((int(draw() * (len(lines) + 1)), line) for line in extras):
            spliced += lines[start:position]
            spliced.append(line)
            start = position
        return spliced + lines[start:]

    def log_lines(self, day: int, entries: list[Entry]) -> list[str]:
        bits, clock, stamp_day, paths = self.bits, self.log_clock, self.iso_days[day], _LOG_PATHS
        day_start = day * DAY_SECONDS
        return [f"{stamp_day}{clock[at - day_start]}{paths[bits(1)]}{query}" for at, query in entries]

    def txt_lines(self, day: int, entries: list[Entry]) -> list[str]:
        bits, starts = self.bits, _TXT_STARTS
        return [starts[bits(1)] + query for _, query in entries]

    def json_lines(self, day: int, entries: list[Entry]) -> list[str]:
        draw, clock, day_start = self.draw, self.json_clock, day * DAY_SECONDS
        stamped = '{"received_at": "' + self.iso_days[day]
        # Names and values never contain "&" or "=", so a query turns into JSON by replacing them.
        return [
            (stamped + clock[at - day_start] if draw() < JSON_RECEIVED_AT_SHARE else '{"')
            + query.replace("&", '", "').replace("=", '": "')
            + '"}'
            for at, query in entries
        ]


def _save(path: Path, data: bytes, compress: bool, modified: float) -> None:
    path.write_bytes(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if compress else data)
    os.utime(path, (modified, modified))


def _encode_a_digit(draw: Callable[[], float], query: str) -> str:
    """The query with one digit of `to` written as %3N, which decodes to the same digit."""
    start = query.find("to=") + 3  # no other name ends in "to", and values hold no "="
    stop = query.find("&", start)
    stop = len(query) if stop < 0 else stop
    if "%" in query[start:stop]:  # encoded already: encoding the digits of "%31" would change the number
        return query
    at = start + int(draw() * (stop - start))
    return f"{query[:at]}%{ord(query[at]):02X}{query[at + 1 :]}"


def _malformed_line(
    kind: str, entry: Entry, day: int, format_lines: Callable[[int, list[Entry]], list[str]], json: bool
) -> str:
    """A line of the kind, made from a real report so that it looks plausible."""
    received, query = entry
    pairs = query.split("&")
    if kind == "garbage":
        return "%%%garbage"
    if kind == "invalid_json":
        return "{" + ", ".join("'" + pair.replace("=", "': '") + "'" for pair in pairs) + "}"
    if kind == "no_msgid":
        broken = [pair for pair in pairs if not pair.startswith("msgid=")]
    elif kind in ("no_err_code", "truncated"):
        broken = [pair for pair in pairs if not pair.startswith("err_code=")]
    elif kind == "bad_rescnt":
        broken = ["rescnt=abc" if pair.startswith("rescnt=") else pair for pair in pairs]
    else:
        broken = [pair for pair in pairs if not pair.startswith("sent_date=")]
        broken.append(f"sent_date={IMPOSSIBLE_SENT_DATE}")
    line = format_lines(day, [(received, "&".join(broken))])[0]
    if kind != "truncated":
        return line
    # Cut off inside the err_code name, as when a writer dies mid-line.
    return line[:-1] + ', "err_co' if json else line + "&err_co"


def _recipients(rng: random.Random, count: int) -> list[Recipient]:
    """A customer base; each recipient keeps one network, and a few are abroad."""
    draw = rng.random
    found = []
    for _ in range(count):
        if draw() < INTERNATIONAL_SHARE:
            country = _COUNTRIES[int(draw() * len(_COUNTRIES))]
            network, prefix, digits = FOREIGN[country]
            to = f"{prefix}{int(draw() * 10**digits):0{digits}d}"
        else:
            country, network = "82", _NETWORKS[int(draw() * len(_NETWORKS))]
            if draw() < OLD_PREFIX_SHARE:
                to = f"11{2000000 + int(draw() * 8000000)}"
            else:
                to = f"10{20000000 + int(draw() * 80000000)}"
        listed = network in KNOWN_NETWORKS
        found.append((f"to={to}", f"to_country={country}", f"network={network}", country != "82", listed))
    return found


def _table(weights: dict[str, int] | dict[int, int], bits: int) -> tuple:
    """2**bits values in proportion to their weights, to pick from with getrandbits(bits)."""
    values, cumulative = list(weights), list(accumulate(weights.values()))
    step = cumulative[-1] / (1 << bits)
    return tuple(values[bisect(cumulative, (slot + 0.5) * step)] for slot in range(1 << bits))


_OUTCOME_BITS = 12
_OUTCOMES: tuple[str, ...] = _table(OUTCOME_WEIGHTS, _OUTCOME_BITS)
_NETWORKS: tuple[str, ...] = _table(DOMESTIC_NETWORK_WEIGHTS, 10)
_COUNTRIES = tuple(FOREIGN)
# Minute of the day of a send, weighted by the hour's traffic; picked with 16 random bits.
_SEND_MINUTES: tuple[int, ...] = _table({minute: HOUR_WEIGHTS[minute // 60] for minute in range(1440)}, 16)
# The err_codes of a message's DLRs, by how many it gets; two DLRs of one message never look alike.
_DLR_CODES: dict[int, tuple[str, ...]] = {1: ("err_code=1000",), 2: ("err_code=2000", "err_code=1000")}
_RESCNTS = tuple(f"rescnt={units}" for units in range(5))
_LOG_PATHS = ("?", "/infobank/report?")
_TXT_STARTS = ("", "?")


def _field_orders(rng: random.Random) -> list[list[Callable[[Pairs], Pairs]]]:
    """By parameter count, FIELD_ORDERS ways to reorder a report's parameters, the listed order first."""
    orders: list[list[Callable[[Pairs], Pairs]]] = [[], [], []]
    for count in range(3, 12):
        positions = list(range(count))
        getters = [itemgetter(*positions)]
        for _ in range(FIELD_ORDERS - 1):
            rng.shuffle(positions)
            getters.append(itemgetter(*positions))
        orders.append(getters)
    return orders


@cache
def _clock_texts() -> list[str]:
    """The text HH:MM:SS of every second of a day."""
    return [
        f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}" for second in range(DAY_SECONDS)
    ]
