"""Configuration from the environment, in one place. Secrets are read here and nowhere else."""

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipelines.cafe24.windows import DEFAULT_LOOKBACK_DAYS
from pipelines.kst import today_kst

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_OUTPUT_DIR = "out"
DEFAULT_ANALYTICS_DIR = "data/analytics"
DEFAULT_MEMORY_LIMIT = "1GB"
# Hours after a KST day ends before its messages still in flight count as unknown and its Cafe24 failures
# without a refund as refund_missing (the settle window, sql/schema/065_rules.sql).
DEFAULT_SETTLE_HOURS = 72
# The first KST day of the daily partitions (Cafe24's and the morning job's): set it to the day the account's
# traffic starts, so the UI counts no missing partitions before it. No run reads a day before it.
DEFAULT_FIRST_DAY = date(2025, 1, 1)


# Every setting, as `python -m pipelines --help` lists it (README and .env.example say more).
SETTINGS_HELP = {
    "SMS_WAREHOUSE": f"the DuckDB warehouse file (default {DEFAULT_WAREHOUSE})",
    "SMS_WAREHOUSE_MEMORY_LIMIT": f"DuckDB's memory limit (default {DEFAULT_MEMORY_LIMIT})",
    "SMS_OUTPUT_DIR": f"where the daily report files go (default {DEFAULT_OUTPUT_DIR})",
    "SMS_ANALYTICS_DIR": f"the analysts' read-only copy (default {DEFAULT_ANALYTICS_DIR})",
    "SMS_SETTLE_HOURS": f"hours after a day ends before pending messages are unknown and refunds due "
    f"(default {DEFAULT_SETTLE_HOURS})",
    "CAFE24_SMS_LIST_URL": "Cafe24's sms_list.php address (set all three CAFE24_SMS_* or none)",
    "CAFE24_SMS_USER_ID": "the Cafe24 SMS account",
    "CAFE24_SMS_SECURE": "the account's secure key (a secret: never printed)",
    "CAFE24_LOOKBACK_DAYS": f"days before --start read again (default {DEFAULT_LOOKBACK_DAYS})",
    "CAFE24_FIRST_DAY": f"the first KST day of the daily partitions (default {DEFAULT_FIRST_DAY})",
    "INFOBANK_REPORTS_DIR": "the folder of stored Infobank delivery reports",
    "SLACK_WEBHOOK_URL": "optional: where the morning message goes (a secret)",
    "DAGSTER_HOME": "optional: keep the runs' history, for the UI",
}


class ConfigError(ValueError):
    """A setting in the environment is missing or malformed."""


@dataclass(frozen=True)
class Cafe24Account:
    """Where and as whom to read Cafe24's sms_list. `secure` is a secret: never print this object's field."""

    sms_list_url: str
    user_id: str
    secure: str

    def __repr__(self) -> str:
        return f"Cafe24Account(sms_list_url={self.sms_list_url!r}, user_id={self.user_id!r}, secure=***)"


@dataclass(frozen=True)
class Settings:
    """Everything the pipeline reads from the environment."""

    warehouse_path: Path
    warehouse_memory_limit: str
    output_dir: Path
    analytics_dir: Path
    cafe24: Cafe24Account | None
    cafe24_lookback_days: int
    infobank_reports_dir: Path | None
    settle_hours: int = DEFAULT_SETTLE_HOURS
    cafe24_first_day: date = DEFAULT_FIRST_DAY
    slack_webhook_url: str | None = field(default=None, repr=False)  # a secret: the URL is the credential


def int_setting(env: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    """The whole number `name` in `env`, from `low` to `high`; `default` when it is not set."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def cafe24_first_day(env: dict[str, str] | None = None) -> date:
    """CAFE24_FIRST_DAY from `env` (default: the process environment): a KST day, not after today. Read on
    its own too, by the partitions, which exist before any other setting is needed."""
    raw = (os.environ if env is None else env).get("CAFE24_FIRST_DAY", "").strip()
    if not raw:
        return DEFAULT_FIRST_DAY
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"CAFE24_FIRST_DAY must be a day written YYYY-MM-DD, got {raw!r}") from None
    if day > today_kst():
        raise ConfigError(f"CAFE24_FIRST_DAY {day} is in the future (today in KST is {today_kst()})")
    return day


def _cafe24_account(env: dict[str, str]) -> Cafe24Account | None:
    names = ("CAFE24_SMS_LIST_URL", "CAFE24_SMS_USER_ID", "CAFE24_SMS_SECURE")
    values = [env.get(name, "").strip() for name in names]
    if not any(values):
        return None
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise ConfigError(f"Cafe24 is partly configured: set {', '.join(missing)} too (or none of them)")
    return Cafe24Account(*values)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read the settings from `env` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    reports_dir = env.get("INFOBANK_REPORTS_DIR", "").strip()
    return Settings(
        warehouse_path=Path(env.get("SMS_WAREHOUSE", "").strip() or DEFAULT_WAREHOUSE),
        warehouse_memory_limit=env.get("SMS_WAREHOUSE_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT,
        output_dir=Path(env.get("SMS_OUTPUT_DIR", "").strip() or DEFAULT_OUTPUT_DIR),
        analytics_dir=Path(env.get("SMS_ANALYTICS_DIR", "").strip() or DEFAULT_ANALYTICS_DIR),
        cafe24=_cafe24_account(env),
        cafe24_lookback_days=int_setting(env, "CAFE24_LOOKBACK_DAYS", DEFAULT_LOOKBACK_DAYS, 0, 60),
        infobank_reports_dir=Path(reports_dir) if reports_dir else None,
        settle_hours=int_setting(env, "SMS_SETTLE_HOURS", DEFAULT_SETTLE_HOURS, 1, 24 * 60),
        cafe24_first_day=cafe24_first_day(env),
        slack_webhook_url=env.get("SLACK_WEBHOOK_URL", "").strip() or None,
    )
