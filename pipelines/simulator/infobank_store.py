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
"""

from __future__ import annotations

import gzip
import os
import random
from bisect import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

from pipelines.kst import KST
from pipelines.simulator.traffic import HOUR_WEIGHTS

DAY_SECONDS = 86400
FORMATS = ("log", "txt", "jsonl", "log.gz", "jsonl.gz", "txt.gz")
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
FINAL_RSLT_TYPE_SHARE = 0.5  # finals that say rslt_type=0 rather than leaving it out
MALFORMED_SHARE = 0.003
BLANK_SHARE = 0.0005
SHUFFLE_SHARE = 0.05  # reports swapped with a near neighbour in their file
FIELD_ORDERS = 16  # parameter orders per parameter count, picked with four random bits

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

Fields = tuple[str, ...]  # "name=value" pairs: msgid, to, to_country, network, [ref], rescnt, err_code, ...
Entry = tuple[int, Fields]  # (seconds since first_day 00:00 KST when received, parameters)
Recipient = tuple[
    Fields, bool, bool
]  # (to, to_country and network parameters, international, network listed)


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


class _Window:
    """The store's days, its random source and customers, and reports waiting for the day they arrive."""

    def __init__(self, first_day: date, days: int, per_day: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.draw = self.rng.random
        self.first_day, self.days = first_day, days
        self.end = days * DAY_SECONDS - 1  # nothing is received later
        self.tally = _Tally()
        self.by_day: list[list[Entry]] = [[] for _ in range(days)]
        self.recipient_bits = max(10, (2 * per_day).bit_length())
        self.recipients = _recipients(self.rng, 1 << self.recipient_bits)
        self.next_msgid = 1_000_000 + self.rng.getrandbits(20)
        self.compact_days = [(first_day + timedelta(days=d)).strftime("%Y%m%d") for d in range(days)]
        self.compact_clock = [text.replace(":", "") for text in _clock_texts()]

    def sent_date(self, second: int) -> str:
        """`YYYYMMDDHHMMSS` of a second of the window."""
        day, second = divmod(second, DAY_SECONDS)
        return self.compact_days[day] + self.compact_clock[second]

    def file_report(self, received: int, fields: Fields) -> int:
        """File a report and Infobank's resends of it; returns the lines filed."""
        self.by_day[received // DAY_SECONDS].append((received, fields))
        draw = self.draw
        if draw() >= RESEND_SHARE:
            return 1
        resends = 1 + int(draw() * 3)
        for _ in range(resends):
            received = min(self.end, received + 5 + int(draw() * 595))
            self.by_day[received // DAY_SECONDS].append((received, fields))
        self.tally.retries += resends
        return 1 + resends

    def file_final(self, received: int, fields: Fields, code: str) -> int:
        """File a final report and its resends; returns the lines filed."""
        lines = self.file_report(received, fields)
        if code not in KNOWN_CODES:
            self.tally.unknown_codes += lines
        return lines


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
    names in `folder` are left alone. The same arguments always give byte-identical files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    window = _Window(first_day, days, per_day, seed)
    writer = _FileWriter(folder, window, files_per_day)
    for offset in range(days):
        _send_day(window, offset, per_day)
        writer.write_day(offset, window.by_day[offset])
        window.by_day[offset] = []
    return window.tally.truth()


def _send_day(window: _Window, offset: int, per_day: int) -> None:
    """Generate the day's messages and file their reports under the days they are received on."""
    # The hot loop of the benchmark: locals, and getrandbits into power-of-two tables, for speed.
    tally, draw, bits = window.tally, window.draw, window.rng.getrandbits
    outcomes, recipients, recipient_bits = tally.final_outcomes, window.recipients, window.recipient_bits
    day_start = offset * DAY_SECONDS
    msgid = window.next_msgid
    billed = unknown_networks = 0
    for _ in range(per_day):
        msgid += 1 + bits(1)  # ids with gaps, as when other customers send too
        when = bits(22)
        sent = day_start + _SEND_MINUTES[when >> 6] * 60 + (when & 63) % 60
        to_fields, international, listed_network = recipients[bits(recipient_bits)]
        if draw() < REF_SHARE:
            base = (f"msgid=00{msgid}", *to_fields, f"ref={REF_PREFIXES[bits(2)]}{bits(34)}")
        else:
            base = (f"msgid=00{msgid}", *to_fields)
        segments = 1 + bits(2) if international else 1
        roll = draw()
        if roll < SLOW_BELOW:
            code, lines = _send_unusual(window, roll, base, segments, sent)
        else:
            code = _OUTCOMES[bits(_OUTCOME_BITS)]
            received, fields = _final(window, base, code, segments, sent)
            lines = window.file_final(received, fields, code)
        if code is not None:
            outcomes[code] += 1
            if code == "1000":
                billed += segments
        if not listed_network:
            unknown_networks += lines
    window.next_msgid = msgid
    tally.messages += per_day
    tally.billed_units += billed
    tally.unknown_networks += unknown_networks


def _send_unusual(
    window: _Window, roll: float, base: Fields, segments: int, sent: int
) -> tuple[str | None, int]:
    """File a message with DLRs, no final, two finals, a late final or a slow handset.

    Returns the err_code of the final that counts (None when pending) and the lines filed.
    """
    if roll < PENDING_BELOW:
        window.tally.pending += 1
        return None, _file_dlrs(window, base, sent, min(window.end, sent + 600))
    if roll >= DLR_BELOW and roll < CONFLICT_BELOW:
        return _send_conflict(window, base, segments, sent)
    code = _OUTCOMES[window.rng.getrandbits(_OUTCOME_BITS)]
    late_days = 0
    if roll >= CONFLICT_BELOW and roll < LATE_BELOW:
        late_days = min(1 + int(window.draw() * 3), window.days - 1 - sent // DAY_SECONDS)
    received, fields = _final(
        window, base, code, segments, sent, late_days=late_days, slow=roll >= LATE_BELOW
    )
    lines = _file_dlrs(window, base, sent, received) if roll < DLR_BELOW else 0
    return code, lines + window.file_final(received, fields, code)


def _send_conflict(window: _Window, base: Fields, segments: int, sent: int) -> tuple[str, int]:
    """File two different finals, the second on a later day than any copy of the first, if the window allows.

    Returns the err_code of the later final and the lines filed.
    """
    first, second = CONFLICT_PAIRS[int(window.draw() * len(CONFLICT_PAIRS))]
    received, fields = _final(window, base, first, segments, sent)
    lines = window.file_final(received, fields, first)
    day = (received + MAX_RESEND_SPREAD) // DAY_SECONDS + 1
    if day >= window.days:
        return first, lines
    day = min(window.days - 1, day + int(window.draw() * 2))
    received = day * DAY_SECONDS + int(window.draw() * DAY_SECONDS)
    arrived = received - 1 - int(window.draw() * 30)
    window.tally.conflicts += 1
    return second, lines + window.file_final(
        received, _final_fields(window, base, second, segments, arrived), second
    )


def _file_dlrs(window: _Window, base: Fields, sent: int, until: int) -> int:
    """File one or two DLRs received between the send and `until`; returns the lines filed."""
    received, lines = sent, 0
    for code in _DLR_CODES[2 if window.draw() < TWO_DLR_SHARE else 1]:
        received += int(window.draw() * min(until - received, 600))
        lines += window.file_report(received, (*base, "rescnt=0", f"err_code={code}", "rslt_type=3"))
    return lines


def _final(
    window: _Window,
    base: Fields,
    code: str,
    segments: int,
    sent: int,
    *,
    late_days: int = 0,
    slow: bool = False,
) -> Entry:
    """When a message's final is received, and its parameters."""
    bits = window.rng.getrandbits
    if code == "1000":
        arrived = sent + 2 + bits(5)
        if slow:
            arrived += bits(13)
        received = arrived + 1 + bits(3)
    else:
        arrived = received = sent + 5 + bits(11)
    received += late_days * DAY_SECONDS
    if received > window.end:
        received = window.end
    return received, _final_fields(window, base, code, segments, min(arrived, received))


def _final_fields(window: _Window, base: Fields, code: str, segments: int, arrived: int) -> Fields:
    if code == "1000":
        fields = (*base, f"rescnt={segments}", "err_code=1000", "sent_date=" + window.sent_date(arrived))
    else:
        # Infobank's own example of a failure report bills nothing: rescnt=0.
        fields = (*base, "rescnt=0", "err_code=" + code)
    return (*fields, "rslt_type=0") if window.draw() < FINAL_RSLT_TYPE_SHARE else fields


class _FileWriter:
    """Writes each day's received reports into its files, adding malformed and blank lines."""

    def __init__(self, folder: Path, window: _Window, files_per_day: int) -> None:
        self.folder = folder
        self.window = window
        self.files_per_day = files_per_day
        self.draw, self.bits = window.rng.random, window.rng.getrandbits
        self.orders = _field_orders(window.rng)
        self.epoch_start = datetime.combine(window.first_day, time(), KST).timestamp()
        self.iso_days = [(window.first_day + timedelta(days=d)).isoformat() + "T" for d in range(window.days)]
        clock = _clock_texts()
        self.log_clock = [text + "+09:00\t" for text in clock]
        self.json_clock = [text + '+09:00", "' for text in clock]
        self.formatters: dict[str, Callable[[int, list[Entry]], list[str]]] = {
            "log": self.log_lines,
            "txt": self.txt_lines,
            "jsonl": self.json_lines,
        }
        # The first file able to hold a kind gets one, so even a small store shows every kind.
        self.owed = list(MALFORMED_KINDS)
        self.blank_owed = True

    def write_day(self, offset: int, entries: list[Entry]) -> None:
        parts: list[list[Entry]] = [[] for _ in range(self.files_per_day)]
        for entry in entries:
            parts[entry[0] % DAY_SECONDS * self.files_per_day // DAY_SECONDS].append(entry)
        day_text = self.iso_days[offset][:10].replace("-", "")
        for part, part_entries in enumerate(parts):
            number = offset * self.files_per_day + part
            suffix = f"-{part + 1:02d}" if self.files_per_day > 1 else ""
            file_format = FORMATS[number % len(FORMATS)]
            self.write_file(f"reports-{day_text}{suffix}.{file_format}", file_format, offset, part_entries)

    def write_file(self, name: str, file_format: str, day: int, entries: list[Entry]) -> None:
        format_lines = self.formatters[file_format.removesuffix(".gz")]
        entries.sort(key=itemgetter(0))
        self.shuffle_a_little(entries)
        lines = self.with_extras(format_lines(day, entries), entries, file_format, day)
        data = ("\n".join(lines) + "\n").encode() if lines else b""
        if file_format.endswith(".gz"):
            data = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
        path = self.folder / name
        path.write_bytes(data)
        # A stored file is last written when its last report arrives; readers fall back on that time
        # for reports that carry no received_at of their own.
        last_received = max((entry[0] for entry in entries), default=day * DAY_SECONDS)
        stamp = self.epoch_start + last_received
        os.utime(path, (stamp, stamp))
        tally = self.window.tally
        tally.lines += len(lines)
        tally.valid_reports += len(entries)
        tally.files.append(name)

    def shuffle_a_little(self, entries: list[Entry]) -> None:
        """Swap a few reports with a neighbour up to five places on: stores are not in arrival order."""
        draw, size = self.draw, len(entries)
        for _ in range(int(size * SHUFFLE_SHARE)):
            here = int(draw() * size)
            there = min(size - 1, here + 1 + int(draw() * 5))
            entries[here], entries[there] = entries[there], entries[here]

    def with_extras(self, lines: list[str], entries: list[Entry], file_format: str, day: int) -> list[str]:
        """The lines with malformed and blank ones spliced in at random places."""
        if not entries:
            return lines
        draw, tally = self.draw, self.window.tally
        json = file_format.startswith("jsonl")
        kinds = [kind for kind in self.owed if kind != "invalid_json" or json]
        self.owed = [kind for kind in self.owed if kind not in kinds]
        possible = MALFORMED_KINDS if json else MALFORMED_KINDS[:-1]
        for _ in range(int(len(entries) * MALFORMED_SHARE + draw())):
            kinds.append(possible[int(draw() * len(possible))])
        format_lines = self.formatters[file_format.removesuffix(".gz")]
        extras = [
            _malformed_line(kind, entries[int(draw() * len(entries))], day, format_lines, json)
            for kind in kinds
        ]
        blanks = int(len(entries) * BLANK_SHARE + draw()) + self.blank_owed
        self.blank_owed = False
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
        bits, orders, clock, stamp_day = self.bits, self.orders, self.log_clock, self.iso_days[day]
        day_start = day * DAY_SECONDS
        lines = []
        for received, fields in entries:
            # Twelve random bits: the parameter order (4), the path (1), and for 1 line in 128 (x < 32)
            # a percent-encoded digit in `to`.
            x = bits(12)
            if x < 32:
                fields = self.encode_a_digit(fields)
            query = "&".join(orders[len(fields)][x & 15](fields))
            lines.append(stamp_day + clock[received - day_start] + _LOG_PATHS[x >> 4 & 1] + query)
        return lines

    def txt_lines(self, day: int, entries: list[Entry]) -> list[str]:
        bits, orders = self.bits, self.orders
        lines = []
        for _, fields in entries:
            x = bits(10)  # the parameter order (4), a leading "?" (1), and 1 in 128 (x < 8) an encoded digit
            if x < 8:
                fields = self.encode_a_digit(fields)
            lines.append(_TXT_STARTS[x >> 4 & 1] + "&".join(orders[len(fields)][x & 15](fields)))
        return lines

    def json_lines(self, day: int, entries: list[Entry]) -> list[str]:
        bits, orders, clock, stamp_day = self.bits, self.orders, self.json_clock, self.iso_days[day]
        day_start = day * DAY_SECONDS
        lines = []
        for received, fields in entries:
            x = bits(8)  # the parameter order (4), and a received_at on 11 lines in 16
            head = '{"received_at": "' + stamp_day + clock[received - day_start] if x >> 4 < 11 else '{"'
            # Names and values never contain "=", so each "name=value" becomes "name": "value".
            body = '", "'.join(orders[len(fields)][x & 15](fields))
            lines.append(head + body.replace("=", '": "') + '"}')
        return lines

    def encode_a_digit(self, fields: Fields) -> Fields:
        """The parameters with one digit of `to` percent-encoded (it decodes to the same number)."""
        to = fields[1]
        if not to.startswith("to="):
            return fields
        at = 3 + int(self.draw() * (len(to) - 3))
        return (fields[0], f"{to[:at]}%{ord(to[at]):02X}{to[at + 1 :]}", *fields[2:])


def _malformed_line(
    kind: str, entry: Entry, day: int, format_lines: Callable[[int, list[Entry]], list[str]], json: bool
) -> str:
    """A line of the kind, made from a real report so that it looks plausible."""
    received, fields = entry
    if kind == "garbage":
        return "%%%garbage"
    if kind == "invalid_json":
        return "{" + ", ".join("'" + pair.replace("=", "': '") + "'" for pair in fields) + "}"
    if kind == "no_msgid":
        broken = fields[1:]
    elif kind in ("no_err_code", "truncated"):
        broken = tuple(pair for pair in fields if not pair.startswith("err_code="))
    elif kind == "bad_rescnt":
        broken = tuple("rescnt=abc" if pair.startswith("rescnt=") else pair for pair in fields)
    else:
        broken = tuple(pair for pair in fields if not pair.startswith("sent_date="))
        broken += (f"sent_date={IMPOSSIBLE_SENT_DATE}",)
    line = format_lines(day, [(received, broken)])[0]
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
        fields = (f"to={to}", f"to_country={country}", f"network={network}")
        found.append((fields, country != "82", network in KNOWN_NETWORKS))
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
_DLR_CODES: dict[int, tuple[str, ...]] = {1: ("1000",), 2: ("2000", "1000")}
_LOG_PATHS = ("?", "/infobank/report?")
_TXT_STARTS = ("", "?")


def _field_orders(rng: random.Random) -> dict[int, list[Callable[[Fields], Fields]]]:
    """Per parameter count, FIELD_ORDERS ways to reorder a line's parameters, the written order first."""
    orders: dict[int, list[Callable[[Fields], Fields]]] = {}
    for count in range(3, 12):
        positions = list(range(count))
        getters = [itemgetter(*positions)]
        for _ in range(FIELD_ORDERS - 1):
            rng.shuffle(positions)
            getters.append(itemgetter(*positions))
        orders[count] = getters
    return orders


@cache
def _clock_texts() -> list[str]:
    """The text HH:MM:SS of every second of a day."""
    return [
        f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}" for second in range(DAY_SECONDS)
    ]
