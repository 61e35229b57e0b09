"""The command line: `run` the pipeline for a KST date range, or a self-contained `demo`."""

import argparse
import logging
import os
import sys
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

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
        epilog=f"settings, read from the environment (and .env.example shows each):\n{settings}",
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
    return parser


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
    print(f"\nwarehouse: {settings.warehouse_path.resolve()}")
    if "daily_reports" in summary.materialized:
        print(
            f"reports:   {settings.output_dir.resolve()}/<YYYY-MM-DD>/ "
            "(daily_report.html, and CSV and Parquet per report table)"
        )
    if "analytics_copy" in summary.materialized:
        print(
            f"analysts:  {summary.materialized['analytics_copy']['path']} (read-only copy, docs/analytics.md)"
        )


def _run(start: date, end: date) -> int:
    from pipelines.run import one_line, run_pipeline

    settings = load_settings()
    summary = run_pipeline(settings, start, end)
    print_summary(summary, settings)
    for name in summary.failed_checks:
        print(f"error: check {name} failed: {one_line(summary.checks[name].description)}", file=sys.stderr)
    return 1 if summary.failed_checks else 0


def _demo(days: int) -> int:
    # The simulator is imported here: production runs never load it.
    from pipelines.run import default_range
    from pipelines.simulator import Cafe24Simulator, synthetic_cafe24_traffic, write_infobank_store

    first_day, last_day = default_range(days)
    secure = os.environ.get("CAFE24_DEMO_SECURE", "demo-secure-key")
    reports_dir = Path(os.environ.get("INFOBANK_REPORTS_DIR", DEMO_REPORTS_DIR))
    store = write_infobank_store(reports_dir, first_day, days)
    print(
        f"demo: {store.lines:,} stored Infobank report lines in {len(store.files)} files under {reports_dir}"
    )
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
            }
        )
        print(f"demo: Cafe24 simulator on {simulator.url} with {days} days of synthetic traffic")
        code = _run(first_day, last_day)
        print(f"demo: {simulator.requests} sms_list requests served")
    _print_outcomes(first_day, last_day)
    return code


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
    from pipelines.run import PipelineError

    try:
        if args.command == "demo":
            return _demo(args.days)
        return _run(args.start, args.end)
    except (PipelineError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
