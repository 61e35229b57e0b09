"""The code location: every asset, check, job, sensor and resource of the warehouse, in one Definitions."""

import dagster as dg

from assets.cafe24 import (
    cafe24_message_keys_unique,
    cafe24_no_final_status_went_back,
    cafe24_reads_balance,
)
from assets.infobank import (
    infobank_files_readable,
    infobank_lines_balance,
    infobank_quarantine_rate,
)
from assets.jobs import DOWNSTREAM_ASSETS, JOBS, VENDOR_ASSETS
from assets.outcomes import delivery_outcomes_codes_mapped, delivery_outcomes_findings_checks
from assets.reports import daily_reports_freshness, daily_reports_freshness_sensor
from assets.resources import (
    AnalyticsResource,
    Cafe24Resource,
    ExportsResource,
    InfobankResource,
    SlackResource,
    WarehouseResource,
)
from assets.schedules import daily_report_schedule
from assets.sensors import infobank_report_store_sensor
from pipelines.settings import load_settings


def build_definitions() -> dg.Definitions:
    """Definitions configured from the environment; secrets and folders are resolved only at run time."""
    settings = load_settings()
    return dg.Definitions(
        assets=[*VENDOR_ASSETS, *DOWNSTREAM_ASSETS],
        asset_checks=[
            cafe24_message_keys_unique,
            cafe24_no_final_status_went_back,
            cafe24_reads_balance,
            infobank_lines_balance,
            infobank_quarantine_rate,
            infobank_files_readable,
            delivery_outcomes_findings_checks,
            delivery_outcomes_codes_mapped,
            *daily_reports_freshness,
        ],
        jobs=list(JOBS),
        # One DuckDB writer: a run's steps one after another in the run's own process, not a process per
        # step (deploy/dagster.yaml gives the `warehouse` pool to one run at a time; docs/deployment.md).
        executor=dg.in_process_executor,
        schedules=[daily_report_schedule],
        sensors=[infobank_report_store_sensor, daily_reports_freshness_sensor],
        resources={
            "warehouse": WarehouseResource(
                database=str(settings.warehouse_path),
                memory_limit=settings.warehouse_memory_limit,
                settle_hours=settings.settle_hours,
            ),
            "cafe24": Cafe24Resource(
                sms_list_url=dg.EnvVar("CAFE24_SMS_LIST_URL"),
                user_id=dg.EnvVar("CAFE24_SMS_USER_ID"),
                secure=dg.EnvVar("CAFE24_SMS_SECURE"),
                lookback_days=settings.cafe24_lookback_days,
            ),
            "infobank": InfobankResource(reports_dir=dg.EnvVar("INFOBANK_REPORTS_DIR")),
            "exports": ExportsResource(output_dir=str(settings.output_dir)),
            "analytics": AnalyticsResource(analytics_dir=str(settings.analytics_dir)),
            # The webhook URL is a credential: given as EnvVar so the UI shows the variable, not the value.
            "slack": SlackResource(
                webhook_url=dg.EnvVar("SLACK_WEBHOOK_URL") if settings.slack_webhook_url else None
            ),
        },
    )


defs = build_definitions()
