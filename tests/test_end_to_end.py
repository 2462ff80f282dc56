"""`coachbot run` as a real process against a local server speaking the Bot API.

A new leader goes through onboarding, receives the day's lesson at the time they chose (a minute or two from
now), presses "Done"; the process is killed with SIGKILL and started again; nothing is lost and nothing is sent
twice. The bot logs at DEBUG all along, and its output never shows the token.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.storage import LeaderStore
from tests.conftest import ROOT
from tests.support.fake_bot_api import FakeBotApi, FakeBotApiServer

LEADER = 4242


def start_bot(server: FakeBotApiServer, data_dir: Path, log_path: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TELEGRAM_BOT_TOKEN": server.api.token,
        "TELEGRAM_API_URL": server.base_url,
        "COACHBOT_DATA_DIR": str(data_dir),
        "COACHBOT_LOG_LEVEL": "DEBUG",
    }
    log = log_path.open("ab")
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT, stdout=log, stderr=log)


def polling(api: FakeBotApi, after: int) -> bool:
    return sum(1 for call in api.calls if call.method == "getUpdates") > after


def buttons(message) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [b.get("callback_data") for row in rows for b in row]


def wait_message(api: FakeBotApi, count: int, timeout: float = 20.0):
    api.wait_for(lambda a: len(a.messages(LEADER)) >= count, timeout=timeout)
    return api.messages(LEADER)[count - 1]


def test_onboarding_scheduled_lesson_done_kill_and_restart(tmp_path):
    api = FakeBotApi()
    data_dir, log_path = tmp_path / "data", tmp_path / "bot.log"
    with FakeBotApiServer(api) as server:
        bot = start_bot(server, data_dir, log_path)
        try:
            api.wait_for(lambda a: polling(a, 0), timeout=30)
            # The command menu is published in the background at start, in both languages.
            api.wait_for(lambda a: {c.params.get("language_code") for c in a.calls_to("setMyCommands")} == {None, "fr"},
                         timeout=30)

            api.user_sends(LEADER, "/start", language_code="en")
            first = wait_message(api, 1)
            assert {"lang:en", "lang:fr"} <= set(buttons(first))
            api.user_presses(LEADER, first.message_id, "lang:en")
            asked = wait_message(api, 2)
            api.user_presses(LEADER, asked.message_id, "tz:UTC")
            wait_message(api, 3)
            now = datetime.now(UTC)
            due = (now + timedelta(minutes=1 if now.second < 40 else 2)).replace(second=0, microsecond=0)
            api.user_sends(LEADER, due.strftime("%H:%M"))  # the time, typed
            days = wait_message(api, 4)
            api.user_presses(LEADER, days.message_id, "days:0123456")
            sectors = wait_message(api, 5)
            api.user_presses(LEADER, sectors.message_id, "sec:technology")
            offer = wait_message(api, 6)
            assert "go:today" in buttons(offer)

            # The sector's news is read at once (here nothing answers: no network), then the lesson comes on time.
            wait = (due - datetime.now(UTC)).total_seconds() + 30
            api.wait_for(lambda a: any("done:welcome" in buttons(m) for m in a.messages(LEADER)), timeout=wait)
            lesson = next(m for m in api.messages(LEADER) if "done:welcome" in buttons(m))
            assert datetime.now(UTC) >= due
            api.user_presses(LEADER, lesson.message_id, "done:welcome")
            index = api.messages(LEADER).index(lesson)
            api.wait_for(lambda a: a.messages(LEADER)[index].edits == 1, timeout=20)
            assert "Done" in api.messages(LEADER)[index].text
        finally:
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=30)

        stored = LeaderStore(data_dir).get(LEADER)
        assert stored is not None and stored.done_ids == {"welcome"}
        sent_before = len(api.messages(LEADER))
        polls = sum(1 for call in api.calls if call.method == "getUpdates")

        bot = start_bot(server, data_dir, log_path)
        try:
            api.wait_for(lambda a: polling(a, polls), timeout=30)
            time.sleep(2)  # time for a wrongly repeated delivery to show up
            assert len(api.messages(LEADER)) == sent_before  # nothing sent twice
            api.user_sends(LEADER, "/roadmap")
            roadmap = wait_message(api, sent_before + 1)
            assert "One lesson done out of 42" in roadmap.text
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=30) == 0  # a clean stop on SIGTERM

    output = log_path.read_text(errors="replace")
    assert "getUpdates" in output or "Polling" in output or "polling" in output  # DEBUG logging was on
    assert api.token not in output
    assert api.token.split(":", 1)[1] not in output
    assert "Traceback" not in output
    assert all(call.ok for call in api.calls if call.method != "getUpdates")
