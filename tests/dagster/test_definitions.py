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


def test_every_asset_has_the_teams_owner_and_the_tables_their_table_name():
    specs = {spec.key.to_user_string(): spec for spec in defs.resolve_all_asset_specs()}
    assert {name: tuple(spec.owners) for name, spec in specs.items()} == dict.fromkeys(
        specs, ("team:sms-warehouse",)
    )
    table_names = {name: spec.metadata.get("dagster/table_name") for name, spec in specs.items()}
    assert table_names == {
        "cafe24_messages": "cafe24_messages",
        "infobank_reports": "infobank_reports",
        "delivery_outcomes": "delivery_outcomes",
        "daily_reports": "report_delivery_daily",  # and the other three, under `tables`
        "report_day_files": None,  # files under SMS_OUTPUT_DIR, not a table
        "morning_message": None,  # a Slack post
        "analytics_copy": None,  # a database of views (rows_by_table names each)
    }
    assert specs["daily_reports"].metadata["tables"].value == [
        "report_delivery_daily",
        "report_failure_reasons_daily",
        "report_refunds_daily",
        "report_billing_daily",
    ]


def test_what_is_built_on_the_vendors_data_follows_any_upstream_materialisation():
    conditions = {
        spec.key.to_user_string(): spec.automation_condition.get_label()
        if spec.automation_condition
        else None
        for spec in defs.resolve_all_asset_specs()
    }
    assert conditions == {
        "cafe24_messages": None,  # the vendors' assets run on the schedule, the sensor, a backfill
        "infobank_reports": None,
        "delivery_outcomes": "after any upstream materialisation",
        "daily_reports": "after any upstream materialisation",
        "report_day_files": "after any upstream materialisation",
        "morning_message": "after any upstream materialisation",
        "analytics_copy": "after any upstream materialisation",
    }
    outcome_checks = {
        key.name: defs.resolve_asset_graph().get(key).automation_condition.get_label()
        for key in defs.resolve_asset_graph().asset_check_keys
        if key.asset_key == dg.AssetKey("delivery_outcomes")
    }
    assert set(outcome_checks.values()) == {"with its asset"} and len(outcome_checks) == 5
    # Dagster adds the sensor that evaluates them; stopped, like every sensor here (docs/deployment.md).
    sensor = defs.get_repository_def().get_sensor_def("default_automation_condition_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
