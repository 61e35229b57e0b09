"""The command line: `run` the pipeline for a KST date range, or a self-contained `demo` and its `demo-ui`."""

import argparse
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.receiver.settings import RECEIVER_SETTINGS_HELP
from pipelines.settings import SETTINGS_HELP, ConfigError, Settings, load_settings
from pipelines.text_table import fixed_width

if (
    TYPE_CHECKING
):  # the run's modules load Dagster and pandas: imported when a command runs, so --help is instant
    from pipelines.run import RunSummary

DEMO_DAYS = 14
DEMO_WAREHOUSE = "data/demo.duckdb"
DEMO_OUTPUT_DIR = "out/demo"
DEMO_ACCOUNT = "demo"
DEMO_REPORTS_DIR = "data/demo-infobank-reports"
DEMO_ANALYTICS_DIR = "data/demo-analytics"
# The demo's own Dagster instance (run history), under the current folder: never the DAGSTER_HOME of a
# production setup. It holds the shipped profile, and what `demo-ui` needs to open the UI on the demo.
DEMO_DAGSTER_HOME = ".dagster_home"
DEMO_RECORD = "demo.env"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_INSTANCE = PROJECT_ROOT / "deploy" / "dagster.yaml"
# The settings the demo used, as `demo-ui` gives them to the UI (the secure key is not written down).
_DEMO_SETTINGS = ("SMS_WAREHOUSE", "SMS_OUTPUT_DIR", "SMS_ANALYTICS_DIR", "INFOBANK_REPORTS_DIR")
# A DuckDB connection string rather than a file: `md:sms_warehouse` (MotherDuck), `:memory:`.
_CONNECTION_STRING = re.compile(r"^([A-Za-z][\w+.-]*)?:")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    settings = "\n".join(f"  {name:<28} {text}" for name, text in SETTINGS_HELP.items())
    parser = argparse.ArgumentParser(
        prog="python -m pipelines",
        description=__doc__,
        epilog=(
            "settings, read from the environment and from .env in the current folder (a variable already\n"
            f"set wins; `demo` does not read .env; .env.example shows each):\n{settings}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the whole pipeline for a KST date range")
    run.add_argument("--start", type=_day, required=True, help="first KST day, YYYY-MM-DD")
    run.add_argument("--end", type=_day, required=True, help="last KST day, YYYY-MM-DD (inclusive)")
    demo = commands.add_parser(
        "demo", help="serve synthetic vendors on loopback and run the pipeline on them"
    )
    demo.add_argument("--days", type=int, default=DEMO_DAYS, help="days of synthetic traffic (default 14)")
    demo_ui = commands.add_parser(
        "demo-ui", help="the Dagster UI (dg dev) on the last demo's warehouse and runs, its simulator serving"
    )
    demo_ui.add_argument("--port", type=int, default=3000, help="the UI's port (default 3000)")
    commands.add_parser(
        "receive",
        help="serve the endpoint Infobank pushes reports to (docs/infobank-receiver.md)",
        epilog="settings:\n"
        + "\n".join(f"  {name:<34} {text}" for name, text in RECEIVER_SETTINGS_HELP.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def warehouse_name(path: Path) -> str:
    """A file as its absolute path; a DuckDB connection string (`md:sms_warehouse`, `:memory:`) as given."""
    return str(path) if _CONNECTION_STRING.match(str(path)) else str(path.resolve())


def print_summary(summary: "RunSummary", settings: Settings) -> None:
    """The run's figures, one asset per block, then the checks and where the warehouse is."""
    for asset, metadata in summary.materialized.items():
        print(f"\n{asset}:")
        for name, value in metadata.items():
            text = str(value).replace("\n", "\n" + " " * 31)  # multi-line values (markdown) stay indented
            print(f"  {name:<28} {text}")
    if summary.checks:
        passed = sum(check.passed for check in summary.checks.values())
        print(f"\nchecks: {passed} of {len(summary.checks)} passed")
        for warning in summary.warnings:
            print(f"  WARNING {warning}")
        for name in summary.failed_checks:
            print(f"  FAILED {name}: {summary.checks[name].description}")
    if summary.step_seconds:
        print("\nseconds per step: " + ", ".join(f"{s} {t:.2f}" for s, t in summary.step_seconds.items()))
    print(f"\nwarehouse: {warehouse_name(settings.warehouse_path)}")
    if "report_day_files" in summary.materialized:
        print(
            f"reports:   {settings.output_dir.resolve()}/<YYYY-MM-DD>/ "
            "(daily_report.html, and CSV and Parquet per report table)"
        )
    if "analytics_copy" in summary.materialized:
        print(
            f"analysts:  {summary.materialized['analytics_copy']['path']} (read-only copy, docs/analytics.md)"
        )


def _run(start: date, end: date) -> int:
    from pipelines.run import new_log_file, one_line, run_pipeline

    settings = load_settings()
    log_file = new_log_file(settings)
    summary = run_pipeline(settings, start, end, log_file=log_file)
    print_summary(summary, settings)
    print(f"log:       {log_file.resolve()} (Dagster's events of this run)")
    for name in summary.failed_checks:
        print(f"error: check {name} failed: {one_line(summary.checks[name].description)}", file=sys.stderr)
    return 1 if summary.failed_checks else 0


def _demo(days: int) -> int:
    # The simulator is imported here: production runs never load it.
    from pipelines.run import default_range
    from pipelines.simulator import Cafe24Simulator, synthetic_cafe24_traffic, write_infobank_store
    from pipelines.simulator.pusher import push_store_through_receiver

    first_day, last_day = default_range(days)
    secure = os.environ.get("CAFE24_DEMO_SECURE", "demo-secure-key")
    reports_dir = Path(os.environ.get("INFOBANK_REPORTS_DIR", DEMO_REPORTS_DIR))
    _start_demo_afresh(reports_dir)
    dagster_home = _demo_dagster_home()
    # Infobank's side: its reports, pushed one request each to the receiver on loopback, which stores them
    # in the report files the ingestion reads, as in production (docs/infobank-receiver.md).
    with tempfile.TemporaryDirectory(prefix="demo-infobank-outbox-") as outbox:
        write_infobank_store(Path(outbox), first_day, days)
        pushed = push_store_through_receiver(Path(outbox), reports_dir)
    print(f"demo: Infobank's reports pushed to the receiver on loopback: {pushed.line()}")
    print(f"demo: the receiver stored them in {reports_dir}")
    with Cafe24Simulator(accounts={DEMO_ACCOUNT: secure}) as simulator:
        simulator.load(DEMO_ACCOUNT, synthetic_cafe24_traffic(first_day, days + 1))
        os.environ.update(
            {
                "CAFE24_SMS_LIST_URL": simulator.url,
                "CAFE24_SMS_USER_ID": DEMO_ACCOUNT,
                "CAFE24_SMS_SECURE": secure,
                "SMS_WAREHOUSE": os.environ.get("SMS_WAREHOUSE", DEMO_WAREHOUSE),
                "SMS_OUTPUT_DIR": os.environ.get("SMS_OUTPUT_DIR", DEMO_OUTPUT_DIR),
                "SMS_ANALYTICS_DIR": os.environ.get("SMS_ANALYTICS_DIR", DEMO_ANALYTICS_DIR),
                "INFOBANK_REPORTS_DIR": str(reports_dir),
                "DAGSTER_HOME": str(dagster_home),
            }
        )
        _write_demo_record(dagster_home, first_day, days)
        print(f"demo: Cafe24 simulator on {simulator.url} with {days} days of synthetic traffic")
        print(f"demo: run history in {dagster_home} (DAGSTER_HOME of the demo's own)")
        code = _run(first_day, last_day)
        print(f"demo: {simulator.requests} sms_list requests served")
    _print_outcomes(first_day, last_day)
    _print_next_steps()
    return code


def _start_demo_afresh(reports_dir: Path) -> None:
    """The demo starts from scratch in its own folders (its report files, warehouse, exports and copy), so a
    second demo shows the same figures. A folder given in the environment is never emptied: the receiver
    needs it empty, or the demo stops with one line."""
    if reports_dir.resolve() == Path(DEMO_REPORTS_DIR).resolve():
        for folder in (DEMO_REPORTS_DIR, DEMO_OUTPUT_DIR, DEMO_ANALYTICS_DIR):
            shutil.rmtree(folder, ignore_errors=True)
        for leftover in (DEMO_WAREHOUSE, f"{DEMO_WAREHOUSE}.wal"):
            Path(leftover).unlink(missing_ok=True)
    elif reports_dir.is_dir() and any(reports_dir.iterdir()):
        raise ConfigError(
            f"INFOBANK_REPORTS_DIR {reports_dir} is not empty: the demo stores its reports in an empty folder"
        )


def _demo_dagster_home() -> Path:
    """The demo's DAGSTER_HOME, holding the shipped instance profile (deploy/dagster.yaml)."""
    home = Path(DEMO_DAGSTER_HOME).resolve()
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SHIPPED_INSTANCE, home / "dagster.yaml")
    return home


def _write_demo_record(dagster_home: Path, first_day: date, days: int) -> None:
    """What `demo-ui` needs to serve the same vendors and open the same warehouse: the demo's settings."""
    lines = [
        "# Written by `make demo`: the settings of its run. `make demo-ui` gives them to the UI.",
        *(f"{name}={warehouse_name(Path(os.environ[name]))}" for name in _DEMO_SETTINGS),
        f"CAFE24_SMS_USER_ID={DEMO_ACCOUNT}",
        f"DEMO_FIRST_DAY={first_day.isoformat()}",
        f"DEMO_DAYS={days}",
    ]
    (dagster_home / DEMO_RECORD).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _print_next_steps() -> None:
    print(
        "\nThe WARNING of delivery_outcomes_codes_mapped above is deliberate: the synthetic Infobank reports"
        "\ncarry vendor codes missing from the code dictionary, to show how an unmapped code is reported"
        "\n(status unknown, reason unmapped_code; docs/data-dictionary.md)."
        "\n\nnext:"
        "\n  make demo-ui         the Dagster UI on this demo: its runs, assets, checks and partitions;"
        "\n                       the simulator serves again, so launching a job works"
        "\n  README.md            running against a real Cafe24 account and Infobank report store"
        "\n  docs/deployment.md   running it every morning: daemon, schedule and sensors, containers"
    )


def _demo_ui(port: int) -> int:
    """Serve the last demo's synthetic Cafe24 traffic again and run `dg dev` on its warehouse and run
    history, in the environment the demo used, until Ctrl-C."""
    from dotenv import dotenv_values

    from pipelines.simulator import Cafe24Simulator, synthetic_cafe24_traffic

    dagster_home = Path(DEMO_DAGSTER_HOME).resolve()
    record = dotenv_values(dagster_home / DEMO_RECORD)
    if not record:
        raise ConfigError(f"no demo in {dagster_home}: run `make demo` first")
    first_day, days = date.fromisoformat(record["DEMO_FIRST_DAY"]), int(record["DEMO_DAYS"])
    secure = os.environ.get("CAFE24_DEMO_SECURE", "demo-secure-key")
    account = record["CAFE24_SMS_USER_ID"]
    with Cafe24Simulator(accounts={account: secure}) as simulator:
        simulator.load(account, synthetic_cafe24_traffic(first_day, days + 1))
        environment = {
            **os.environ,
            **{name: record[name] for name in _DEMO_SETTINGS},
            "CAFE24_SMS_LIST_URL": simulator.url,
            "CAFE24_SMS_USER_ID": account,
            "CAFE24_SMS_SECURE": secure,
            "DAGSTER_HOME": str(dagster_home),
        }
        command = [*_dg_dev_command(dagster_home), "--port", str(port)]
        print(f"demo-ui: Cafe24 simulator on {simulator.url}; warehouse {record['SMS_WAREHOUSE']}")
        print(f"demo-ui: the UI on http://127.0.0.1:{port} with the demo's runs; Ctrl-C stops both")
        # From inside the demo's DAGSTER_HOME: Dagster loads a .env from the folder it starts in, and the
        # project's .env (a real account, perhaps) must not replace the demo's settings.
        ui = subprocess.Popen(command, cwd=dagster_home, env=environment)
        try:
            return ui.wait()
        except KeyboardInterrupt:  # Ctrl-C reached `dg dev` too: let it stop the webserver and daemon
            ui.wait()
            return 0


def _dg_dev_command(dagster_home: Path) -> list[str]:
    """`dg dev` on the code location sms_warehouse, from a workspace file written into the demo's home."""
    workspace = dagster_home / "workspace.yaml"
    workspace.write_text(
        "# Written by `make demo-ui`: the project's code location, from any folder.\n"
        "load_from:\n"
        "  - python_module:\n"
        "      module_name: pipelines.definitions\n"
        f"      working_directory: {PROJECT_ROOT}\n"
        "      location_name: sms_warehouse\n",
        encoding="utf-8",
    )
    dg = Path(sys.executable).with_name("dg")
    return [str(dg) if dg.exists() else "dg", "dev", "-w", str(workspace)]


def _print_outcomes(first_day: date, last_day: date) -> None:
    """The warehouse's view of the range: messages per vendor and type by outcome, from delivery_outcomes,
    then the headline of the latest complete day and where its daily report is."""
    from pipelines.exports import daily_report_path
    from pipelines.reports import latest_headline
    from pipelines.warehouse import open_warehouse

    settings = load_settings()
    with open_warehouse(settings.warehouse_path) as warehouse:
        outcomes = warehouse.records("summaries/outcomes_by_vendor", first_day=first_day, last_day=last_day)
        day, headline = latest_headline(warehouse)
    print(f"\ndelivery_outcomes {first_day}..{last_day}:")
    print(fixed_width(outcomes, indent="  "))
    if day is None:
        return
    print(f"\nheadline of {day} (KST):")
    print(fixed_width(headline, indent="  "))
    report = daily_report_path(settings.output_dir, day)
    if report.exists():
        print(f"\ndaily report: {report.resolve()}")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code and prints one clear line on failure."""
    warnings.filterwarnings("ignore", module="dagster")
    logging.getLogger("dagster").setLevel(logging.INFO)
    args = _parser().parse_args(argv)
    if args.command not in ("demo", "demo-ui"):  # the demo's settings are its own, whatever .env says
        read_dotenv()
    if args.command == "receive":  # before pipelines.run: the receiver's process loads no Dagster
        from pipelines.receiver.command import receive

        return receive()
    from pipelines.run import PipelineError

    try:
        if args.command == "demo":
            return _demo(args.days)
        if args.command == "demo-ui":
            return _demo_ui(args.port)
        return _run(args.start, args.end)
    except (PipelineError, ConfigError) as error:
        log_file = getattr(error, "log_file", None)
        where = f" (traces: {log_file.resolve()})" if log_file is not None and log_file.exists() else ""
        print(f"error: {error}{where}", file=sys.stderr)
        return 1


def read_dotenv(path: Path = Path(".env")) -> None:
    """The settings in `.env` of the current folder, as `make ui` reads them; a variable already set in
    the environment keeps its value."""
    from dotenv import load_dotenv

    load_dotenv(path, override=False)
