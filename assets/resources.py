"""Dagster resources: thin, configurable wrappers around the library code in pipelines/."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import Field, PrivateAttr

from pipelines.cafe24.client import ClientConfig, SmsListClient
from pipelines.cafe24.windows import DEFAULT_LOOKBACK_DAYS
from pipelines.settings import DEFAULT_MEMORY_LIMIT, DEFAULT_SETTLE_HOURS
from pipelines.warehouse import Warehouse


class WarehouseResource(DuckDBResource):
    """The warehouse file, and the one settle window its outcomes and reports are built with. Every read and
    write of the pipeline goes through `open()`."""

    memory_limit: str = Field(
        default=DEFAULT_MEMORY_LIMIT, description="DuckDB's memory limit; larger work spills to disk."
    )
    settle_hours: int = Field(
        default=DEFAULT_SETTLE_HOURS,
        ge=1,
        description="SMS_SETTLE_HOURS: hours after a day ends before a message still pending counts as "
        "unknown and a Cafe24 failure without a refund as refund_missing. A change rebuilds every outcome.",
    )

    _held: ExitStack | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Hold one connection for as long as the resource lives (a whole in-process run): DuckDB keeps an
        open database per process, so each step's `open()` joins it instead of loading the file again (about
        15 ms a step, and a run has dozens). Steps still get connections of their own, as before."""
        self._make_folder()
        self._held = ExitStack()
        self._held.enter_context(self.get_connection())

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    @contextmanager
    def open(self) -> Iterator[Warehouse]:
        """A Warehouse on a fresh connection, with the schema in place; closed afterwards, even on error."""
        self._make_folder()
        with self.get_connection() as connection:
            try:
                warehouse = Warehouse(connection, memory_limit=self.memory_limit)
                warehouse.ensure_schema()
                yield warehouse
            finally:
                connection.close()

    def _make_folder(self) -> None:
        if self.database != ":memory:":
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)


class Cafe24Resource(dg.ConfigurableResource):
    """A Cafe24 SMS hosting account's sms_list, read with bounded concurrency and retries."""

    sms_list_url: str = Field(description="The sms_list.php address.")
    user_id: str = Field(description="The SMS account id.")
    secure: str = Field(description="The account's secure key; give it as EnvVar('CAFE24_SMS_SECURE').")
    lookback_days: int = Field(
        default=DEFAULT_LOOKBACK_DAYS, ge=0, description="Days before the range re-read for late changes."
    )
    window_days: int = Field(default=7, ge=1, le=7, description="Days per sms_list query (Cafe24 allows 7).")
    page_size: int = Field(default=50, ge=1, le=50, description="Rows per page (Cafe24 allows 50).")
    concurrency: int = Field(default=8, ge=1, le=32, description="Pages fetched at once within a window.")
    timeout_seconds: float = Field(default=15.0, gt=0, description="Per-request timeout.")
    max_attempts: int = Field(default=6, ge=1, description="Attempts per page before the run fails.")

    def client(self) -> SmsListClient:
        """A new client for this account; close it when done (it is a context manager)."""
        return SmsListClient(
            ClientConfig(
                url=self.sms_list_url,
                user_id=self.user_id,
                secure=self.secure,
                page_size=self.page_size,
                concurrency=self.concurrency,
                timeout_seconds=self.timeout_seconds,
                max_attempts=self.max_attempts,
            )
        )


class InfobankResource(dg.ConfigurableResource):
    """The folder where Infobank's pushed delivery reports are stored as files."""

    reports_dir: str = Field(description="The report store: *.log, *.txt, *.jsonl files, optionally gzipped.")
    max_quarantine_rate: float = Field(
        default=0.01, ge=0, le=1, description="Highest share of a load's lines that may be quarantined."
    )

    def folder(self) -> Path:
        return Path(self.reports_dir)


class ExportsResource(dg.ConfigurableResource):
    """Where report files go: one folder per KST day under `output_dir`."""

    output_dir: str = Field(description="SMS_OUTPUT_DIR: report exports, one folder per day.")

    def folder(self) -> Path:
        return Path(self.output_dir)


class AnalyticsResource(dg.ConfigurableResource):
    """Where the read-only copy for analysts is published after each run."""

    analytics_dir: str = Field(description="SMS_ANALYTICS_DIR: analytics.duckdb and the Parquet it reads.")

    def folder(self) -> Path:
        return Path(self.analytics_dir)


class SlackResource(dg.ConfigurableResource):
    """An optional Slack incoming webhook for the daily headline and finance findings."""

    webhook_url: str | None = Field(
        default=None, description="SLACK_WEBHOOK_URL, a secret; give it as EnvVar. None: nothing is posted."
    )
    timeout_seconds: float = Field(default=10.0, gt=0, description="Per-request timeout.")
