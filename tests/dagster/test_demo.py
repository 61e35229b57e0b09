"""`make demo`'s command: synthetic vendors on loopback, the whole pipeline, and where to look; then
`make demo-ui`'s: the UI on what the demo left."""

import contextlib
import io
import re
import urllib.request
from pathlib import Path
from typing import ClassVar

import dagster as dg
import pytest
import yaml

from pipelines import cli
from pipelines.cli import DEMO_DAGSTER_HOME, SHIPPED_INSTANCE, main


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    """One short demo, run in its own folder (its .dagster_home there too): the folder and what it printed."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(folder)
        for name, value in {
            "SMS_WAREHOUSE": folder / "demo.duckdb",
            "SMS_OUTPUT_DIR": folder / "out",
            "SMS_ANALYTICS_DIR": folder / "analytics",
            "INFOBANK_REPORTS_DIR": folder / "infobank",
            "DAGSTER_HOME": folder / "a-production-home",  # the demo must not write its runs there
        }.items():
            monkeypatch.setenv(name, str(value))
        monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
        for name in ("CAFE24_SMS_LIST_URL", "CAFE24_SMS_USER_ID", "CAFE24_SMS_SECURE"):
            monkeypatch.setenv(name, "")  # the demo sets these itself: restored (unset) after it
            monkeypatch.delenv(name)
        # A project's .env holds a real setup; the demo must not read it (this one would fail any run).
        (folder / ".env").write_text("CAFE24_LOOKBACK_DAYS=not-a-number\n", encoding="utf-8")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(["demo", "--days", "4"]) == 0
    return folder, printed.getvalue()


def test_the_demo_ends_with_the_headline_and_the_path_of_the_daily_report(demo):
    folder, out = demo
    headline = out[out.index("headline of ") :]
    assert "cafe24" in headline and "infobank" in headline and "delivery_rate_pct" in headline
    report = Path(re.search(r"daily report: (\S+)", out).group(1))
    assert report.is_file() and report.is_relative_to(folder / "out")
    assert "<svg" in report.read_text(encoding="utf-8")


def test_the_demo_ends_with_the_next_steps_and_calls_its_warning_deliberate(demo):
    _, out = demo
    assert "WARNING delivery_outcomes_codes_mapped" in out
    ending = out[out.index("daily report: ") :]
    assert "is deliberate" in ending
    assert "make demo-ui" in ending and "docs/deployment.md" in ending
    assert out.rstrip().splitlines()[-1].strip().startswith("docs/deployment.md")


def test_the_demo_keeps_its_runs_in_a_dagster_home_of_its_own(demo, monkeypatch):
    folder, _ = demo
    home = folder / DEMO_DAGSTER_HOME
    assert not (folder / "a-production-home").exists()
    shipped = yaml.safe_load(SHIPPED_INSTANCE.read_text(encoding="utf-8"))
    assert yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8")) == shipped
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
        assert sorted(run.job_name for run in runs) == [
            "cafe24_ingestion",
            "infobank_ingestion",
            "outcomes_and_reports",
        ]
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
        for asset in ("cafe24_messages", "infobank_reports", "delivery_outcomes", "daily_reports"):
            assert instance.get_latest_materialization_event(dg.AssetKey(asset)) is not None


class _FakeUi:
    """Stands in for the `dg dev` process: records how it was started, and asks the simulator a question
    while it 'runs', as a job launched from the UI would."""

    started: ClassVar[dict] = {}

    def __init__(self, command, cwd, env):
        _FakeUi.started = {"command": command, "cwd": Path(cwd), "env": env}

    def wait(self) -> int:
        url = _FakeUi.started["env"]["CAFE24_SMS_LIST_URL"]
        with urllib.request.urlopen(url, timeout=5) as answer:  # the simulator serves while the UI runs
            _FakeUi.started["simulator_status"] = answer.status
        return 0


def test_demo_ui_opens_dg_dev_on_the_demos_warehouse_runs_and_serving_simulator(demo, monkeypatch):
    folder, _ = demo
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SMS_WAREHOUSE", "data/warehouse.duckdb")  # a real setup's; the demo's must win
    monkeypatch.setattr(cli.subprocess, "Popen", _FakeUi)
    assert main(["demo-ui", "--port", "3999"]) == 0
    started = _FakeUi.started
    home = folder / DEMO_DAGSTER_HOME
    assert started["command"][1:] == ["dev", "-w", str(home / "workspace.yaml"), "--port", "3999"]
    assert Path(started["command"][0]).name == "dg"
    assert started["cwd"] == home  # not the project folder, whose .env Dagster would load over these
    env = started["env"]
    assert env["DAGSTER_HOME"] == str(home)
    assert env["SMS_WAREHOUSE"] == str(folder / "demo.duckdb")
    assert env["INFOBANK_REPORTS_DIR"] == str(folder / "infobank")
    assert env["CAFE24_SMS_USER_ID"] == "demo" and env["CAFE24_SMS_SECURE"]
    assert started["simulator_status"] == 200
    location = yaml.safe_load((home / "workspace.yaml").read_text())["load_from"][0]["python_module"]
    assert location["location_name"] == "sms_warehouse"
    assert location["module_name"] == "pipelines.definitions"
    assert Path(location["working_directory"]) == cli.PROJECT_ROOT


def test_demo_ui_before_any_demo_says_to_run_the_demo_first(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo-ui"]) == 1
    assert (
        capsys.readouterr().err
        == f"error: no demo in {tmp_path / DEMO_DAGSTER_HOME}: run `make demo` first\n"
    )


def test_the_demo_s_infobank_reports_arrive_through_the_receiver(demo):
    folder, out = demo
    pushed = re.search(r"pushed to the receiver on loopback: ([\d,]+) of ([\d,]+) reports acknowledged", out)
    assert pushed and pushed.group(1) == pushed.group(2) and pushed.group(1) != "0"
    assert "0 given up" in out
    # What the receiver stored is what the run ingested: one file per KST day, in the format it writes.
    stored = sorted(path.name for path in (folder / "infobank").iterdir() if not path.name.startswith("."))
    assert stored and all(re.fullmatch(r"reports-\d{8}\.log", name) for name in stored)
