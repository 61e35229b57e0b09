"""Sensors: launch the Infobank ingestion when the report store changes."""

import hashlib
from pathlib import Path

import dagster as dg

from assets.jobs import INFOBANK_JOB
from pipelines.infobank.store import scan_report_files
from pipelines.settings import load_settings


def report_store_state(folder: Path) -> str:
    """A digest of every report file's name, size and modification time: it changes when a file does."""
    digest = hashlib.sha256()
    for stored in scan_report_files(folder):
        digest.update(
            f"{stored.source_file}\0{stored.size_bytes}\0{stored.modified_at.isoformat()}\n".encode()
        )
    return digest.hexdigest()


@dg.sensor(job_name=INFOBANK_JOB, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def infobank_report_store_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    """Requests an Infobank ingestion whenever a report file appears or grows (cursor: the store digest)."""
    folder = load_settings().infobank_reports_dir
    if folder is None or not folder.is_dir():
        return dg.SkipReason("INFOBANK_REPORTS_DIR is not set or not a folder")
    state = report_store_state(folder)
    if state == context.cursor:
        return dg.SkipReason("no report file appeared or grew")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=state)], cursor=state)
