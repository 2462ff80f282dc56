"""A backlog of commands already fetched (so confirmed to Telegram) survives a kill and a stop.

The real `coachbot run` against the fake Bot API over HTTP, with 45 ms per call. Killed with SIGKILL while it
holds a backlog, it answers every command once after the restart; stopped with SIGTERM, it stops within a few
seconds whatever the backlog, and the rest is answered after the restart. An update whose handling was under way
at the kill is answered after the restart too.
"""

from __future__ import annotations

import itertools
import json
import signal
import threading
import time
from pathlib import Path

from tests.reliability.process import polls, start_bot, wait_until
from tests.support.fake_bot_api import FIRST_UPDATE_ID, FakeBotApi, FakeBotApiServer

LATENCY = 0.045


class HeldReplies:
    """After the first `allowed` sendMessage calls, every further one hangs, then fails: Telegram never gets it."""

    def __init__(self, api: FakeBotApi, allowed: int) -> None:
        self.api, self.allowed = api, allowed
        self.count = itertools.count()
        self.reached = threading.Event()
        self.release = threading.Event()
        self._handle = api.handle
        api.handle = self._held  # type: ignore[method-assign]

    def _held(self, token, method, params, files=None):  # type: ignore[no-untyped-def]
        if method != "sendMessage" or next(self.count) < self.allowed:
            return self._handle(token, method, params, files)
        self.reached.set()
        self.release.wait(timeout=30)
        return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}

    def restore(self) -> None:
        self.api.handle = self._handle  # type: ignore[method-assign]
        self.release.set()


def recorded(data: Path) -> int:
    """How many updates the ledger says were handled (the fake's ids run on from FIRST_UPDATE_ID)."""
    try:
        ledger = json.loads((data / "updates.json").read_text())
    except (OSError, ValueError):
        return 0
    return max(0, ledger["last_update_id"] - FIRST_UPDATE_ID + 1) + len(ledger.get("handled", []))


def inbox_files(data: Path) -> list[Path]:
    return [path for path in (data / "inbox").glob("*.json")]


def test_killed_with_a_backlog_every_command_is_answered_once_after_the_restart(tmp_path):
    api = FakeBotApi(latency=LATENCY)
    leaders, per_leader = range(6101, 6131), 4
    for _ in range(per_leader):
        for leader in leaders:
            api.user_sends(leader, "/help")
    total = len(leaders) * per_leader
    data, log = tmp_path / "data", tmp_path / "bot.log"
    with FakeBotApiServer(api) as server:
        held = HeldReplies(api, allowed=30)
        bot = start_bot(server, data, log)
        try:
            assert held.reached.wait(timeout=30)
            # Every command is fetched, and Telegram was told so by the next poll, long before most are answered.
            wait_until(lambda: len(api.pending_updates()) == 0, timeout=20)
            # The replies let through come back and are recorded (the held ones wait).
            wait_until(lambda: recorded(data) >= sum(len(api.messages(leader)) for leader in leaders), timeout=20)
        finally:
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=30)
            held.release.set()  # the held calls fail, and so would any other past the first 30: Telegram never
            api.interrupt_long_polls()  # gets them; the dead bot's long poll ends
            # A call already on its way still reaches Telegram, as it would.
            wait_until(lambda: server.requests_in_progress == 0, timeout=30)
            # A reply Telegram has but the bot never saw answered (the kill came first) is not recorded, so it is
            # sent again after the restart: at least once, as README says. Only those may repeat.
            in_flight = sum(len(api.messages(leader)) for leader in leaders) - recorded(data)
            held.restore()
        answered = sum(len(api.messages(leader)) for leader in leaders)
        assert answered <= 30 < total and not api.pending_updates()  # the rest lives only in the bot's inbox
        assert inbox_files(data)

        seen = polls(api)
        bot = start_bot(server, data, log)
        try:
            wait_until(lambda: polls(api) > seen, timeout=30)
            # None lost: every command answered.
            api.wait_for(lambda a: all(len(a.messages(leader)) >= per_leader for leader in leaders), timeout=30)
            wait_until(lambda: inbox_files(data) == [], timeout=30)  # nothing left in hand that could answer again
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=30) == 0
        # Counted once the bot has stopped, so a wrong second answer cannot come later. None handled twice, but
        # for a reply that was on its way at the kill.
        repeated = sum(len(api.messages(leader)) - per_leader for leader in leaders)
        assert 0 <= repeated <= in_flight <= 10
    assert inbox_files(data) == []  # every entry left once handled
    assert api.token not in log.read_text(errors="replace")


def test_a_stop_with_a_backlog_is_prompt_and_the_rest_is_answered_after_the_restart(tmp_path):
    api = FakeBotApi(latency=LATENCY)
    leader, commands = 6201, 20  # one a second in a chat: the whole backlog would take about 18 s
    for _ in range(commands):
        api.user_sends(leader, "/help")
    data, log = tmp_path / "data", tmp_path / "bot.log"
    with FakeBotApiServer(api) as server:
        bot = start_bot(server, data, log)
        try:
            api.wait_for(lambda a: len(a.messages(leader)) >= 3, timeout=30)
        finally:
            asked = time.monotonic()
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=30) == 0
            took = time.monotonic() - asked
        # Under a second on an idle machine; the bound is ten times that, and far below the backlog's 18 s.
        assert took < 10.0, f"the stop took {took:.1f} s"
        answered = len(api.messages(leader))
        assert answered < commands and not api.pending_updates()  # confirmed to Telegram, kept in the inbox

        bot = start_bot(server, data, log)
        try:
            api.wait_for(lambda a: len(a.messages(leader)) >= commands, timeout=60)
            wait_until(lambda: inbox_files(data) == [], timeout=30)  # nothing left in hand that could answer again
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=30) == 0
        assert len(api.messages(leader)) == commands  # counted once stopped: none twice
    assert inbox_files(data) == []


def test_an_update_killed_in_the_middle_of_its_handling_is_answered_after_the_restart(tmp_path):
    # One update alone in its batch, so its inbox file holds nothing else: if the entry left when the handling
    # started, a crash during the handling would lose a command Telegram was already told was received.
    api = FakeBotApi(latency=LATENCY)
    leader = 6301
    api.user_sends(leader, "/help")
    data, log = tmp_path / "data", tmp_path / "bot.log"
    with FakeBotApiServer(api) as server:
        held = HeldReplies(api, allowed=0)  # the reply never reaches Telegram: the handling is held there
        bot = start_bot(server, data, log)
        try:
            assert held.reached.wait(timeout=30)
            seen = polls(api)
            # The next poll confirms the update to Telegram, which then forgets it.
            wait_until(lambda: polls(api) > seen and not api.pending_updates(), timeout=30)
        finally:
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=30)
            held.restore()
        assert api.messages(leader) == [] and not api.pending_updates()

        bot = start_bot(server, data, log)
        try:
            api.wait_for(lambda a: len(a.messages(leader)) == 1, timeout=30)
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=30) == 0
    assert "/start" in api.messages(leader)[0].text  # the answer to /help, which lists the commands
    assert inbox_files(data) == []
