"""`coachbot doctor` passes on a good set-up (the fake Bot API, feeds and a model on loopback) and names each broken
part of a bad one, with its fix, in one line each; exit status 0 or 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from bot.adapters.storage import LeaderStore
from bot.backup import take_backup
from bot.core.model import Leader
from bot.doctor import FAIL, OK, SKIP, check_clock, check_transcription
from bot.settings import Settings
from tests.conftest import utc
from tests.support.fake_bot_api import FakeBotApi, FakeBotApiServer
from tests.support.feed_server import FeedServer
from tests.support.llm_server import LLMServer


def _feeds_file(tmp_path: Path, feeds: dict[str, str]) -> Path:
    sectors = {"sectors": [{"id": "technology", "label": {"en": "Technology", "fr": "Technologie"},
                            "keywords": {"en": ["AI"], "fr": ["IA"]},
                            "feeds": [{"url": url, "name": name, "lang": "en"} for name, url in feeds.items()]}]}
    path = tmp_path / "feeds.yaml"
    path.write_text(yaml.safe_dump(sectors))
    return path


def doctor(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run([sys.executable, "-m", "bot", "doctor"], capture_output=True, text=True, env=environment,
                          cwd=tmp_path, timeout=120)


def lines(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Each check's line, by the check's name."""
    found = {}
    for line in result.stdout.splitlines():
        status, _, rest = line.partition("  ")
        name, _, said = rest.strip().partition(": ")
        if said:
            found[name] = f"{status.strip()} {said}"
    return found


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
def llm():
    server = LLMServer().start()
    server.answer = {"linkedin": "OK", "x": "OK"}
    yield server
    server.stop()


def test_a_good_set_up_passes(tmp_path, api, llm):
    data = tmp_path / "data"
    LeaderStore(data).put(Leader(1, 1, onboarded=True))
    take_backup(data)
    with FakeBotApiServer(api) as bot_api, FeedServer() as feeds:
        result = doctor(tmp_path, {
            "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": bot_api.base_url, "COACHBOT_DATA_DIR": str(data),
            "COACHBOT_FEEDS": str(_feeds_file(tmp_path, {"RSS": feeds.url("feeds/rss2.xml"),
                                                         "Atom": feeds.url("feeds/atom.xml")})),
            "COACHBOT_LLM_URL": llm.url, "COACHBOT_LLM_MODEL": "tiny",
        })
    said = lines(result)
    assert result.returncode == 0, result.stdout
    assert said["token"] == "ok the bot is @coach_test_bot (getMe answered)"
    assert said["data directory"].startswith("ok") and said["permissions"].startswith("ok")
    assert said["disk space"].startswith("ok") and said["backups"].startswith("ok")
    assert said["feeds"] == "ok 2 of 2 feeds answer"
    assert said["model writer"].startswith("ok tiny at 127.0.0.1")
    assert len(llm.requests) == 1 and llm.requests[0]["model"] == "tiny"
    assert said["LinkedIn"].startswith("skip") and said["clock"].startswith("ok")
    assert said["time zones"].startswith("ok")
    assert result.stdout.rstrip().endswith("all is well")
    assert api.token not in result.stdout + result.stderr


def test_a_bad_set_up_names_each_broken_part_with_its_fix(tmp_path, api, llm):
    data = tmp_path / "data"
    LeaderStore(data).put(Leader(1, 1, onboarded=True))
    os.chmod(data / "leaders" / "1.json", 0o644)  # the folders are right: the file alone is named
    llm.mode = "error"
    wrong = "987654321:AAE-wrong-token-for-the-fake-api-000"
    with FakeBotApiServer(api) as bot_api, FeedServer() as feeds:
        result = doctor(tmp_path, {
            "TELEGRAM_BOT_TOKEN": wrong, "TELEGRAM_API_URL": bot_api.base_url, "COACHBOT_DATA_DIR": str(data),
            "COACHBOT_FEEDS": str(_feeds_file(tmp_path, {"Gone": feeds.url("status/404"),
                                                         "Broken": feeds.url("status/500")})),
            "COACHBOT_LLM_URL": llm.url, "COACHBOT_LLM_MODEL": "tiny",
            "COACHBOT_LINKEDIN_CLIENT_ID": "abc",
        })
    said = lines(result)
    assert result.returncode == 1, result.stdout
    assert said["token"].startswith("FAIL Telegram refuses this token (401") and "@BotFather" in said["token"]
    assert said["permissions"].startswith(f"FAIL others may read the leaders' data ({data / 'leaders' / '1.json'})")
    assert f"chmod -R go-rwx {data}" in said["permissions"]
    assert said["backups"].startswith("warn none yet") and "coachbot backup" in said["backups"]
    assert said["feeds"].startswith("FAIL 0 of 2 feeds answer")
    assert said["model writer"].startswith("FAIL tiny at 127.0.0.1") and "error status 500" in said["model writer"]
    assert said["LinkedIn"].startswith("FAIL COACHBOT_LINKEDIN_SECRET, COACHBOT_PUBLIC_URL not set")
    assert said["data directory"].startswith("ok")  # what works is still said to work
    assert result.stdout.rstrip().endswith("5 problem(s) found")
    assert wrong not in result.stdout + result.stderr


