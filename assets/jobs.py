"""The jobs, each defined once: which assets each runs, under the names the CLI and the schedule use."""

import dagster as dg

from assets.cafe24 import cafe24_messages
from assets.infobank import infobank_reports
from assets.outcomes import delivery_outcomes
from assets.partitions import daily_kst
from assets.publish import analytics_copy
from assets.reports import daily_reports, morning_message, report_day_files

CAFE24_JOB = "cafe24_ingestion"
INFOBANK_JOB = "infobank_ingestion"
OUTCOMES_JOB = "outcomes_and_reports"
DAILY_JOB = "daily_pipeline"

VENDOR_ASSETS = (cafe24_messages, infobank_reports)
# What every run builds after the vendors' own assets: outcomes, the report tables, their day files, the
# morning message, and the analysts' published copy.
DOWNSTREAM_ASSETS = (delivery_outcomes, daily_reports, report_day_files, morning_message, analytics_copy)

cafe24_job = dg.define_asset_job(CAFE24_JOB, selection=[cafe24_messages], partitions_def=daily_kst)
infobank_job = dg.define_asset_job(INFOBANK_JOB, selection=[infobank_reports])
outcomes_job = dg.define_asset_job(OUTCOMES_JOB, selection=list(DOWNSTREAM_ASSETS))
# The morning schedule's job: every asset, each run selecting the configured vendors' part of it.
daily_job = dg.define_asset_job(
    DAILY_JOB, selection=[*VENDOR_ASSETS, *DOWNSTREAM_ASSETS], partitions_def=daily_kst
)
JOBS = (cafe24_job, infobank_job, outcomes_job, daily_job)
