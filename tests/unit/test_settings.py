"""Configuration from the environment."""

import pytest

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
