"""The status-code dictionary (sql/seeds/status_codes.csv) against its own rules and the vendor documents.

The vendor documents are parsed here independently of the seed, so a code the documents list but the
seed lacks (or a description copied wrongly) fails a test.
"""

import csv
import os
import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "sql" / "seeds"
STATUS_CODES = SEEDS / "status_codes.csv"
SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"

HEADER = [
    "vendor",
    "code_kind",
    "code",
    "status",
    "is_final",
    "reason",
    "failure_class",
    "retryable",
    "charged",
    "description_ko",
    "description_en",
    "confirmed",
]
KINDS = {
    ("cafe24", "send_status"),
    ("cafe24", "sms_result"),
    ("cafe24", "lms_result"),
    ("infobank", "submit"),
    ("infobank", "report"),
}
STATUSES = {"delivered", "undelivered", "rejected", "expired", "pending", "scheduled", "unknown"}
FAILED = {"undelivered", "rejected", "expired"}
NOT_YET = {"pending", "scheduled"}
REASONS = {
    "handset_off",
    "handset_full",
    "no_coverage",
    "invalid_number",
    "no_subscriber",
    "suspended",
    "recipient_refused",
    "spam_blocked",
    "sender_not_registered",
    "sender_spoofing_blocked",
    "ad_hours",
    "duplicate",
    "timeout",
    "carrier_error",
    "vendor_error",
    "unsupported_handset",
    "message_format",
    "authentication",
    "insufficient_balance",
    "bad_request",
    "accepted",
    "delivered",
    "unspecified",
}
FAILURE_CLASSES = {"transient", "permanent", "policy", "sender_config", "account", "platform"}
BOOLEAN_COLUMNS = ["is_final", "retryable", "charged", "confirmed"]

Key = tuple[str, str, str]


def load_rows() -> list[dict[str, str]]:
    with STATUS_CODES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


ROWS = load_rows()
BY_KEY: dict[Key, dict[str, str]] = {(r["vendor"], r["code_kind"], r["code"]): r for r in ROWS}


# ---- the vendor documents, parsed independently ---------------------------------------------------


def _cafe24_table(text: str, heading: str) -> dict[str, str]:
    """Rows `code<TAB>description` of the result-code table under `heading`, up to its footnote."""
    start = text.index(heading)
    end = text.index("* 기재되지 않은 결과코드", start)
    table = {}
    for line in text[start:end].splitlines():
        match = re.match(r"^(success|reserved|-?\d+)\t([^\t]+)", line)
        if match:
            table[match.group(1)] = match.group(2).strip()
    return table


@pytest.fixture(scope="module")
def documented() -> dict[tuple[str, str], dict[str, str]]:
    """(vendor, code_kind) -> {code: Korean description} as the vendor documents list them."""
    if not SPECS.is_dir():
        missing = f"vendor documents not found at {SPECS} (the shared/specs folder beside the repo)"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must check the seed against them")
        pytest.skip(missing)
    cafe24 = (SPECS / "cafe24_sms_hosting_api.txt").read_text(encoding="utf-8")
    infobank = (SPECS / "infobank_http_api.txt").read_text(encoding="utf-8")

    status_line = next(line for line in cafe24.splitlines() if line.startswith("sendStatus\t"))
    send_status = {code: text.strip() for code, text in re.findall(r"(\d+)\(([^)]*)\)", status_line)}

    submit, report = {}, {}
    for match in re.finditer(r"^(SUCCESS|FAILURE|INVALID|UNKNOWN) (R\d{3}|\d{4}) (.+)$", infobank, re.M):
        code, text = match.group(2), match.group(3).strip()
        (submit if code.startswith("R") else report)[code] = text

    return {
        ("cafe24", "send_status"): send_status,
        ("cafe24", "sms_result"): _cafe24_table(cafe24, "단문(SMS) 코드"),
        ("cafe24", "lms_result"): _cafe24_table(cafe24, "장문과 멀티 (LMS/MMS) 코드"),
        ("infobank", "submit"): submit,
        ("infobank", "report"): report,
    }


def test_the_document_parser_finds_the_tables_it_should(documented):
    sizes = {kind: len(codes) for kind, codes in documented.items()}
    assert sizes == {
        ("cafe24", "send_status"): 4,
        ("cafe24", "sms_result"): 39,
        ("cafe24", "lms_result"): 33,
        ("infobank", "submit"): 15,
        ("infobank", "report"): 32,
    }
    assert documented["cafe24", "sms_result"]["3206"] == "전송 성공"
    assert documented["cafe24", "lms_result"]["9999"] == "알 수 없는 에러"
    assert documented["infobank", "report"]["1000"] == "성공 : 단말기에 메시지 정상 도착"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_documented_code_is_in_the_seed_and_nothing_else(documented, kind):
    in_seed = {code for (vendor, code_kind, code) in BY_KEY if (vendor, code_kind) == kind}
    in_document = set(documented[kind])
    assert in_document - in_seed == set(), "documented codes missing from the seed"
    assert in_seed - in_document == set(), "seed codes the document does not list"


