"""Running the pipeline for a KST date range through Dagster, and summarising what it did."""

import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from assets.jobs import CAFE24_JOB, INFOBANK_JOB, OUTCOMES_JOB
from assets.partitions import range_tags
from pipelines.definitions import build_definitions
from pipelines.kst import shift_days, today_kst
from pipelines.settings import DEFAULT_FIRST_DAY, Settings

# Where the CLI's runs leave Dagster's full log (every event, and the traces of failures): one file per
# command, under SMS_OUTPUT_DIR. The terminal shows only the assets' own progress messages, on stderr.
LOG_DIR = "logs"
_LOG_FORMAT = "%(asctime)s - %(levelname)s - %(message)s"


class PipelineError(RuntimeError):
    """The run failed; the message is the one line a user needs, `log_file` where Dagster's traces are."""

    def __init__(self, message: str, log_file: Path | None = None) -> None:
        super().__init__(message)
        self.log_file = log_file


def new_log_file(settings: Settings, now: datetime | None = None) -> Path:
    """A new file for one command's Dagster log: `<SMS_OUTPUT_DIR>/logs/run-<UTC time>.log`."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    return settings.output_dir / LOG_DIR / f"run-{stamp}.log"


def _is_progress(record: logging.LogRecord) -> bool:
    """A message an asset logged itself (context.log) below ERROR, not one of Dagster's events or traces:
    errors reach the terminal as the one line the CLI prints."""
    meta = getattr(record, "dagster_meta", None)
    return record.levelno < logging.ERROR and isinstance(meta, dict) and meta.get("dagster_event") is None


class _ProgressHandler(logging.Handler):
    """Writes an asset's progress message, indented, to whatever sys.stderr is at the time, at once."""

    def emit(self, record: logging.LogRecord) -> None:
        message = one_line(record.dagster_meta["orig_message"])  # type: ignore[attr-defined]
        print(f"  {message}", file=sys.stderr, flush=True)


@dg.logger(
    {"log_level": dg.Field(str, default_value="INFO")},
    description="The assets' own progress messages, one line each, on stderr.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("sms_warehouse.progress", level=init_context.logger_config["log_level"])
    handler = _ProgressHandler()
    handler.addFilter(_is_progress)
    logger.addHandler(handler)
    return logger


class _QuietFileHandler(logging.FileHandler):
    """A log file that cannot be written (a full disk) puts no trace on the terminal: the run's error line
    says what failed."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


@dg.logger(
    {"path": dg.Field(str), "log_level": dg.Field(str, default_value="DEBUG")},
    description="Every event of the run, the traces of failures included, appended to a file.",
)
def file_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    path = Path(init_context.logger_config["path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.Logger("sms_warehouse.log_file", level=init_context.logger_config["log_level"])
    handler = _QuietFileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    logger.addHandler(handler)
    return logger


def _logging_config(log_file: Path) -> dict[str, Any]:
    return {
        "loggers": {
            "progress": {"config": {"log_level": "INFO"}},
            "log_file": {"config": {"path": str(log_file), "log_level": "DEBUG"}},
        }
    }


@dataclass(frozen=True)
class CheckOutcome:
    """One asset check's result; a failed check of warning severity does not fail the run."""

    passed: bool
    warning: bool
    description: str


@dataclass
class RunSummary:
    """What a run materialised (metadata per asset) and how its checks went."""

    materialized: dict[str, dict[str, Any]] = field(default_factory=dict)
    checks: dict[str, CheckOutcome] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed_checks(self) -> list[str]:
        """Checks of error severity that failed: these make the run fail."""
        return [name for name, check in self.checks.items() if not check.passed and not check.warning]

    @property
    def warnings(self) -> list[str]:
        """Checks of warning severity that failed, with what they said."""
        return [f"{name}: {check.description}" for name, check in self.checks.items() if check.warning]


def validate_range(first_day: date, last_day: date, first_partition: date = DEFAULT_FIRST_DAY) -> None:
    """Refuse ranges that are empty, before the first partition (CAFE24_FIRST_DAY), or in the future (KST)."""
    if last_day < first_day:
        raise PipelineError(f"--end {last_day} is before --start {first_day}")
    if first_day < first_partition:
        raise PipelineError(
            f"--start must be {first_partition} or later: the partitions start at CAFE24_FIRST_DAY "
            f"({first_partition}); set it earlier to read days before"
        )
    if last_day > today_kst():
        raise PipelineError(f"--end {last_day} is in the future (today in KST is {today_kst()})")


def _selected_jobs(
    settings: Settings, first_day: date, last_day: date, say: Callable[[str], None]
) -> list[tuple[str, dict[str, str]]]:
    """The (job, run tags) to run: one per configured vendor."""
    jobs = []
    if settings.cafe24 is None:
        say(
            "Cafe24: not configured (set CAFE24_SMS_LIST_URL, CAFE24_SMS_USER_ID, CAFE24_SMS_SECURE); skipped"
        )
    else:
        jobs.append((CAFE24_JOB, range_tags(first_day, last_day)))
    if settings.infobank_reports_dir is None:
        say("Infobank: not configured (set INFOBANK_REPORTS_DIR); skipped")
    else:
        jobs.append((INFOBANK_JOB, {}))
    if jobs:
        jobs.append((OUTCOMES_JOB, {}))
    return jobs


# What each job is called in the one line a failed run prints.
STEP_NAMES = {
    CAFE24_JOB: "Cafe24 ingestion",
    INFOBANK_JOB: "Infobank ingestion",
    OUTCOMES_JOB: "outcomes and reports",
}
_PHONE_NUMBER = re.compile(r"(?<!\d)(01[016789][- ]?\d{3,4}[- ]?)(\d{4})(?!\d)|(?<!\d)\d{10,}(?!\d)")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_LINE = 300
# How Dagster starts an exception's message: "package.module.ErrorClass: what happened".
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*: ")


def one_line(text: str) -> str:
    """`text` as one printable line for a terminal: control characters (terminal escape codes included)
    written as \\xNN, what looks like a phone number masked, and the length bounded."""
    text = " ".join(text.split())
    text = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    text = _PHONE_NUMBER.sub(lambda m: "*" * len(m.group()), text)
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 3] + "..."


