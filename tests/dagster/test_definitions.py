"""The code location loads, and its shape does not change by accident."""

import dagster as dg

from pipelines.definitions import PIPELINE_JOB, defs


def test_the_code_location_has_the_expected_assets_checks_and_jobs():
    assert {key.to_user_string() for key in defs.resolve_all_asset_keys()} == {"cafe24_messages"}
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {
        "cafe24_message_keys_unique",
        "cafe24_no_final_status_went_back",
        "cafe24_reads_balance",
    }
    assert defs.resolve_job_def(PIPELINE_JOB) is not None


def test_cafe24_messages_is_daily_in_seoul_and_backfills_in_one_run():
    asset = defs.resolve_assets_def("cafe24_messages")
    partitions = asset.partitions_def
    assert isinstance(partitions, dg.DailyPartitionsDefinition)
    assert partitions.timezone == "Asia/Seoul"
    assert asset.backfill_policy == dg.BackfillPolicy.single_run()
