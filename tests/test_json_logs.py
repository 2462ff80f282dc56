"""COACHBOT_LOG_FORMAT=json: one JSON object per line (time, level, logger, message, the event's own fields, the
traceback), still scrubbed of every secret, from the running bot as from any logger."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot import logs
from bot.settings import Settings, SettingsError
from tests.conftest import ROOT
from tests.support.fake_bot_api import FakeBotApi, FakeBotApiServer

TOKEN = "123456789:AAE-test-token-for-the-fake-api-0000"
KEY = "sk-model-key-that-is-secret"


@pytest.fixture
def json_logs():
    """Logging set up as `coachbot run` does with COACHBOT_LOG_FORMAT=json, into a buffer; put back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logs.configure("DEBUG", [TOKEN, KEY], "json")
    buffer = io.StringIO()
    for handler in root.handlers:
        handler.setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)
    logs.install_redaction(())


def test_each_record_is_one_json_object_with_its_fields_and_no_secret(json_logs):
    log = logging.getLogger("bot.test")
    log.info("sent %d replies with %s", 3, f"https://api.telegram.org/bot{TOKEN}/sendMessage",
             extra={"leaders": 12, "endpoint": f"https://x.example/v1?key={KEY}", "tags": ["a", KEY]})
    try:
        raise RuntimeError(f"calling https://api.telegram.org/bot{TOKEN}/getUpdates with {KEY}")
    except RuntimeError:
        log.exception("the poll failed")
    logging.getLogger("httpx").warning('a "quoted" line\nacross two lines')
    text = json_logs.getvalue()
    entries = [json.loads(line) for line in text.splitlines()]
    assert len(entries) == 3
    first, second, third = entries
    assert set(first) >= {"time", "level", "logger", "message"}
    assert first["level"] == "INFO" and first["logger"] == "bot.test" and first["time"].endswith("+00:00")
    assert first["message"] == "sent 3 replies with https://api.telegram.org/bot[redacted]/sendMessage"
    assert first["leaders"] == 12 and first["endpoint"] == "https://x.example/v1?key=[redacted]"
    assert first["tags"] == ["a", "[redacted]"]
    assert second["level"] == "ERROR" and "RuntimeError" in second["exception"]
    assert "Traceback" in second["exception"]
    assert third["message"] == 'a "quoted" line\nacross two lines'
    assert TOKEN not in text and KEY not in text


def test_the_format_is_a_setting():
    assert Settings.from_env({}, dotenv=None).log_format == "text"
    assert Settings.from_env({"COACHBOT_LOG_FORMAT": "JSON"}, dotenv=None).log_format == "json"
    with pytest.raises(SettingsError, match="COACHBOT_LOG_FORMAT"):
        Settings.from_env({"COACHBOT_LOG_FORMAT": "xml"}, dotenv=None)


def test_the_running_bot_writes_json_lines_without_its_token(tmp_path: Path):
    api = FakeBotApi()
    with FakeBotApiServer(api) as server:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TELEGRAM_BOT_TOKEN": api.token,
               "TELEGRAM_API_URL": server.base_url, "COACHBOT_DATA_DIR": str(tmp_path / "data"),
               "COACHBOT_LOG_LEVEL": "DEBUG", "COACHBOT_LOG_FORMAT": "json",
               "COACHBOT_FEEDS": str(tmp_path / "none.yaml")}
        (tmp_path / "none.yaml").write_text("sectors: []\n")
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        try:
            api.wait_for(lambda a: any(call.method == "getUpdates" for call in a.calls), timeout=60)
            api.user_sends(77, "/start")
            api.wait_for(lambda a: len(a.messages(77)) >= 1, timeout=30)
        finally:
            bot.send_signal(signal.SIGTERM)
            _, err = bot.communicate(timeout=60)
    entries = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert entries and all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    scheduled = [entry for entry in entries if entry["message"].startswith("scheduled ")]
    assert scheduled and scheduled[0]["logger"] == "bot.adapters.telegram" and scheduled[0]["leaders_scheduled"] == 0
    assert api.token not in err and api.token.split(":")[1] not in err
