"""Every asset check fails on a warehouse corrupted the way it guards against, and passes on the clean one.

One small warehouse is built the real way (the Cafe24 simulator on loopback, an Infobank report store, the
assets materialised with their checks through Dagster). Each test corrupts a copy of it with one targeted
statement, evaluates one check on the copy, and reads what the check says is wrong."""

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.cafe24 import (
    cafe24_message_keys_unique,
    cafe24_messages,
    cafe24_no_final_status_went_back,
    cafe24_reads_balance,
)
from assets.checks import CheckScope
from assets.infobank import (
    infobank_files_readable,
    infobank_lines_balance,
    infobank_quarantine_rate,
    infobank_reports,
)
from assets.outcomes import (
    delivery_outcomes,
    delivery_outcomes_codes_mapped,
    delivery_outcomes_findings_checks,
)
from assets.partitions import range_tags
from assets.reports import daily_reports
from assets.resources import Cafe24Resource, InfobankResource, WarehouseResource
from pipelines.kst import KST
from pipelines.outcomes import build_delivery_outcomes
from pipelines.simulator import Cafe24Simulator
from tests.conftest import ACCOUNT, DAY, SECRET, sms


@dataclass(frozen=True)
class OneOf:
    """One check of a multi-asset check (which evaluates several in one step), by its name."""

    definition: dg.AssetChecksDefinition
    name: str


delivery_outcomes_keys_unique = OneOf(delivery_outcomes_findings_checks, "delivery_outcomes_keys_unique")
delivery_outcomes_statuses_canonical = OneOf(
    delivery_outcomes_findings_checks, "delivery_outcomes_statuses_canonical"
)
delivery_outcomes_no_final_went_back = OneOf(
    delivery_outcomes_findings_checks, "delivery_outcomes_no_final_went_back"
)
delivery_outcomes_reconcile_with_ingestion = OneOf(
    delivery_outcomes_findings_checks, "delivery_outcomes_reconcile_with_ingestion"
)
CAFE24_CHECKS = [cafe24_message_keys_unique, cafe24_no_final_status_went_back, cafe24_reads_balance]
INFOBANK_CHECKS = [infobank_lines_balance, infobank_quarantine_rate, infobank_files_readable]
OUTCOME_CHECKS = [
    delivery_outcomes_keys_unique,
    delivery_outcomes_statuses_canonical,
    delivery_outcomes_no_final_went_back,
    delivery_outcomes_reconcile_with_ingestion,
    delivery_outcomes_codes_mapped,
]
ALL_CHECKS = [*CAFE24_CHECKS, *INFOBANK_CHECKS, *OUTCOME_CHECKS]
# What a run is given: the definitions, each multi-asset check once.
OUTCOME_CHECK_DEFINITIONS = [delivery_outcomes_findings_checks, delivery_outcomes_codes_mapped]

# The Cafe24 messages, known by their recipient (digits as stored).
DELIVERED = "01020000001"  # delivered at the first read, never changed: it has no history row
FAILED = "01020000002"  # failed and refunded
LATE = "01020000003"  # pending at the first read, delivered at the second: one history row
TWIN = "01020000004"  # sent twice, identically, in the same minute: ordinals 0 and 1
REPORTS = [
    "2026-10-03T10:00:05+09:00\tmsgid=11&to=1093446280&to_country=82&network=45005&rescnt=1&err_code=1000"
    "&sent_date=20261003100003",
    "2026-10-03T10:00:06+09:00\tmsgid=11&to=1093446280&to_country=82&network=45005&rescnt=1&err_code=1000"
    "&sent_date=20261003100003",  # Infobank resending the same report: a retry
    "2026-10-03T10:01:00+09:00\tmsgid=12&to=5551234&to_country=1&network=310260&rescnt=0&err_code=2003",
    "2026-10-03T10:02:00+09:00\tmsgid=13&to=1000&to_country=82&network=45008&rescnt=0&err_code=1000&rslt_type=3",
]


