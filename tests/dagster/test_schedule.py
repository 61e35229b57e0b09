"""The 06:00 KST schedule: what it asks for, the run it starts, and the freshness check on the reports."""

from datetime import datetime, timedelta

import dagster as dg
import pytest
from dagster._core.test_utils import freeze_time  # Dagster's own clock, which the freshness check reads

from assets.jobs import DAILY_JOB
from assets.reports import daily_reports, daily_reports_freshness
from assets.resources import ExportsResource, SlackResource, WarehouseResource
from assets.schedules import daily_report_schedule, morning_run_request
from pipelines.definitions import build_definitions
from pipelines.kst import KST
from pipelines.settings import load_settings
from tests.conftest import ACCOUNT, DAY, SECRET, sms

MORNING = datetime(DAY.year, DAY.month, DAY.day, 6, tzinfo=KST) + timedelta(days=2)  # 06:00 on DAY + 2


@pytest.fixture
def vendors_env(monkeypatch, simulator, tmp_path):
    """The environment of a deployment with both vendors, pointed at the loopback simulator."""
    store = tmp_path / "infobank"
    store.mkdir()
    env = {
        "CAFE24_SMS_LIST_URL": simulator.url,
        "CAFE24_SMS_USER_ID": ACCOUNT,
        "CAFE24_SMS_SECURE": SECRET,
        "CAFE24_LOOKBACK_DAYS": "3",
        "INFOBANK_REPORTS_DIR": str(store),
        "SMS_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "SMS_OUTPUT_DIR": str(tmp_path / "out"),
        "SMS_ANALYTICS_DIR": str(tmp_path / "analytics"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def test_the_schedule_runs_at_six_in_seoul_for_yesterday_and_the_lookback_days(vendors_env):
    assert (daily_report_schedule.cron_schedule, daily_report_schedule.execution_timezone) == (
        "0 6 * * *",
        "Asia/Seoul",
    )
    request = daily_report_schedule(dg.build_schedule_context(scheduled_execution_time=MORNING))
    yesterday = DAY + timedelta(days=1)
    assert request.tags == {
        "dagster/asset_partition_range_start": str(yesterday - timedelta(days=3)),
        "dagster/asset_partition_range_end": str(yesterday),
    }
    assert {key.to_user_string() for key in request.asset_selection} == {
        "cafe24_messages",
        "infobank_reports",
        "delivery_outcomes",
        "daily_reports",
        "report_day_files",
        "morning_message",
        "analytics_copy",
    }


def test_vendors_not_configured_are_left_out_of_the_morning_run():
    infobank_only = load_settings({"INFOBANK_REPORTS_DIR": "/srv/infobank"})
    request = morning_run_request(infobank_only, DAY)
    assert request.tags == {}  # no partitioned asset, no partition range
    assert [key.to_user_string() for key in request.asset_selection] == [
        "infobank_reports",
        "delivery_outcomes",
        "daily_reports",
        "report_day_files",
        "morning_message",
        "analytics_copy",
    ]
    assert isinstance(morning_run_request(load_settings({}), DAY), dg.SkipReason)


def test_the_morning_run_ingests_yesterday_and_the_lookback_days_and_builds_the_reports(
    vendors_env, simulator
):
    late = sms(DAY - timedelta(days=1), status=1)  # still in flight when first read
    simulator.load(ACCOUNT, [late, sms(DAY + timedelta(days=1), minute=5)])
    request = daily_report_schedule(dg.build_schedule_context(scheduled_execution_time=MORNING))
    job = build_definitions().resolve_job_def(DAILY_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance, tags=request.tags, asset_selection=request.asset_selection
        )
    assert result.success
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    assert materialized == {
        "cafe24_messages",
        "infobank_reports",
        "delivery_outcomes",
        "daily_reports",
        "report_day_files",
        "morning_message",
        "analytics_copy",
    }
    with WarehouseResource(database=vendors_env["SMS_WAREHOUSE"]).open() as warehouse:
        rows = warehouse.connection.execute(
            "SELECT activity_date, sum(messages) FROM report_delivery_daily GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    assert rows == [(DAY - timedelta(days=1), 1), (DAY + timedelta(days=1), 1)]


def run_freshness_check(instance: dg.DagsterInstance, resources: dict) -> dg.AssetCheckEvaluation:
    definitions = dg.Definitions(
        assets=[daily_reports],
        asset_checks=daily_reports_freshness,
        jobs=[
            dg.define_asset_job(
                "check_freshness", selection=dg.AssetSelection.checks(*daily_reports_freshness)
            )
        ],
        resources=resources,
    )
    result = definitions.resolve_job_def("check_freshness").execute_in_process(instance=instance)
    return result.get_asset_check_evaluations()[0]


def test_the_freshness_check_flags_reports_more_than_a_day_late(tmp_path):
    resources = {
        "warehouse": WarehouseResource(database=str(tmp_path / "warehouse.duckdb")),
        "exports": ExportsResource(output_dir=str(tmp_path / "out")),
        "slack": SlackResource(),
    }
    with dg.DagsterInstance.ephemeral() as instance:
        with freeze_time(MORNING + timedelta(minutes=10)):
            assert dg.materialize([daily_reports], resources=resources, instance=instance).success
        with freeze_time(
            MORNING + timedelta(days=1, hours=1)
        ):  # the next morning's run failed: late, < a day
            assert run_freshness_check(instance, resources).passed
        with freeze_time(MORNING + timedelta(days=2, hours=1)):  # no report for more than a day
            late = run_freshness_check(instance, resources)
    assert not late.passed
    assert late.severity == dg.AssetCheckSeverity.WARN


def test_the_morning_run_reads_no_cafe24_day_before_the_first_partition():
    cafe24 = {
        "CAFE24_SMS_LIST_URL": "http://127.0.0.1:1/sms_list.php",
        "CAFE24_SMS_USER_ID": ACCOUNT,
        "CAFE24_SMS_SECURE": SECRET,
        "CAFE24_LOOKBACK_DAYS": "3",
    }
    starting = load_settings({**cafe24, "CAFE24_FIRST_DAY": str(DAY - timedelta(days=1))})
    assert morning_run_request(starting, DAY).tags == {
        "dagster/asset_partition_range_start": str(DAY - timedelta(days=1)),
        "dagster/asset_partition_range_end": str(DAY),
    }
    # Yesterday is before the first partition: no Cafe24 partition to run, and nothing else configured.
    later = load_settings({**cafe24, "CAFE24_FIRST_DAY": str(DAY + timedelta(days=1))})
    assert morning_run_request(later, DAY) == dg.SkipReason(
        f"{DAY} is before CAFE24_FIRST_DAY ({DAY + timedelta(days=1)})"
    )
