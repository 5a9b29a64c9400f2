from pathlib import Path

import pytest

from bot.core.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Settings also read ./.env; run from an empty directory so only the test's values count.
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "MOMENTUM_WINDOW_DAYS", "MOMENTUM_TIMEZONE", "LOG_LEVEL",
                 "MOMENTUM_MAX_WATCH", "GITHUB_TOKEN", "SLACK_BOT_TOKEN", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///momentum.db"
    assert settings.window_days == 7
    assert settings.timezone == "UTC"
    assert settings.max_watch == 100
    assert settings.github_api_url == "https://api.github.com"
    assert not settings.slack_configured
    assert not settings.discord_configured


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MOMENTUM_WINDOW_DAYS=14\nGITHUB_TOKEN=ghp_secret\n")
    monkeypatch.setenv("MOMENTUM_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.window_days == 14
    assert settings.timezone == "Europe/Berlin"
    assert settings.log_level == "DEBUG"
    assert settings.github_token is not None
    assert settings.github_token.get_secret_value() == "ghp_secret"
    assert "ghp_secret" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("MOMENTUM_WINDOW_DAYS", "0", "MOMENTUM_WINDOW_DAYS='0' is invalid"),
        ("MOMENTUM_WINDOW_DAYS", "91", "less than or equal to 90"),
        ("MOMENTUM_WINDOW_DAYS", "week", "MOMENTUM_WINDOW_DAYS='week' is invalid"),
        ("MOMENTUM_TIMEZONE", "Mars/Olympus", "not an IANA time zone"),
        ("DATABASE_URL", "mysql://db", "DATABASE_URL='mysql://db' is invalid"),
        ("GITHUB_API_URL", "api.github.com", "http:// or https://"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL='loud' is invalid"),
        ("MOMENTUM_MAX_WATCH", "0", "MOMENTUM_MAX_WATCH"),
    ],
)
def test_a_bad_value_names_its_variable_in_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as bad:
        load_settings()
    assert expected in str(bad.value)
    assert "\n" not in str(bad.value)
