"""Settings read once from the environment; logs that never carry the token; the command line's answers."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot import logs
from bot.settings import Settings, SettingsError

TOKEN = "123456789:AAE-secret-token-never-to-be-logged-xyz"


def test_defaults_and_environment(tmp_path):
    settings = Settings.from_env({}, dotenv=None)
    assert settings.token == "" and settings.api_url == "https://api.telegram.org/bot"
    assert settings.data_dir == Path("data") and settings.feeds_path.name == "feeds.yaml"
    assert settings.content_dir.name == "content" and settings.allowed_users == frozenset()
    custom = Settings.from_env(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "COACHBOT_ALLOWED_USERS": "1, 22,333", "COACHBOT_LOG_LEVEL": "debug",
         "COACHBOT_DATA_DIR": str(tmp_path)}, dotenv=None)
    assert custom.allowed_users == {1, 22, 333}
    assert custom.log_level == "DEBUG" and custom.data_dir == tmp_path


def test_the_dotenv_file_is_read_and_the_environment_wins(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nCOACHBOT_LOG_LEVEL=WARNING\n")
    settings = Settings.from_env({"COACHBOT_LOG_LEVEL": "ERROR"}, dotenv=dotenv)
    assert settings.token == TOKEN and settings.log_level == "ERROR"


def test_the_token_never_shows_in_the_settings_repr():
    assert TOKEN not in repr(Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}, dotenv=None))


@pytest.mark.parametrize(("name", "value"), [("COACHBOT_ALLOWED_USERS", "alice"), ("COACHBOT_LOG_LEVEL", "LOUD")])
def test_bad_settings_are_named(name, value):
    with pytest.raises(SettingsError) as error:
        Settings.from_env({name: value}, dotenv=None)
    assert name in str(error.value)


def test_log_records_are_scrubbed_at_every_level_and_in_tracebacks(caplog):
    logs.install_redaction([TOKEN])
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("httpx")
    log.debug("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info("URL %s", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/getUpdates")
    except RuntimeError:
        logging.getLogger("telegram.ext").exception("network error")
    other = "987654321:ZZZ-another-token-shaped-string-0000"
    log.warning("and a token-shaped string %s", other)
    text = caplog.text + "".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert TOKEN not in text and other not in text
    assert text.count("[redacted]") >= 4


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=60)


def test_run_without_a_token_exits_2_with_one_clear_line(tmp_path):
    result = run_cli("run", env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_help_lists_every_command(tmp_path):
    result = run_cli("--help", env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "chat", "content"):
        assert command in result.stdout