@dataclass(frozen=True)
class Built:
    """The clean warehouse, its report store, and the check evaluations of the runs that built it."""

    warehouse: Path
    reports: Path
    evaluations: list[dg.AssetCheckEvaluation]


def dashed(digits: str) -> str:
    """01020000001 as Cafe24 lists it: 010-2000-0001."""
    return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"


def cafe24_run(simulator: Cafe24Simulator, warehouse: Path) -> dg.ExecuteInProcessResult:
    resources = {
        "cafe24": Cafe24Resource(sms_list_url=simulator.url, user_id=ACCOUNT, secure=SECRET, lookback_days=1),
        "warehouse": WarehouseResource(database=str(warehouse)),
    }
    return dg.materialize([cafe24_messages, *CAFE24_CHECKS], resources=resources, tags=range_tags(DAY, DAY))


def infobank_and_outcomes_run(warehouse: Path, reports: Path) -> dg.ExecuteInProcessResult:
    resources = {
        "infobank": InfobankResource(reports_dir=str(reports)),
        "warehouse": WarehouseResource(database=str(warehouse)),
    }
    return dg.materialize(
        [infobank_reports, delivery_outcomes, *INFOBANK_CHECKS, *OUTCOME_CHECK_DEFINITIONS],
        resources=resources,
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("clean")
    warehouse, reports = folder / "warehouse.duckdb", folder / "reports"
    reports.mkdir()
    (reports / "a.log").write_text("\n".join(REPORTS) + "\n", encoding="utf-8")
    late = sms(minute=3, to=dashed(LATE), status=1)
    messages = [
        sms(minute=1, to=dashed(DELIVERED)),
        sms(minute=2, to=dashed(FAILED), status=9, refund_at=datetime(2026, 10, 3, 12)),
        late,
        sms(minute=4, to=dashed(TWIN)),
        sms(minute=4, to=dashed(TWIN)),
        sms(minute=5, to="010-2000-0005", sms_type="LMS", subject="공지"),
    ]
    with Cafe24Simulator(accounts={ACCOUNT: SECRET}) as simulator:
        simulator.load(ACCOUNT, messages)
        first = cafe24_run(simulator, warehouse)
        late.status = 3
        second = cafe24_run(simulator, warehouse)
    rest = infobank_and_outcomes_run(warehouse, reports)
    evaluations = [e for run in (first, second, rest) for e in run.get_asset_check_evaluations()]
    return Built(warehouse, reports, evaluations)


@pytest.fixture
def copy(clean: Built, tmp_path: Path) -> Path:
    """A copy of the clean warehouse file, for one test to corrupt."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(clean.warehouse, path)
    return path


def execute(path: Path, *statements: str) -> None:
    with duckdb.connect(str(path)) as connection:
        for statement in statements:
            connection.execute(statement)


def scalar(path: Path, query: str) -> object:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(query).fetchone()[0]


def key_to(path: Path, recipient: str, ordinal: int = 0) -> str:
    """The message_key of the Cafe24 message sent to `recipient`."""
    query = f"SELECT message_key FROM cafe24_messages WHERE recipient = '{recipient}' AND ordinal = {ordinal}"
    return str(scalar(path, query))


def evaluate(
    check: dg.AssetChecksDefinition | OneOf, path: Path, reports: Path, whole: bool = True
) -> dg.AssetCheckResult:
    """The check, called directly with the resources it asks for, on the warehouse at `path`; a check that
    can look at what the run wrote or at everything looks at everything (`whole`), as an audit would. One
    check of a multi-asset check gives its own result."""
    definition = check.definition if isinstance(check, OneOf) else check
    resources = {
        "warehouse": WarehouseResource(database=str(path)),
        "infobank": InfobankResource(reports_dir=str(reports), max_quarantine_rate=0.01),
    }
    arguments = {key: value for key, value in resources.items() if key in definition.required_resource_keys}
    if check in SCOPED_CHECKS or isinstance(check, OneOf):
        arguments["config"] = CheckScope(whole=whole)
    if isinstance(check, OneOf):
        arguments["context"] = dg.build_asset_check_context()
        return next(result for result in definition(**arguments) if result.check_name == check.name)
    return definition(**arguments)


# The checks that look at what the latest build or load wrote, unless asked to look at everything.
SCOPED_CHECKS = (
    delivery_outcomes_no_final_went_back,
    delivery_outcomes_reconcile_with_ingestion,
    delivery_outcomes_keys_unique,
    infobank_lines_balance,
)


def fails(
    check: dg.AssetChecksDefinition | OneOf,
    path: Path,
    reports: Path,
    *says: str,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
) -> dg.AssetCheckResult:
    """Evaluates the check and asserts it fails with `severity`, its description containing each of `says`."""
    result = evaluate(check, path, reports)
    assert not result.passed, result.description
    assert result.severity == severity
    for words in says:
        assert words in (result.description or ""), (words, result.description)
    return result


def name(check: dg.AssetChecksDefinition | OneOf) -> str:
    """The check's name, as the UI and the run summary show it."""
    return check.name if isinstance(check, OneOf) else next(iter(check.check_keys)).name


# The clean warehouse


def test_the_runs_that_built_the_clean_warehouse_passed_every_check(clean):
    assert {e.check_name for e in clean.evaluations} == {name(check) for check in ALL_CHECKS}
    assert [e.check_name for e in clean.evaluations if not e.passed] == []


def test_the_clean_warehouse_holds_what_the_corruptions_need(clean):
    assert scalar(clean.warehouse, "SELECT count(*) FROM cafe24_status_history") == 1  # LATE: pending, then 3
    assert (
        scalar(clean.warehouse, f"SELECT max(ordinal) FROM cafe24_messages WHERE recipient = '{TWIN}'") == 1
    )
    assert scalar(clean.warehouse, "SELECT count(*) FROM infobank_reports WHERE is_retry") == 1
    assert scalar(clean.warehouse, "SELECT count(*) FROM delivery_outcome_finals") > 0


@pytest.mark.parametrize("check", ALL_CHECKS, ids=name)
def test_every_check_passes_on_the_clean_warehouse(check, clean, copy):
    result = evaluate(check, copy, clean.reports)
    assert result.passed, result.description


# cafe24_message_keys_unique: every message's key follows from its own stored fields


def test_keys_fail_when_a_stored_identity_field_is_changed(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"UPDATE cafe24_messages SET msg = 'edited' WHERE message_key = '{key}'")
    fails(
        cafe24_message_keys_unique,
        copy,
        clean.reports,
        "identity_key is not the MD5 of their stored fields: 1",
        key,
    )


def test_keys_fail_when_a_key_is_renamed(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"UPDATE cafe24_messages SET message_key = 'c24-renamed-0' WHERE message_key = '{key}'")
    fails(
        cafe24_message_keys_unique,
        copy,
        clean.reports,
        "message_key is not c24- + identity_key",
        "c24-renamed-0",
    )


def test_keys_fail_when_one_of_two_identical_messages_is_gone(clean, copy):
    identity = scalar(
        copy, f"SELECT identity_key FROM cafe24_messages WHERE recipient = '{TWIN}' AND ordinal = 1"
    )
    execute(copy, f"DELETE FROM cafe24_messages WHERE recipient = '{TWIN}' AND ordinal = 0")
    fails(cafe24_message_keys_unique, copy, clean.reports, "ordinals do not run 0, 1, 2", str(identity))


# cafe24_no_final_status_went_back: a final sendStatus never goes back or changes


def test_finals_fail_when_a_final_without_history_is_turned_back_to_pending(clean, copy):
    key = key_to(copy, DELIVERED)
    assert scalar(copy, f"SELECT count(*) FROM cafe24_status_history WHERE message_key = '{key}'") == 0
    execute(copy, f"UPDATE cafe24_messages SET send_status = 1, is_final = false WHERE message_key = '{key}'")
    fails(
        cafe24_no_final_status_went_back,
        copy,
        clean.reports,
        "published with a final status they no longer show",
        key,
    )


def test_finals_fail_when_a_success_becomes_a_failure(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"UPDATE cafe24_messages SET send_status = 9 WHERE message_key = '{key}'")
    fails(cafe24_no_final_status_went_back, copy, clean.reports, "no longer show: 1", key)


def test_finals_fail_when_is_final_disagrees_with_the_status(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"UPDATE cafe24_messages SET send_status = 1 WHERE message_key = '{key}'")
    fails(
        cafe24_no_final_status_went_back,
        copy,
        clean.reports,
        "is_final disagrees with their send_status: 1",
        key,
    )


def test_finals_fail_when_a_message_leaves_the_final_status_its_history_reached(clean, copy):
    key = key_to(copy, LATE)
    execute(copy, f"UPDATE cafe24_messages SET send_status = 1, is_final = false WHERE message_key = '{key}'")
    fails(cafe24_no_final_status_went_back, copy, clean.reports, "history reached a final status", key)


def test_finals_fail_when_the_history_leaves_a_final_status(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"INSERT INTO cafe24_status_history VALUES ('{key}', 'a-later-read', 3, 1, NULL, NULL)")
    fails(
        cafe24_no_final_status_went_back,
        copy,
        clean.reports,
        "history rows that leave a final status: 1",
        key,
    )


# cafe24_reads_balance: every record a read listed is accounted for, against the stored rows


def test_reads_fail_when_a_stored_message_is_deleted(clean, copy):
    key = key_to(copy, DELIVERED)
    fetch = scalar(copy, f"SELECT first_fetch_id FROM cafe24_messages WHERE message_key = '{key}'")
    execute(copy, f"DELETE FROM cafe24_messages WHERE message_key = '{key}'")
    fails(
        cafe24_reads_balance,
        copy,
        clean.reports,
        "rows_new differs from the messages they first stored: 1",
        str(fetch),
    )


def test_reads_fail_when_the_counters_do_not_add_up(clean, copy):
    fetch = scalar(copy, "SELECT min(fetch_id) FROM cafe24_fetches")
    execute(copy, f"UPDATE cafe24_fetches SET rows_unchanged = rows_unchanged + 1 WHERE fetch_id = '{fetch}'")
    fails(
        cafe24_reads_balance,
        copy,
        clean.reports,
        "rows_read is not new + updated + unchanged + quarantined",
        str(fetch),
    )


def test_reads_fail_when_a_status_change_is_deleted(clean, copy):
    fetch = scalar(copy, "SELECT fetch_id FROM cafe24_status_history")
    execute(copy, "DELETE FROM cafe24_status_history")
    fails(
        cafe24_reads_balance, copy, clean.reports, "rows_updated differs from the status changes", str(fetch)
    )


def test_reads_fail_when_a_quarantine_row_appears(clean, copy):
    fetch = scalar(copy, "SELECT min(fetch_id) FROM cafe24_fetches")
    execute(copy, f"INSERT INTO cafe24_quarantine VALUES ('{fetch}', '{{}}', 'made up')")
    fails(
        cafe24_reads_balance,
        copy,
        clean.reports,
        "rows_quarantined differs from their quarantine rows",
        str(fetch),
    )


def test_reads_fail_when_a_message_points_to_a_read_not_recorded(clean, copy):
    key = key_to(copy, FAILED)
    execute(copy, f"UPDATE cafe24_messages SET last_change_fetch_id = 'nowhere' WHERE message_key = '{key}'")
    fails(cafe24_reads_balance, copy, clean.reports, "of a window read that is not recorded: 1", key)


# delivery_outcomes_keys_unique


def test_outcome_keys_fail_when_a_message_is_held_twice(clean, copy):
    execute(copy, "INSERT INTO delivery_outcomes SELECT * FROM delivery_outcomes WHERE message_key = 'ib-11'")
    fails(
        delivery_outcomes_keys_unique,
        copy,
        clean.reports,
        "held by more than one outcome row: 1",
        "ib-11 (2 rows)",
    )


# delivery_outcomes_statuses_canonical


def test_statuses_fail_when_a_status_is_outside_the_set(clean, copy):
    execute(copy, "UPDATE delivery_outcomes SET status = 'lost' WHERE message_key = 'ib-12'")
    fails(
        delivery_outcomes_statuses_canonical,
        copy,
        clean.reports,
        "status is not canonical: 1",
        "ib-12 ('lost')",
    )


def test_statuses_fail_when_a_vendor_is_unknown(clean, copy):
    execute(copy, "UPDATE delivery_outcomes SET vendor = 'Infobank' WHERE message_key = 'ib-12'")
    fails(
        delivery_outcomes_statuses_canonical, copy, clean.reports, "neither cafe24 nor infobank: 1", "ib-12"
    )


# delivery_outcomes_no_final_went_back


def test_outcome_finals_fail_when_a_final_is_turned_back_to_pending_with_is_final_left_true(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"UPDATE delivery_outcomes SET status = 'pending' WHERE message_key = '{key}'")
    fails(
        delivery_outcomes_no_final_went_back,
        copy,
        clean.reports,
        f"is_final disagrees with their status: 1 (e.g. {key} (pending, is_final true))",
        f"final in an earlier build that are not final now: 1 (e.g. {key} (was delivered, now pending))",
        "without the final status of their source: 1",
    )


def test_outcome_finals_fail_when_a_delivery_becomes_a_failure(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"UPDATE delivery_outcomes SET status = 'undelivered' WHERE message_key = '{key}'")
    fails(
        delivery_outcomes_no_final_went_back,
        copy,
        clean.reports,
        f"without the final status of their source: 1 (e.g. {key} (source delivered, outcome undelivered))",
    )


def test_outcome_finals_fail_when_an_infobank_final_goes_back_to_pending(clean, copy):
    execute(
        copy, "UPDATE delivery_outcomes SET status = 'pending', is_final = false WHERE message_key = 'ib-11'"
    )
    fails(
        delivery_outcomes_no_final_went_back,
        copy,
        clean.reports,
        "not final now: 1 (e.g. ib-11",
        "source delivered",
    )


# delivery_outcomes_reconcile_with_ingestion: by key, against the stored messages


def test_reconcile_fails_when_an_outcome_key_is_renamed_to_one_that_does_not_exist(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"UPDATE delivery_outcomes SET message_key = 'c24-nowhere-0' WHERE message_key = '{key}'")
    fails(
        delivery_outcomes_reconcile_with_ingestion,
        copy,
        clean.reports,
        "cafe24 outcomes whose key has no stored message: 1 (e.g. c24-nowhere-0)",
        f"cafe24 messages stored but missing from delivery_outcomes: 1 (e.g. {key})",
    )


def test_reconcile_fails_when_an_outcome_is_deleted(clean, copy):
    execute(copy, "DELETE FROM delivery_outcomes WHERE message_key = 'ib-12'")
    fails(
        delivery_outcomes_reconcile_with_ingestion,
        copy,
        clean.reports,
        "infobank messages stored but missing",
        "ib-12",
    )


def test_reconcile_fails_when_a_stored_report_is_deleted(clean, copy):
    execute(copy, "DELETE FROM infobank_reports WHERE msgid = '12'")
    fails(
        delivery_outcomes_reconcile_with_ingestion,
        copy,
        clean.reports,
        "infobank outcomes whose key has no stored message: 1 (e.g. ib-12)",
    )


def test_reconcile_fails_when_a_retry_report_is_deleted(clean, copy):
    execute(copy, "DELETE FROM infobank_reports WHERE msgid = '11' AND is_retry")
    fails(
        delivery_outcomes_reconcile_with_ingestion,
        copy,
        clean.reports,
        "outcomes whose report_count differ from the stored message: 1 (e.g. ib-11)",
    )


def test_reconcile_fails_when_billed_units_differ(clean, copy):
    execute(copy, "UPDATE delivery_outcomes SET billed_units = 2 WHERE message_key = 'ib-11'")
    fails(
        delivery_outcomes_reconcile_with_ingestion,
        copy,
        clean.reports,
        "outcomes whose billed_units differ from the stored message: 1 (e.g. ib-11)",
    )


def test_reconcile_fails_when_a_refund_is_lost(clean, copy):
    key = key_to(copy, FAILED)
    execute(copy, f"UPDATE delivery_outcomes SET refunded_at = NULL WHERE message_key = '{key}'")
    fails(delivery_outcomes_reconcile_with_ingestion, copy, clean.reports, "refunded_at differ", key)


# delivery_outcomes_codes_mapped (a warning)


def test_codes_mapped_warns_when_the_dictionary_lacks_a_code(clean, copy):
    execute(
        copy, "DELETE FROM status_codes WHERE vendor = 'infobank' AND code_kind = 'report' AND code = '2003'"
    )
    with WarehouseResource(database=str(copy)).open() as wh:
        build_delivery_outcomes(wh, datetime.now(KST))
    result = fails(
        delivery_outcomes_codes_mapped,
        copy,
        clean.reports,
        "infobank 2003: 1",
        severity=dg.AssetCheckSeverity.WARN,
    )
    assert result.metadata["unmapped_messages"] == dg.MetadataValue.int(1)


# The Infobank checks


def test_lines_balance_fails_when_a_file_load_does_not_add_up(clean, copy):
    execute(copy, "UPDATE infobank_file_loads SET retries = retries + 1")
    result = fails(infobank_lines_balance, copy, clean.reports)
    assert result.metadata["unbalanced_file_loads"] == dg.MetadataValue.int(1)


def test_lines_balance_fails_when_a_line_is_stored_twice(clean, copy):
    execute(copy, "INSERT INTO infobank_reports SELECT * FROM infobank_reports WHERE msgid = '12'")
    result = fails(infobank_lines_balance, copy, clean.reports)
    assert result.metadata["lines_stored_twice"] == dg.MetadataValue.int(1)


def test_quarantine_rate_fails_when_the_latest_load_quarantined_too_much(clean, copy):
    execute(copy, "UPDATE infobank_loads SET quarantined = lines_read - blank_lines")
    result = fails(
        infobank_quarantine_rate, copy, clean.reports, "4 of this run's 4 lines quarantined", "above"
    )
    assert result.metadata["rate"] == dg.MetadataValue.float(1.0)


def test_files_readable_warns_when_the_latest_load_could_not_read_a_file(clean, copy):
    execute(
        copy,
        "INSERT INTO infobank_file_problems SELECT load_id, 'b.log.gz', 'is not a gzip file' "
        "FROM infobank_loads ORDER BY finished_at DESC LIMIT 1",
    )
    fails(
        infobank_files_readable,
        copy,
        clean.reports,
        "1 files not read: b.log.gz is not a gzip file",
        severity=dg.AssetCheckSeverity.WARN,
    )


def test_a_daily_check_looks_at_what_the_latest_build_wrote_and_an_audit_at_everything(clean, copy):
    key = key_to(copy, DELIVERED)
    execute(copy, f"UPDATE delivery_outcomes SET message_key = 'c24-nowhere-0' WHERE message_key = '{key}'")
    execute(copy, "DELETE FROM outcome_check_scope")  # the latest build recomputed nothing
    daily = evaluate(delivery_outcomes_reconcile_with_ingestion, copy, clean.reports, whole=False)
    assert daily.passed, daily.description
    audit = evaluate(delivery_outcomes_reconcile_with_ingestion, copy, clean.reports, whole=True)
    assert not audit.passed and "c24-nowhere-0" in (audit.description or "")
    execute(copy, f"INSERT INTO outcome_check_scope VALUES ('{key}')")  # the latest build wrote it
    assert not evaluate(delivery_outcomes_reconcile_with_ingestion, copy, clean.reports, whole=False).passed


def test_duplicates_are_looked_for_among_what_the_latest_build_or_load_wrote_and_everywhere_by_an_audit(
    clean, copy
):
    """A daily run's cost must not grow with the history: the key and line duplicate checks look at the keys
    the latest outcome build wrote and the files the latest load read; `whole: true` looks everywhere."""
    execute(copy, "INSERT INTO delivery_outcomes SELECT * FROM delivery_outcomes WHERE message_key = 'ib-11'")
    execute(copy, "INSERT INTO infobank_reports SELECT * FROM infobank_reports WHERE msgid = '12'")
    execute(copy, "DELETE FROM outcome_check_scope WHERE message_key = 'ib-11'")  # written by an older build
    execute(copy, "DELETE FROM infobank_file_loads")  # no file read by the latest load
    for check in (delivery_outcomes_keys_unique, infobank_lines_balance):
        daily = evaluate(check, copy, clean.reports, whole=False)
        assert daily.passed, daily.description
        assert not evaluate(check, copy, clean.reports, whole=True).passed


def test_a_failed_blocking_outcome_check_keeps_the_reports_from_being_built(tmp_path):
    """The findings checks of delivery_outcomes run in one step; one of them failing stops what is built on
    delivery_outcomes, as a blocking check must, and names itself."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.log").write_text("\n".join(REPORTS) + "\n", encoding="utf-8")
    warehouse = WarehouseResource(database=str(tmp_path / "warehouse.duckdb"))
    with warehouse.open() as wh:  # a dictionary edited by hand: delivered reports map to no canonical status
        wh.connection.execute(
            "UPDATE status_codes SET status = 'lost' WHERE vendor = 'infobank' AND code = '1000'"
        )
    result = dg.materialize(
        [infobank_reports, delivery_outcomes, delivery_outcomes_findings_checks, daily_reports],
        resources={"infobank": InfobankResource(reports_dir=str(reports)), "warehouse": warehouse},
        raise_on_error=False,
    )
    assert not result.success
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == {"delivery_outcomes_statuses_canonical"}
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert built == {"infobank_reports", "delivery_outcomes"}  # no daily_reports on a failed blocking check


def test_a_query_that_cannot_run_fails_its_own_checks_and_the_others_still_report(clean, copy):
    execute(copy, "DROP TABLE infobank_stored_files")  # the message rule joins it: its derivation raises
    for check in (delivery_outcomes_no_final_went_back, delivery_outcomes_reconcile_with_ingestion):
        result = evaluate(check, copy, clean.reports)
        assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
        assert (result.description or "").startswith("the check could not run: CatalogException")
    for check in (delivery_outcomes_keys_unique, delivery_outcomes_statuses_canonical):
        assert evaluate(check, copy, clean.reports).passed


def test_one_outcome_check_can_run_alone(clean, copy):
    """As from the UI's "execute" on one check: a job selecting it runs it and no other."""
    key = dg.AssetCheckKey(delivery_outcomes.key, "delivery_outcomes_keys_unique")
    defs = dg.Definitions(
        assets=[delivery_outcomes],
        asset_checks=[delivery_outcomes_findings_checks],
        jobs=[dg.define_asset_job("one_check", selection=dg.AssetSelection.checks(key))],
        resources={"warehouse": WarehouseResource(database=str(copy))},
    )
    result = defs.resolve_job_def("one_check").execute_in_process()
    assert [(e.check_name, e.passed) for e in result.get_asset_check_evaluations()] == [
        ("delivery_outcomes_keys_unique", True)
    ]
