"""The catalog: row counts and column schemas on each materialisation, the first partition from the
settings, and the downstream assets kept in sync after an upstream materialisation."""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import dagster as dg

from assets.jobs import DAILY_JOB, INFOBANK_JOB
from pipelines.catalog import row_count, table_columns
from pipelines.definitions import build_definitions
from pipelines.reports import REPORT_TABLES
from pipelines.run import run_pipeline
from pipelines.settings import load_settings
from pipelines.warehouse import open_warehouse
from tests.conftest import ACCOUNT, DAY, SECRET, rows_on

# Each warehouse asset and the tables whose rows it counts.
TABLES = {
    "cafe24_messages": ("cafe24_messages",),
    "infobank_reports": ("infobank_reports",),
    "delivery_outcomes": ("delivery_outcomes",),
    "daily_reports": REPORT_TABLES,
}
# The assets built on the vendors' data: what follows an upstream materialisation.
DOWNSTREAM = {"delivery_outcomes", "daily_reports", "report_day_files", "morning_message", "analytics_copy"}


def evaluate(**kwargs) -> dg.EvaluateAutomationConditionsResult:
    """One tick of the automation condition sensor. In a thread of its own: Dagster runs it with
    asyncio.run(), which refuses to start where an event loop already runs (the browser tests leave one)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(dg.evaluate_automation_conditions, **kwargs).result()


def test_each_materialisation_carries_the_row_count_and_the_commented_column_schema(
    monkeypatch, simulator, tmp_path
):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text("msgid=1&to=1000&to_country=82&rescnt=1&err_code=1000\n", encoding="utf-8")
    simulator.load(ACCOUNT, rows_on(DAY, 7))
    (tmp_path / "home").mkdir()
    environment = {
        "DAGSTER_HOME": str(tmp_path / "home"),  # the runs' events, to read back as the UI does
        "SMS_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "SMS_OUTPUT_DIR": str(tmp_path / "out"),
        "SMS_ANALYTICS_DIR": str(tmp_path / "analytics"),
        "CAFE24_SMS_LIST_URL": simulator.url,
        "CAFE24_SMS_USER_ID": ACCOUNT,
        "CAFE24_SMS_SECURE": SECRET,
        "CAFE24_LOOKBACK_DAYS": "0",
        "INFOBANK_REPORTS_DIR": str(reports),
    }
    for name, value in environment.items():  # the run's Definitions read them too
        monkeypatch.setenv(name, value)
    settings = load_settings()
    summary = run_pipeline(settings, DAY, DAY, say=lambda _: None, log_file=tmp_path / "run.log")
    with dg.DagsterInstance.get() as instance:
        latest = {
            asset: instance.get_latest_materialization_event(
                dg.AssetKey(asset)
            ).asset_materialization.metadata
            for asset in TABLES
        }

    with open_warehouse(settings.warehouse_path) as warehouse:
        rows = {table: row_count(warehouse, table) for tables in TABLES.values() for table in tables}
        columns = {table: table_columns(warehouse, table) for table in rows}
    assert (rows["cafe24_messages"], rows["infobank_reports"], rows["delivery_outcomes"]) == (7, 1, 8)
    counts = {asset: sum(rows[table] for table in tables) for asset, tables in TABLES.items()}
    assert {asset: latest[asset]["dagster/row_count"].value for asset in TABLES} == counts
    assert {asset: summary.materialized[asset]["dagster/row_count"] for asset in TABLES} == counts
    assert latest["daily_reports"]["rows_by_table"].value == {table: rows[table] for table in REPORT_TABLES}
    published = summary.materialized["analytics_copy"]
    assert published["dagster/row_count"] == sum(published["rows_by_table"].values())

    schemas = {asset: latest[asset]["dagster/column_schema"].value for asset in TABLES}
    assert all(isinstance(schema, dg.TableSchema) for schema in schemas.values())
    assert {
        asset: [(c.name, c.type, c.description) for c in schema.columns] for asset, schema in schemas.items()
    } == {
        asset: [
            (f"{table}.{c.name}" if len(tables) > 1 else c.name, c.type, c.comment)
            for table in tables
            for c in columns[table]
        ]
        for asset, tables in TABLES.items()
    }
    assert all(c.comment for table in columns for c in columns[table])  # every column has its comment
    # The CLI's summary shows the schema's size, not the schema.
    assert re.fullmatch(
        r"\d+ columns \(with their comments: .*\)",
        summary.materialized["delivery_outcomes"]["dagster/column_schema"],
    )


def test_the_partitions_start_at_cafe24_first_day():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pipelines.definitions import defs; "
            "print(defs.resolve_assets_def('cafe24_messages').partitions_def.start.date())",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CAFE24_FIRST_DAY": "2026-06-01"},
        check=True,
    )
    assert loaded.stdout.strip() == "2026-06-01"


def test_a_cafe24_backfill_brings_everything_below_it_in_sync_in_one_request(monkeypatch, tmp_path):
    monkeypatch.setenv("SMS_WAREHOUSE", str(tmp_path / "w.duckdb"))
    defs = build_definitions()
    with dg.DagsterInstance.ephemeral() as instance:
        first = evaluate(defs=defs, instance=instance)
        assert first.total_requested == 0  # nothing upstream changed: nothing to do, however much is missing
        # A backfill run of one Cafe24 day, say from the UI: nothing below it is in that run.
        instance.report_runless_asset_event(dg.AssetMaterialization("cafe24_messages", partition=str(DAY)))
        after = evaluate(defs=defs, instance=instance, cursor=first.cursor)
        requested = {result.key for result in after.results if result.true_subset.size}
        assert {key.to_user_string() for key in requested if isinstance(key, dg.AssetKey)} == DOWNSTREAM
        # The checks of delivery_outcomes run with it, so the blocking ones guard the reports as in a job.
        checks = {key.name for key in requested if isinstance(key, dg.AssetCheckKey)}
        assert checks == {
            "delivery_outcomes_keys_unique",
            "delivery_outcomes_statuses_canonical",
            "delivery_outcomes_no_final_went_back",
            "delivery_outcomes_reconcile_with_ingestion",
            "delivery_outcomes_codes_mapped",
        }
        again = evaluate(defs=defs, instance=instance, cursor=after.cursor)
        assert again.total_requested == 0  # requested once, not on every tick


def test_the_morning_run_is_not_repeated_and_the_infobank_sensors_run_is_followed(monkeypatch, tmp_path):
    store = tmp_path / "reports"
    store.mkdir()
    (store / "a.txt").write_text("msgid=1&to=1000&to_country=82&rescnt=1&err_code=1000\n", encoding="utf-8")
    for name, value in {
        "SMS_WAREHOUSE": tmp_path / "w.duckdb",
        "SMS_OUTPUT_DIR": tmp_path / "out",
        "SMS_ANALYTICS_DIR": tmp_path / "analytics",
        "INFOBANK_REPORTS_DIR": store,
    }.items():
        monkeypatch.setenv(name, str(value))
    defs = build_definitions()
    with dg.DagsterInstance.ephemeral() as instance:
        ticks = [evaluate(defs=defs, instance=instance)]

        def tick() -> set[str]:
            ticks.append(evaluate(defs=defs, instance=instance, cursor=ticks[-1].cursor))
            return {r.key.to_user_string() for r in ticks[-1].results if r.true_subset.size}

        # The schedule's run builds the vendors' data and everything on it: nothing is left to follow.
        morning = defs.resolve_job_def(DAILY_JOB).execute_in_process(
            instance=instance,
            partition_key=str(DAY),
            asset_selection=[dg.AssetKey("infobank_reports"), *(dg.AssetKey(name) for name in DOWNSTREAM)],
        )
        assert morning.success and tick() == set()
        # The Infobank sensor's run reads the store alone: what is built on it follows.
        (store / "b.txt").write_text(
            "msgid=2&to=1000&to_country=82&rescnt=1&err_code=1000\n", encoding="utf-8"
        )
        assert defs.resolve_job_def(INFOBANK_JOB).execute_in_process(instance=instance).success
        assert {name for name in tick() if ":" not in name} == DOWNSTREAM
