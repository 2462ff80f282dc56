"""Telegram misbehaving: 429, timeouts, server errors, "not modified". Replies still arrive, once; nothing
leaks the token; the bot keeps answering."""

from __future__ import annotations

import logging

from telegram.error import TimedOut

from bot.adapters.storage import LeaderStore
from tests.conftest import utc
from tests.support.fake_bot_api import FakeBotApi, RecordingRequest
from tests.telegram_harness import Harness, run

ANN = 801


def replies_to(api: FakeBotApi, text: str) -> int:
    return sum(1 for m in api.messages(ANN) if text in m.text)


def test_429_is_waited_out_and_retried(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.send(ANN, "/help")
            bot.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
            await bot.send(ANN, "/help")
            calls = bot.api.calls_to("sendMessage")
            assert [c.status for c in calls[-2:]] == [429, 200]
            assert replies_to(bot.api, "one minute a day") == 2

    run(scenario())


def test_server_errors_are_retried_with_a_bound_and_the_bot_carries_on(tmp_path, caplog):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.send(ANN, "/help")
            bot.api.fail_next("sendMessage", 500, "Internal Server Error", times=2)
            await bot.send(ANN, "/help")
            assert replies_to(bot.api, "one minute a day") == 2
            bot.api.fail_next("sendMessage", 502, "Bad Gateway", times=50)
            await bot.send(ANN, "/help")
            failed = [c for c in bot.api.calls_to("sendMessage")
                      if c.status == 502 and "one minute a day" in c.params["text"]]
            assert len(failed) == 4  # the first try and three retries, then given up
            bot.api._faults.clear()  # Telegram is back
            await bot.send(ANN, "/help")
            assert replies_to(bot.api, "one minute a day") == 3

    caplog.set_level(logging.DEBUG)
    run(scenario())
    assert "Bad Gateway" in caplog.text


class TimingOutRequest(RecordingRequest):
    """Times out on the first sendMessage calls, as a slow network would."""

    def __init__(self, api: FakeBotApi, failures: int) -> None:
        super().__init__(api)
        self.failures = failures

    async def do_request(self, url, method, request_data=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        if url.endswith("/sendMessage") and self.failures > 0:
            self.failures -= 1
            raise TimedOut()
        return await super().do_request(url, method, request_data, *args, **kwargs)


def test_timeouts_are_retried(tmp_path):
    async def scenario():
        bot = Harness(tmp_path)
        bot.app.bot._request = (bot.app.bot._request[0], TimingOutRequest(bot.api, failures=1))
        async with bot:
            await bot.send(ANN, "/help")
            assert replies_to(bot.api, "one minute a day") == 1

    run(scenario())


def test_a_repeated_press_that_changes_nothing_is_harmless(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/today")
            lesson = bot.message_with(ANN, "more:welcome")
            first = bot.api.user_presses(ANN, lesson.message_id, "more:welcome")
            second = bot.api.user_presses(ANN, lesson.message_id, "more:welcome")
            await bot.feed(first)
            await bot.feed(second)
            edits = bot.api.calls_to("editMessageText")
            assert [c.status for c in edits] == [200, 400]
            assert "not modified" in edits[1].response["description"]
            assert replies_to(bot.api, "went wrong") == 0

    run(scenario())


def test_reminders_and_nudges_survive_a_restart(tmp_path):
    api = FakeBotApi()

    async def scenario():
        async with Harness(tmp_path, api=api) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/remind mon 19:30 Call the board")
        async with Harness(tmp_path, api=api, now=utc(2026, 11, 23, 7, 0)) as bot:
            await bot.run_job(ANN)  # the lesson, delivered after the restart
            assert bot.when(ANN) == utc(2026, 11, 23, 17, 0)  # the nudge
        async with Harness(tmp_path, api=api, now=utc(2026, 11, 23, 17, 30)) as bot:
            assert bot.when(ANN) == utc(2026, 11, 23, 17, 30)  # a nudge missed while down: now
            await bot.run_job(ANN)
            assert bot.when(ANN) == utc(2026, 11, 23, 18, 30)  # then the reminder
        assert LeaderStore(tmp_path).get(ANN).nudged_on is not None

    run(scenario())


def test_the_token_never_reaches_logs_or_replies_even_when_telegram_fails(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)

    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            bot.api.fail_next("sendMessage", 500, "Internal Server Error", times=50)
            await bot.send(ANN, "/today")
            bot.api._faults.clear()
            bot.api.fail_next("sendMessage", 401, "Unauthorized")
            await bot.send(ANN, "/help")
            await bot.send(ANN, "/export")
            return bot.api

    api = run(scenario())
    secret = api.token.split(":", 1)[1]
    everything = caplog.text + "".join((r.exc_text or "") for r in caplog.records)
    assert secret not in everything
    for message in api.messages(ANN):
        assert secret not in message.html
        if message.document:
            assert secret not in message.document[1].decode()
