"""`python -m pipelines run`: through Dagster, clear on failure, and quiet about the secret."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.run import one_line
from tests.conftest import ACCOUNT, DAY, SECRET, rows_on


@pytest.fixture
def environment(monkeypatch, simulator, tmp_path):
    for name in ("CAFE24_SMS_LIST_URL", "CAFE24_SMS_USER_ID", "CAFE24_SMS_SECURE", "INFOBANK_REPORTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMS_WAREHOUSE", str(tmp_path / "cli.duckdb"))
    monkeypatch.setenv("SMS_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("SMS_ANALYTICS_DIR", str(tmp_path / "analytics"))
    monkeypatch.setenv("CAFE24_LOOKBACK_DAYS", "0")
    return monkeypatch


def configure_cafe24(environment, simulator, secure: str = SECRET) -> None:
    environment.setenv("CAFE24_SMS_LIST_URL", simulator.url)
    environment.setenv("CAFE24_SMS_USER_ID", ACCOUNT)
    environment.setenv("CAFE24_SMS_SECURE", secure)


def configure_infobank(environment, tmp_path, report_line: str) -> None:
    """A report store holding one stored report line, configured as INFOBANK_REPORTS_DIR."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(report_line + "\n", encoding="utf-8")
    environment.setenv("INFOBANK_REPORTS_DIR", str(reports))


def test_a_run_prints_a_summary_and_exits_zero(environment, simulator, capsys, tmp_path):
    configure_cafe24(environment, simulator)
    simulator.load(ACCOUNT, rows_on(DAY, 12))
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 0
    out, err = capsys.readouterr()
    assert re.findall(r"^  rows_new +(\d+)$", out, flags=re.MULTILINE) == ["12"]
    assert "checks: 11 of 11 passed" in out  # Cafe24 3, outcomes 5, reports freshness 1, files 1, message 1
    assert str(tmp_path / "cli.duckdb") in out
    assert "seconds per step: cafe24_messages " in out  # how long each step took, for operations
    assert re.search(r"^  cafe24 SMS \S+: 12 rows \(12 new", err, flags=re.MULTILINE)  # the asset's progress
    assert " - dagster - " not in err  # and nothing else of Dagster's
    log = Path(re.search(r"^log: +(\S+)", out, flags=re.MULTILINE).group(1))
    assert log.parent == tmp_path / "out" / "logs" and "RUN_SUCCESS" in log.read_text(encoding="utf-8")


def test_without_any_vendor_the_run_fails_with_one_line_saying_what_to_set(environment, capsys):
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 1
    captured = capsys.readouterr()
    assert "Cafe24: not configured" in captured.out and "Infobank: not configured" in captured.out
    assert captured.err.startswith("error: nothing to run: no vendor is configured (set CAFE24_SMS_LIST_URL")
    assert captured.err.count("\n") == 1


def test_help_is_instant_and_lists_every_setting():
    started = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipelines", "--help"], capture_output=True, text=True
    )
    assert started.returncode == 0
    for setting in ("SMS_WAREHOUSE", "CAFE24_SMS_SECURE", "INFOBANK_REPORTS_DIR", "SLACK_WEBHOOK_URL"):
        assert setting in started.stdout
    imported = {line.split("|")[-1].strip() for line in started.stderr.splitlines() if "|" in line}
    assert not {"dagster", "pandas", "duckdb"} & imported  # what makes a start slow is not loaded


def test_infobank_reports_are_ingested_next_to_cafe24(environment, simulator, capsys, tmp_path):
    configure_cafe24(environment, simulator)
    simulator.load(ACCOUNT, rows_on(DAY, 2))
    configure_infobank(environment, tmp_path, "msgid=1&to=1000&to_country=82&rescnt=1&err_code=1000")
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 0
    out = capsys.readouterr().out
    assert "infobank_reports:" in out and "cafe24_messages:" in out and "delivery_outcomes:" in out
    assert "checks: 14 of 14 passed" in out


def test_a_wrong_secure_key_fails_with_one_clear_line_without_the_secret(environment, simulator, capfd):
    configure_cafe24(environment, simulator, secure="wrong-" + SECRET)
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 1
    captured = capfd.readouterr()
    error_lines = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and "authentication failed" in error_lines[0]
    assert SECRET not in captured.out + captured.err


