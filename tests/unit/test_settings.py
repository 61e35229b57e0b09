"""Configuration from the environment."""

from datetime import date, timedelta

import pytest

from assets import partitions
from assets.resources import WarehouseResource
from pipelines.definitions import build_definitions
from pipelines.kst import today_kst
from pipelines.settings import SETTINGS_HELP, ConfigError, load_settings

CAFE24 = {"CAFE24_SMS_LIST_URL": "http://127.0.0.1:1/sms_list.php", "CAFE24_SMS_USER_ID": "shop"}


def test_defaults_without_any_variable():
    settings = load_settings({})
    assert settings.cafe24 is None
    assert settings.cafe24_lookback_days == 3
    assert settings.infobank_reports_dir is None


def test_partial_cafe24_configuration_names_what_is_missing():
    with pytest.raises(ConfigError, match="CAFE24_SMS_SECURE"):
        load_settings(CAFE24)


def test_the_secure_key_never_shows_in_repr():
    settings = load_settings({**CAFE24, "CAFE24_SMS_SECURE": "s3cr3t-key"})
    assert settings.cafe24 is not None and settings.cafe24.secure == "s3cr3t-key"
    assert "s3cr3t-key" not in repr(settings)


@pytest.mark.parametrize("value", ["x", "-1", "61"])
def test_lookback_days_must_be_a_sensible_number(value):
    with pytest.raises(ConfigError, match="CAFE24_LOOKBACK_DAYS"):
        load_settings({"CAFE24_LOOKBACK_DAYS": value})


def test_the_warehouse_memory_limit_defaults_to_one_gigabyte_and_is_validated(tmp_path):
    assert load_settings({}).warehouse_memory_limit == "1GB"
    with WarehouseResource(database=str(tmp_path / "w.duckdb"), memory_limit="512MiB").open() as warehouse:
        limit = warehouse.connection.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.replace(" ", "") in {"512.0MiB", "512MiB", "536.8MB"}
    with pytest.raises(ValueError, match="SMS_WAREHOUSE_MEMORY_LIMIT"):
        WarehouseResource(database=str(tmp_path / "x.duckdb"), memory_limit="1GB'; DROP").open().__enter__()


def test_the_settle_window_is_one_setting_that_the_warehouse_resource_carries(monkeypatch, tmp_path):
    assert load_settings({}).settle_hours == 72
    assert load_settings({"SMS_SETTLE_HOURS": "48"}).settle_hours == 48
    for value in ("0", "-5", "1441", "3.5"):
        with pytest.raises(ConfigError, match="SMS_SETTLE_HOURS"):
            load_settings({"SMS_SETTLE_HOURS": value})
    # Both assets that apply the window (delivery_outcomes and daily_reports) read it from this one resource.
    monkeypatch.setenv("SMS_SETTLE_HOURS", "48")
    monkeypatch.setenv("SMS_WAREHOUSE", str(tmp_path / "w.duckdb"))
    resources = build_definitions().resources
    assert resources["warehouse"].settle_hours == 48


def test_the_first_partition_day_defaults_to_2025_and_is_validated():
    assert load_settings({}).cafe24_first_day == date(2025, 1, 1)
    assert load_settings({"CAFE24_FIRST_DAY": " 2026-06-01 "}).cafe24_first_day == date(2026, 6, 1)
    for value, message in [
        ("2026-13-01", "must be a day written YYYY-MM-DD, got '2026-13-01'"),
        ("June 1st", "must be a day written YYYY-MM-DD"),
        (str(today_kst() + timedelta(days=1)), "is in the future"),
    ]:
        with pytest.raises(ConfigError, match=f"^CAFE24_FIRST_DAY .*{message}"):
            load_settings({"CAFE24_FIRST_DAY": value})
    assert "CAFE24_FIRST_DAY" in SETTINGS_HELP


def test_the_partitions_read_the_first_day_and_leave_a_bad_one_to_the_settings(monkeypatch):
    monkeypatch.setenv("CAFE24_FIRST_DAY", "2026-06-01")
    assert partitions._first_day() == "2026-06-01"
    # Malformed: load_settings() refuses it with one line before any run; the import does not fail first.
    monkeypatch.setenv("CAFE24_FIRST_DAY", "soon")
    assert partitions._first_day() == "2025-01-01"
    with pytest.raises(ConfigError, match="CAFE24_FIRST_DAY"):
        build_definitions()
