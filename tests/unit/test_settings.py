"""Configuration from the environment."""

import pytest

from assets.resources import WarehouseResource
from pipelines.definitions import build_definitions
from pipelines.settings import ConfigError, load_settings

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
