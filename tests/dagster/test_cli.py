"""`python -m pipelines run`: through Dagster, clear on failure, and quiet about the secret."""

import os
import re
import resource
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb
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


# One clear line per error class (the README's promise): configuration, authentication (above), unreachable
# host or refused connection, vendor answer, warehouse locked by another run, disk full. Each ends the run
# with exit 1 and one `error:` line naming the cause and what to do.


def the_error_line(captured) -> str:
    """The one `error:` line of a failed run (captured output, or a finished process), after checking that
    nothing of Dagster's reached the terminal."""
    out, err = (captured.stdout, captured.stderr) if hasattr(captured, "stdout") else captured
    terminal = out + err
    assert "Traceback" not in terminal and "Stack Trace" not in terminal and "Logging error" not in terminal
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    return line


@pytest.mark.parametrize(
    ("setting", "value", "line"),
    [
        (
            "CAFE24_SMS_SECURE",
            "",
            "error: Cafe24 is partly configured: set CAFE24_SMS_SECURE too (or none of them)",
        ),
        ("CAFE24_LOOKBACK_DAYS", "x", "error: CAFE24_LOOKBACK_DAYS must be a whole number, got 'x'"),
        ("CAFE24_FIRST_DAY", "2026-02-30", "error: CAFE24_FIRST_DAY must be a day written YYYY-MM-DD, got "),
        ("SMS_SETTLE_HOURS", "0", "error: SMS_SETTLE_HOURS must be between 1 and 1440, got 0"),
    ],
)
def test_a_configuration_error_is_one_line_naming_the_setting(
    environment, simulator, capfd, setting, value, line
):
    configure_cafe24(environment, simulator)
    environment.setenv(setting, value)
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 1
    assert the_error_line(capfd.readouterr()).startswith(line)
    assert simulator.requests == 0  # refused before any work


def test_a_start_before_the_first_partition_is_refused_naming_the_setting(environment, capsys):
    environment.setenv("CAFE24_FIRST_DAY", str(DAY))
    assert main(["run", "--start", str(DAY - timedelta(days=1)), "--end", str(DAY)]) == 1
    assert capsys.readouterr().err == (
        f"error: --start must be {DAY} or later: the partitions start at CAFE24_FIRST_DAY ({DAY}); "
        "set it earlier to read days before\n"
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("http://127.0.0.1:{port}/sms_list.php", "last fault: connection refused by 127.0.0.1:{port}"),
        (
            "http://no-such-host.invalid/sms_list.php",
            "last fault: the host name no-such-host.invalid could not",
        ),
    ],
)
def test_an_unreachable_host_or_a_refused_connection_says_so_and_what_to_check(
    environment, capfd, url, cause
):
    port = _closed_port()
    environment.setenv("CAFE24_SMS_LIST_URL", url.format(port=port))
    environment.setenv("CAFE24_SMS_USER_ID", ACCOUNT)
    environment.setenv("CAFE24_SMS_SECURE", SECRET)
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 1
    line = the_error_line(capfd.readouterr())
    assert line.startswith("error: Cafe24 ingestion: Cafe24 sms_list kept failing for window ")
    assert cause.format(port=port) in line
    assert (
        "; check CAFE24_SMS_LIST_URL and that this machine reaches it (DNS, firewall, proxy) (traces: "
        in line
    )


def test_a_vendor_failing_on_its_side_is_one_line_saying_to_run_again_later(environment, simulator, capfd):
    configure_cafe24(environment, simulator)
    simulator.inject("http500", times=100)
    assert main(["run", "--start", str(DAY), "--end", str(DAY)]) == 1
    line = the_error_line(capfd.readouterr())
    assert line.startswith("error: Cafe24 ingestion: Cafe24 sms_list kept failing for window ")
    assert "last fault: HTTP 500; Cafe24 fails on its side: run the same range again later" in line


def _run_in_a_process(tmp_path, limit_file_size: int | None = None) -> subprocess.CompletedProcess:
    """`python -m pipelines run` for DAY with one Infobank report stored, as a process of its own."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text("msgid=1&to=1000&to_country=82&rescnt=1&err_code=1000\n", encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("CAFE24_", "SLACK_"))}
    env.update(
        SMS_WAREHOUSE=str(tmp_path / "w.duckdb"),
        SMS_OUTPUT_DIR=str(tmp_path / "out"),
        SMS_ANALYTICS_DIR=str(tmp_path / "analytics"),
        INFOBANK_REPORTS_DIR=str(reports),
    )

    def limit() -> None:  # Python ignores SIGXFSZ: a write past the limit fails with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run(
        [sys.executable, "-m", "pipelines", "run", "--start", str(DAY), "--end", str(DAY)],
        cwd=tmp_path,  # no .env of the project's
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=limit if limit_file_size else None,
        timeout=120,
    )


def test_a_warehouse_locked_by_another_process_is_one_line_at_once(tmp_path):
    holder = duckdb.connect(str(tmp_path / "w.duckdb"))  # another run, as DuckDB sees it: a writing process
    try:
        started = time.monotonic()
        finished = _run_in_a_process(tmp_path)
        seconds = time.monotonic() - started
    finally:
        holder.close()
    assert finished.returncode == 1
    line = the_error_line(finished)
    assert line.startswith(f"error: the warehouse {tmp_path / 'w.duckdb'} is locked by another process (")
    assert f", PID {os.getpid()}): " in line and line.endswith("(or close that session), then run again")
    assert seconds < 60  # not Dagster's two minutes of retries before saying it


def test_a_full_disk_is_one_line_naming_the_file_and_what_to_do(tmp_path):
    finished = _run_in_a_process(tmp_path, limit_file_size=20_000)  # the warehouse outgrows it at once
    assert finished.returncode == 1
    line = the_error_line(finished)
    assert (
        line.startswith(f"error: Infobank ingestion: disk full: could not write {tmp_path / 'w.duckdb'}")
        and "(File too large); free space on that disk (or point SMS_WAREHOUSE, SMS_OUTPUT_DIR or " in line
    )
    assert re.search(r"then run again \(traces: \S+\.log\)$", line)