# The error classes a run can end with, recognised in the innermost error's message, and the line each
# becomes: the cause, and what to do.
_LOCKED = re.compile(
    r'Could not set lock on file "(?P<path>[^"]+)"(?:: Conflicting lock is held in (?P<holder>.+?) '
    r"\(PID (?P<pid>\d+)\))?"
)
_DISK_FULL = re.compile(r"No space left on device|File too large")
_WRITTEN_FILE = re.compile(r"""Could not write file "(?P<path>[^"]+)"|: '(?P<oserror_path>[^']+)'$""")
_UNREACHABLE = re.compile(
    r"last fault: (connection refused by|could not connect to|the host name .* could not be resolved)"
)
_VENDOR_FAILING = "Cafe24 sms_list kept failing"


def explain(message: str) -> str:
    """The line a run's innermost error becomes: its message, with what to do for the error classes that
    need it (warehouse locked, disk full, Cafe24 unreachable, Cafe24 failing)."""
    if locked := _LOCKED.search(message):
        holder = f" ({locked['holder']}, PID {locked['pid']})" if locked["pid"] else ""
        return (
            f"the warehouse {locked['path']} is locked by another process{holder}: a run (of the CLI or the "
            "UI) or a DuckDB session has it open, and DuckDB lets one process write; wait for that run to "
            "end (or close that session), then run again"
        )
    if full := _DISK_FULL.search(message):
        written = _WRITTEN_FILE.search(message)
        path = (written["path"] or written["oserror_path"]) if written else "a file"
        return (
            f"disk full: could not write {path} ({full.group()}); free space on that disk (or point "
            "SMS_WAREHOUSE, SMS_OUTPUT_DIR or SMS_ANALYTICS_DIR to one with room), then run again"
        )
    if _UNREACHABLE.search(message):
        return f"{message}; check CAFE24_SMS_LIST_URL and that this machine reaches it (DNS, firewall, proxy)"
    if message.startswith(_VENDOR_FAILING):
        return f"{message}; Cafe24 fails on its side: run the same range again later (what was read is kept)"
    return message


