"""Materialising analytics_copy through Dagster, after delivery_outcomes and daily_reports in the same run."""

import dagster as dg

from assets.outcomes import delivery_outcomes
from assets.publish import analytics_copy
from assets.reports import daily_reports, report_day_files
from assets.resources import AnalyticsResource, ExportsResource, SlackResource, WarehouseResource
from pipelines.cafe24.client import SmsListClient
from pipelines.cafe24.ingest import ingest_cafe24
from pipelines.publish import ANALYTICS_FILE, MONTHLY_TABLES, PUBLISHED_TABLES
from tests.conftest import ACCOUNT, DAY, client_config, rows_on


def test_analytics_copy_publishes_after_the_reports_and_says_what_it_wrote(
    simulator, warehouse_path, tmp_path
):
    simulator.load(ACCOUNT, rows_on(DAY, 7))
    with (
        WarehouseResource(database=warehouse_path).open() as wh,
        SmsListClient(client_config(simulator)) as sms,
    ):
        ingest_cafe24(sms, wh, DAY, DAY, lookback_days=0)
    resources = {
        "warehouse": WarehouseResource(database=warehouse_path),
        "exports": ExportsResource(output_dir=str(tmp_path / "out")),
        "analytics": AnalyticsResource(analytics_dir=str(tmp_path / "analytics")),
        "slack": SlackResource(),  # no webhook: nothing is posted
    }

    first = dg.materialize(
        [delivery_outcomes, daily_reports, report_day_files, analytics_copy], resources=resources
    )
    second = dg.materialize([analytics_copy], resources=resources)  # its upstream already built

    assert first.success and second.success
    reports = first.asset_materializations_for_node("daily_reports")[0].metadata
    files = first.asset_materializations_for_node("report_day_files")[0].metadata
    report_file = tmp_path / "out" / str(DAY) / "daily_report.html"
    assert files["daily_report"].value == str(report_file.resolve()) and report_file.is_file()
    assert reports["headline_day"].value == str(DAY) and "| cafe24 |" in reports["headline"].value
    metadata = first.asset_materializations_for_node("analytics_copy")[0].metadata
    assert metadata["path"].value == str((tmp_path / "analytics" / ANALYTICS_FILE).resolve())
    assert metadata["messages"].value == 7
    assert set(metadata["rows_by_table"].value) == set(PUBLISHED_TABLES)
    assert metadata["rows_by_table"].value["report_delivery_daily"] == 1
    assert (metadata["versions_removed"].value, metadata["versions_kept"].value) == ([], 1)
    # All seven were delivered: there is no failure reason, so that table has no month.
    months = {table: ["2026-10"] for table in MONTHLY_TABLES} | {"report_failure_reasons_daily": []}
    assert metadata["months_written"].value == months
    assert metadata["rewrote_all"].value == "no readable previous version"
    again = second.asset_materializations_for_node("analytics_copy")[0].metadata
    assert again["version"].value != metadata["version"].value and again["versions_kept"].value == 2
    # Nothing changed in between: every month file is linked from the first copy, none written.
    assert again["months_written"].value == {table: [] for table in MONTHLY_TABLES}
    assert again["months_linked"].value == {table: len(months[table]) for table in MONTHLY_TABLES}
    assert again["rewrote_all"].value is None
    versions = sorted(path.name for path in (tmp_path / "analytics" / "versions").iterdir())
    assert versions == sorted([metadata["version"].value, again["version"].value])
