"""Settings come from SIYU_* variables and an optional TOML file; a wrong value stops
start-up with a message naming the variable."""
import pytest

from bot.config import PROJECT_DIR, ConfigError, load_settings
from main import main

GOOD_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


def test_defaults_need_nothing():
    s = load_settings({})
    assert s.database_url == f"sqlite://{PROJECT_DIR / 'data' / 'siyu.db'}"
    assert s.port == 8080 and s.callback_max_skew == 300
    assert load_settings({"SIYU_DATA_DIR": "/srv/siyu"}).database_url == "sqlite:///srv/siyu/siyu.db"
    assert s.wecom_api_base == "https://qyapi.weixin.qq.com"
    assert s.wechat_api_base == "https://api.weixin.qq.com"
    assert not (s.wecom_enabled or s.wecom_bot_enabled or s.wechat_enabled)


def test_a_channel_is_enabled_only_with_its_credentials():
    s = load_settings({"SIYU_WECOM_CORP_ID": "ww1", "SIYU_WECOM_TOKEN": "t", "SIYU_WECOM_AES_KEY": GOOD_KEY})
    assert s.wecom_enabled and not s.wechat_enabled


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SIYU_PORT": "eighty"}, "SIYU_PORT"),
        ({"SIYU_PORT": "70000"}, "SIYU_PORT"),
        ({"SIYU_CALLBACK_MAX_SKEW": "-1"}, "SIYU_CALLBACK_MAX_SKEW"),
        ({"SIYU_WECOM_AES_KEY": "short"}, "SIYU_WECOM_AES_KEY"),
        ({"SIYU_WECHAT_AES_KEY": "!" * 43}, "SIYU_WECHAT_AES_KEY"),
        ({"SIYU_DATABASE_URL": "mysql://x"}, "SIYU_DATABASE_URL"),
        ({"SIYU_WECOM_TOKEN": "t", "SIYU_WECOM_CORP_ID": "ww1"}, "SIYU_WECOM_AES_KEY"),
        ({"SIYU_WECHAT_TOKEN": "t"}, "SIYU_WECHAT_APP_ID"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_variable(env, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(env)


def test_toml_file_is_read_and_the_environment_wins(tmp_path):
    path = tmp_path / "siyu.toml"
    path.write_text('port = 9090\nhost = "0.0.0.0"\ncallback_max_skew = 0\n', encoding="utf-8")
    s = load_settings({"SIYU_PORT": "9191"}, config_file=path)
    assert (s.host, s.port, s.callback_max_skew) == ("0.0.0.0", 9191, 0)


def test_a_broken_or_unknown_toml_setting_is_refused(tmp_path):
    path = tmp_path / "siyu.toml"
    path.write_text("port = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings({}, config_file=path)
    path.write_text("prot = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'prot'"):
        load_settings({}, config_file=path)


def test_the_cli_stops_with_the_variable_named(monkeypatch, capsys):
    monkeypatch.setenv("SIYU_PORT", "eighty")
    assert main(["migrate"]) == 2
    assert "SIYU_PORT" in capsys.readouterr().err
