"""The code location loads, and its shape does not change by accident."""

import dagster as dg

from assets.jobs import CAFE24_JOB, DAILY_JOB, INFOBANK_JOB, OUTCOMES_JOB
from pipelines.definitions import defs


def test_the_code_location_has_the_expected_assets_checks_jobs_and_sensors():
    assets = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert assets == {
        "cafe24_messages",
        "infobank_reports",
        "delivery_outcomes",
        "daily_reports",
        "report_day_files",
        "morning_message",
        "analytics_copy",
    }
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {
        "cafe24_message_keys_unique",
        "cafe24_no_final_status_went_back",
        "cafe24_reads_balance",
        "infobank_lines_balance",
        "infobank_quarantine_rate",
        "infobank_files_readable",
        "delivery_outcomes_keys_unique",
        "delivery_outcomes_statuses_canonical",
        "delivery_outcomes_no_final_went_back",
        "delivery_outcomes_reconcile_with_ingestion",
        "delivery_outcomes_codes_mapped",
        "freshness_check",  # on daily_reports
        "every_due_day_written",  # on report_day_files
        "posted_when_due",  # on morning_message
    }
    for job in (CAFE24_JOB, INFOBANK_JOB, OUTCOMES_JOB, DAILY_JOB):
        assert defs.resolve_job_def(job) is not None
    assert [schedule.name for schedule in defs.schedules] == ["daily_report_schedule"]
    assert [sensor.name for sensor in defs.sensors] == [
        "infobank_report_store_sensor",
        "daily_reports_freshness_sensor",
    ]


def test_cafe24_messages_is_daily_in_seoul_and_backfills_in_one_run():
    asset = defs.resolve_assets_def("cafe24_messages")
    partitions = asset.partitions_def
    assert isinstance(partitions, dg.DailyPartitionsDefinition)
    assert partitions.timezone == "Asia/Seoul"
    assert asset.backfill_policy == dg.BackfillPolicy.single_run()