def _root_cause(result: dg.ExecuteInProcessResult) -> str:
    """The innermost error message of the first failed step: what the user needs to read."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error is not None and error.cause is not None:
                error = error.cause
            if error is not None:
                lines = error.message.strip().splitlines() or ["(no message)"]
                named = next((line for line in lines if _EXCEPTION_LINE.match(line)), lines[-1])
                return explain(one_line(_EXCEPTION_LINE.sub("", named, count=1)))
    return "the run failed (see its log)"


def _instance() -> dg.DagsterInstance:
    """The persistent instance when DAGSTER_HOME is set (runs then show in the UI), else a throwaway one."""
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def run_pipeline(
    settings: Settings,
    first_day: date,
    last_day: date,
    say: Callable[[str], None] = print,
    log_file: Path | None = None,
) -> RunSummary:
    """Run each configured vendor's job through Dagster: Cafe24 for first_day..last_day (KST) in one
    partition-range run, Infobank for whatever is new in the report store. Dagster's log goes to
    `log_file` (default: a new file from new_log_file), the assets' progress messages to stderr."""
    validate_range(first_day, last_day, settings.cafe24_first_day)
    summary = RunSummary()
    jobs = _selected_jobs(settings, first_day, last_day, say)
    if not jobs:
        raise PipelineError(
            "nothing to run: no vendor is configured (set CAFE24_SMS_LIST_URL, CAFE24_SMS_USER_ID and "
            "CAFE24_SMS_SECURE, or INFOBANK_REPORTS_DIR; see .env.example)"
        )
    _check_warehouse_free(settings.warehouse_path)
    definitions = build_definitions()
    log_file = log_file or new_log_file(settings)
    loggers = {"progress": progress_logger, "log_file": file_logger}
    failures: list[str] = []
    vendors = jobs[:-1]
    with _instance() as instance:  # one for the whole run: making one costs over a second
        for job_name, tags in jobs:
            if job_name == OUTCOMES_JOB and len(failures) == len(vendors):
                break  # no vendor's data changed: nothing to build the outcomes and reports from
            scope = f"{first_day}..{last_day} (KST)" if tags else "what is new"
            say(f"running {job_name} for {scope}")
            job = definitions.resolve_job_def(job_name).with_logger_defs(loggers)
            result = job.execute_in_process(
                run_config=_logging_config(log_file), instance=instance, tags=tags, raise_on_error=False
            )
            for step in instance.get_run_step_stats(result.run_id):
                if step.start_time is not None and step.end_time is not None:
                    summary.step_seconds[step.step_key] = step.end_time - step.start_time
            if result.success:
                _collect(result, summary)
            else:
                # One vendor's failure does not keep the other's data out of the outcomes and reports.
                failures.append(f"{STEP_NAMES.get(job_name, job_name)}: {_root_cause(result)}")
                say(f"{STEP_NAMES.get(job_name, job_name)} failed; the rest of the run goes on")
    if failures:
        raise PipelineError("; ".join(failures), log_file=log_file)
    return summary


def _check_warehouse_free(path: Path) -> None:
    """Fail at once, before any work, when another process holds the warehouse file: Dagster's DuckDB
    resource would wait for it, retrying, for nearly two minutes."""
    if not path.is_file():
        return  # a new warehouse, or a connection string (md:...)
    try:
        duckdb.connect(str(path)).close()
    except duckdb.IOException as error:
        raise PipelineError(explain(one_line(str(error)))) from None


def _summarised(value: Any) -> Any:
    """A metadata value as the run's summary holds it: a column schema (the UI's Columns) as its size."""
    if isinstance(value, dg.TableSchema):
        return f"{len(value.columns)} columns (with their comments: the asset's Columns in the UI)"
    return value


def _collect(result: dg.ExecuteInProcessResult, summary: RunSummary) -> None:
    # A range run emits one materialization per partition, all with the run's metadata: keep one per asset.
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        metadata = {key: _summarised(value.value) for key, value in materialization.metadata.items()}
        summary.materialized[materialization.asset_key.to_user_string()] = metadata
    for event in result.get_asset_check_evaluations():
        summary.checks[event.check_name] = CheckOutcome(
            passed=event.passed,
            warning=not event.passed and event.severity == dg.AssetCheckSeverity.WARN,
            description=event.description or "",
        )


def default_range(days: int) -> tuple[date, date]:
    """The last `days` complete KST days."""
    yesterday = shift_days(today_kst(), -1)
    return shift_days(yesterday, -(days - 1)), yesterday