def test_dagsters_traces_go_to_a_log_file_that_the_error_line_names(environment, simulator, capfd, tmp_path):
    configure_cafe24(environment, simulator, secure="wrong-" + SECRET)
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 1
    captured = capfd.readouterr()
    terminal = captured.out + captured.err
    assert "Stack Trace" not in terminal and "Traceback" not in terminal and "STEP_FAILURE" not in terminal
    (error_line,) = [line for line in captured.err.splitlines() if line.startswith("error:")]
    log = Path(re.fullmatch(r"error: .*authentication failed.* \(traces: (\S+)\)", error_line).group(1))
    assert log.parent == tmp_path / "out" / "logs"
    text = log.read_text(encoding="utf-8")
    assert "STEP_FAILURE" in text and "Cafe24AuthError" in text and "Stack Trace" in text
    assert SECRET not in text


def test_the_cli_reads_dot_env_like_the_ui(environment, simulator, capsys, tmp_path):
    environment.chdir(tmp_path)
    configure_cafe24(environment, simulator)
    simulator.load(ACCOUNT, rows_on(DAY, 2))
    configure_infobank(environment, tmp_path, "msgid=1&to=1000&to_country=82&rescnt=1&err_code=1000")
    reports = environment_value_moved_to_dot_env(environment, tmp_path, "INFOBANK_REPORTS_DIR")
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 0
    out = capsys.readouterr().out
    assert "infobank_reports:" in out and "Infobank: not configured" not in out
    assert f"INFOBANK_REPORTS_DIR={reports}" in (tmp_path / ".env").read_text()


def test_a_variable_already_set_wins_over_dot_env(environment, capsys, tmp_path):
    environment.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"SMS_WAREHOUSE={tmp_path / 'from-dot-env.duckdb'}\n", encoding="utf-8")
    configure_infobank(environment, tmp_path, "msgid=1&to=1000&to_country=82&rescnt=1&err_code=1000")
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 0
    assert f"warehouse: {tmp_path / 'cli.duckdb'}" in capsys.readouterr().out
    assert not (tmp_path / "from-dot-env.duckdb").exists()


def environment_value_moved_to_dot_env(environment, tmp_path, name: str) -> str:
    """Take `name` out of the environment and write it to .env in tmp_path instead; the variable is unset
    again after the test, whatever the CLI's reading of .env put into the environment."""
    value = os.environ[name]
    (tmp_path / ".env").write_text(f"# a comment, as in .env.example\n{name}={value}\n", encoding="utf-8")
    environment.setenv(name, "")
    environment.delenv(name)
    return value


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [("2026-10-05", "2026-10-01", "before --start"), ("2026-10-01", "2999-01-01", "in the future")],
)
def test_a_bad_range_is_refused(environment, capsys, start, end, message):
    assert main(["run", "--start", start, "--end", end]) == 1
    assert message in capsys.readouterr().err


def test_an_unmapped_vendor_code_is_a_warning_not_a_failure(environment, capsys, tmp_path):
    configure_infobank(environment, tmp_path, "msgid=1&to=1000&to_country=82&rescnt=0&err_code=4999")
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 0
    out = capsys.readouterr().out
    assert "WARNING delivery_outcomes_codes_mapped: infobank 4999: 1" in out
    assert "FAILED" not in out


def test_one_vendor_failing_does_not_keep_the_other_out_of_the_reports(
    environment, simulator, capfd, tmp_path
):
    configure_cafe24(environment, simulator)
    simulator.load(ACCOUNT, rows_on(DAY, 3))
    environment.setenv("INFOBANK_REPORTS_DIR", str(tmp_path / "no-such-store"))
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 1
    captured = capfd.readouterr()
    error_lines = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1
    store = tmp_path / "no-such-store"
    assert error_lines[0].startswith(
        f"error: Infobank ingestion: INFOBANK_REPORTS_DIR {store} is not a folder (traces: "
    )
    assert "running outcomes_and_reports" in captured.out  # Cafe24's messages still reach the reports
    assert (tmp_path / "out" / str(DAY) / "daily_report.html").exists()


def test_a_quarantine_rate_past_the_threshold_names_the_rate_and_does_not_fail_later_runs(
    environment, capfd, tmp_path
):
    configure_infobank(environment, tmp_path, "garbage")
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 1
    err = capfd.readouterr().err
    assert (
        "error: check infobank_quarantine_rate failed: 1 of this run's 1 lines quarantined (100.00%)" in err
    )
    assert "above the threshold of 1.00%" in err
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 0  # nothing new: nothing to judge


def test_the_error_line_escapes_control_characters_and_masks_phone_numbers():
    line = one_line("code \x1b[31m-999\x1b[0m for 010-1234-5678 and 821012345678\nsecond line")
    assert line == "code \\x1b[31m-999\\x1b[0m for ************* and ************ second line"
    assert len(one_line("x" * 10_000)) == 300