def test_korean_descriptions_are_the_documents_own_words(documented):
    wrong = {
        key: (row["description_ko"], documented[key[:2]][key[2]])
        for key, row in BY_KEY.items()
        if row["description_ko"].strip() != documented[key[:2]].get(key[2], "").strip()
    }
    assert wrong == {}


def test_known_typos_are_kept_as_the_vendor_wrote_them():
    assert BY_KEY["cafe24", "sms_result", "0002"]["description_ko"] == "메지시 구성 결여"


# ---- the file itself --------------------------------------------------------------------------------


def test_header_is_exactly_the_contract():
    with STATUS_CODES.open(encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == HEADER


def test_every_row_has_every_column():
    with STATUS_CODES.open(encoding="utf-8", newline="") as f:
        lengths = Counter(len(row) for row in csv.reader(f))
    assert set(lengths) == {len(HEADER)}


def test_vendor_kind_and_code_are_unique():
    counts = Counter((r["vendor"], r["code_kind"], r["code"]) for r in ROWS)
    assert [key for key, n in counts.items() if n > 1] == []
    assert {(r["vendor"], r["code_kind"]) for r in ROWS} == KINDS


def test_enums_are_valid():
    for row in ROWS:
        assert row["status"] in STATUSES, row
        assert row["reason"] in REASONS, row
        assert row["failure_class"] in FAILURE_CLASSES | {""}, row
        for column in BOOLEAN_COLUMNS:
            assert row[column] in {"true", "false"}, (column, row)
        assert row["description_ko"].strip(), row
        assert row["description_en"].strip(), row


def test_delivered_pending_and_scheduled_carry_no_failure_class_and_everything_else_does():
    for row in ROWS:
        if row["status"] in {"delivered"} | NOT_YET:
            assert row["failure_class"] == "", row
        else:
            assert row["failure_class"] != "", row


def test_reason_matches_status_for_successes_and_acceptances():
    for row in ROWS:
        assert (row["status"] == "delivered") == (row["reason"] == "delivered"), row
        assert (row["status"] in NOT_YET) == (row["reason"] == "accepted"), row


def test_finality_follows_the_status():
    for row in ROWS:
        if row["status"] in NOT_YET:
            assert row["is_final"] == "false", row
        elif row["status"] in FAILED | {"delivered"}:
            assert row["is_final"] == "true", row


def test_only_transient_and_platform_failures_are_retryable():
    for row in ROWS:
        if row["retryable"] == "true":
            assert row["failure_class"] in {"transient", "platform"}, row


def test_only_delivered_and_accepted_messages_are_charged():
    for row in ROWS:
        expected = "true" if row["status"] in {"delivered"} | NOT_YET else "false"
        assert row["charged"] == expected, row


@pytest.mark.parametrize(
    ("key", "status", "reason", "is_final"),
    [
        (("cafe24", "send_status", "1"), "pending", "accepted", "false"),
        (("cafe24", "send_status", "2"), "scheduled", "accepted", "false"),
        (("cafe24", "send_status", "3"), "delivered", "delivered", "true"),
        (("cafe24", "send_status", "9"), "undelivered", "unspecified", "true"),
        (("cafe24", "sms_result", "success"), "pending", "accepted", "false"),
        (("cafe24", "sms_result", "reserved"), "scheduled", "accepted", "false"),
        (("cafe24", "sms_result", "3206"), "delivered", "delivered", "true"),
        (("cafe24", "sms_result", "3220"), "unknown", "unspecified", "true"),
        (("cafe24", "lms_result", "112"), "expired", "timeout", "true"),
        (("cafe24", "lms_result", "9999"), "unknown", "unspecified", "true"),
        (("infobank", "submit", "R000"), "pending", "accepted", "false"),
        (("infobank", "submit", "R999"), "unknown", "unspecified", "false"),
        (("infobank", "report", "1000"), "delivered", "delivered", "true"),
        (("infobank", "report", "2000"), "expired", "timeout", "true"),
        (("infobank", "report", "2003"), "undelivered", "handset_off", "true"),
    ],
)
def test_anchor_codes_map_as_the_contract_says(key, status, reason, is_final):
    row = BY_KEY[key]
    assert (row["status"], row["reason"], row["is_final"]) == (status, reason, is_final)


def test_duckdb_reads_the_seed_as_written():
    con = duckdb.connect()
    try:
        relation = con.sql(
            "SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            params=[str(STATUS_CODES)],
        )
        columns = relation.columns
        rows = relation.fetchall()
    finally:
        con.close()
    assert columns == HEADER
    as_read = [tuple("" if value is None else value for value in row) for row in rows]
    assert as_read == [tuple(r[c] for c in HEADER) for r in ROWS]
    assert ("cafe24", "sms_result", "0001") in {row[:3] for row in as_read}