def test_a_missing_token_and_an_unreachable_api_are_told_apart(tmp_path):
    with FeedServer() as feeds:
        feeds_file = str(_feeds_file(tmp_path, {"RSS": feeds.url("feeds/rss2.xml")}))
    # (the feed server is gone: nothing is read from the internet)
    result = doctor(tmp_path, {"COACHBOT_DATA_DIR": str(tmp_path / "data"), "COACHBOT_FEEDS": feeds_file})
    assert lines(result)["token"].startswith("FAIL TELEGRAM_BOT_TOKEN is not set")
    assert lines(result)["clock"].startswith("skip")
    assert lines(result)["data directory"].startswith("ok") and "created at the first run" in result.stdout
    api = FakeBotApi()
    with FakeBotApiServer(api) as bot_api:
        closed = bot_api.base_url
    result = doctor(tmp_path, {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": closed,
                               "COACHBOT_DATA_DIR": str(tmp_path / "data"), "COACHBOT_FEEDS": feeds_file})
    assert lines(result)["feeds"].startswith("FAIL 0 of 1 feeds answer")
    assert lines(result)["token"].startswith("FAIL cannot reach the Bot API at 127.0.0.1")
    assert result.returncode == 1


def test_the_clock_is_compared_with_telegrams():
    now = utc(2026, 12, 4, 12, 0)
    assert check_clock(now - timedelta(seconds=3), now).status == OK
    late = check_clock(now + timedelta(minutes=5), now)
    assert late.status == FAIL and "300 s behind" in late.said and "set-ntp" in late.fix
    assert check_clock(None, now).status == SKIP


@dataclass(frozen=True)
class WithSpeech(Settings):
    """Settings as they are once transcription is configurable."""

    stt_url: str = ""
    stt_model: str = ""
    stt_key: str = ""


class _Transcriber(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def log_message(self, *args: object) -> None:
        """Say nothing."""

    def do_POST(self) -> None:  # noqa: N802 (the http.server name)
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        self.received.append(body)
        ok = self.path == "/v1/audio/transcriptions" and b"RIFF" in body
        payload = json.dumps({"text": ""} if ok else {"error": {"message": "no"}}).encode()
        self.send_response(200 if ok else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def test_the_transcription_service_gets_one_tiny_request_when_configured():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Transcriber)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        assert check_transcription(WithSpeech()).status == SKIP
        good = check_transcription(WithSpeech(stt_url=url, stt_model="whisper-1"))
        assert good.status == OK and len(_Transcriber.received) == 1
        wrong = check_transcription(WithSpeech(stt_url=url + "/nowhere", stt_model="whisper-1"))
        assert wrong.status == FAIL and "404" in wrong.said
        assert check_transcription(WithSpeech(stt_url=url)).status == FAIL
    finally:
        server.shutdown()
        server.server_close()
    assert check_transcription(Settings()).status == SKIP


def test_linkedin_settings_are_checked_and_the_public_address_is_said_not_checkable():
    from bot.doctor import check_linkedin

    assert check_linkedin(Settings()).status == SKIP
    half = check_linkedin(Settings(linkedin_client_id="client"))
    assert half.status == FAIL and "COACHBOT_LINKEDIN_SECRET, COACHBOT_PUBLIC_URL not set" in half.said
    three = {"linkedin_client_id": "client", "linkedin_secret": "secret", "public_url": "https://coach.example.com"}
    assert check_linkedin(Settings(**three)).status == FAIL  # no key to encrypt the tokens
    key = "k" * 32
    plain = check_linkedin(Settings(**{**three, "public_url": "http://coach.example.com"}, secret_key=key))
    assert plain.status == FAIL and "not an https address" in plain.said
    good = check_linkedin(Settings(**three, secret_key=key))
    assert good.status == OK and "cannot be checked from here" in good.said
    assert "https://coach.example.com/healthz" in good.said and "secret" not in good.line()
