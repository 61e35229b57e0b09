"""The Infobank asset, its checks and the report-store sensor, through Dagster."""

import dagster as dg

from assets.infobank import infobank_lines_balance, infobank_quarantine_rate, infobank_reports
from assets.resources import InfobankResource, WarehouseResource
from assets.sensors import infobank_report_store_sensor

GOOD = "msgid=1&to=1000&to_country=82&network=45005&rescnt=1&err_code=1000\n"


def materialize_reports(folder, warehouse_path, max_rate: float = 0.01) -> dg.ExecuteInProcessResult:
    resources = {
        "infobank": InfobankResource(reports_dir=str(folder), max_quarantine_rate=max_rate),
        "warehouse": WarehouseResource(database=warehouse_path),
    }
    return dg.materialize(
        [infobank_reports, infobank_lines_balance, infobank_quarantine_rate],
        resources=resources,
        raise_on_error=False,
    )


def test_materialising_reports_records_the_line_counts_and_passes_its_checks(tmp_path, warehouse_path):
    (tmp_path / "a.txt").write_text(GOOD * 3 + "\n", encoding="utf-8")
    result = materialize_reports(tmp_path, warehouse_path)
    assert result.success
    metadata = result.asset_materializations_for_node("infobank_reports")[0].metadata
    assert (metadata["lines_read"].value, metadata["reports_accepted"].value, metadata["retries"].value) == (
        4,
        1,
        2,
    )
    assert metadata["blank_lines"].value == 1
    checks = {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}
    assert checks == {"infobank_lines_balance": True, "infobank_quarantine_rate": True}


def test_the_quarantine_rate_check_fails_past_its_threshold(tmp_path, warehouse_path):
    (tmp_path / "a.txt").write_text(GOOD + "garbage\n", encoding="utf-8")
    result = materialize_reports(tmp_path, warehouse_path, max_rate=0.25)
    rate = next(e for e in result.get_asset_check_evaluations() if e.check_name == "infobank_quarantine_rate")
    assert not rate.passed
    assert rate.metadata["rate"].value == 0.5


def test_the_sensor_requests_a_run_when_a_file_appears_or_grows_and_not_otherwise(tmp_path, monkeypatch):
    monkeypatch.setenv("INFOBANK_REPORTS_DIR", str(tmp_path))
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    first = infobank_report_store_sensor(dg.build_sensor_context())
    assert len(first.run_requests) == 1
    unchanged = infobank_report_store_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(unchanged, dg.SkipReason)
    with (tmp_path / "a.txt").open("a", encoding="utf-8") as handle:
        handle.write(GOOD)
    grown = infobank_report_store_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert len(grown.run_requests) == 1 and grown.cursor != first.cursor


def test_the_sensor_skips_without_a_report_folder(monkeypatch):
    monkeypatch.delenv("INFOBANK_REPORTS_DIR", raising=False)
    assert isinstance(infobank_report_store_sensor(dg.build_sensor_context()), dg.SkipReason)
