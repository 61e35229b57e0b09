"""The code location: every asset, check, job and resource of the warehouse, in one Definitions."""

import dagster as dg

from assets.cafe24 import (
    cafe24_message_keys_unique,
    cafe24_messages,
    cafe24_no_final_status_went_back,
    cafe24_reads_balance,
)
from assets.partitions import daily_kst
from pipelines.resources import Cafe24Resource, WarehouseResource
from pipelines.settings import load_settings

PIPELINE_JOB = "sms_warehouse_pipeline"


def build_definitions() -> dg.Definitions:
    """Definitions configured from the environment; the secure key is resolved only at run time."""
    settings = load_settings()
    pipeline_job = dg.define_asset_job(
        PIPELINE_JOB, selection=dg.AssetSelection.all(), partitions_def=daily_kst
    )
    return dg.Definitions(
        assets=[cafe24_messages],
        asset_checks=[cafe24_message_keys_unique, cafe24_no_final_status_went_back, cafe24_reads_balance],
        jobs=[pipeline_job],
        resources={
            "warehouse": WarehouseResource(database=str(settings.warehouse_path)),
            "cafe24": Cafe24Resource(
                sms_list_url=dg.EnvVar("CAFE24_SMS_LIST_URL"),
                user_id=dg.EnvVar("CAFE24_SMS_USER_ID"),
                secure=dg.EnvVar("CAFE24_SMS_SECURE"),
                lookback_days=settings.cafe24_lookback_days,
            ),
        },
    )


defs = build_definitions()
