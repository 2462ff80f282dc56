"""Two presses at once, a press during the morning job, a full disk, a read-only data directory."""

from __future__ import annotations

import asyncio
import errno
import logging
import os

from bot.adapters.storage import LeaderStore
from tests.conftest import utc
from tests.telegram_harness import Harness, run

ANN = 901


def test_two_presses_of_done_at_once_record_one_action(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/today")
            lesson = bot.message_with(ANN, "done:welcome")
            presses = [bot.api.user_presses(ANN, lesson.message_id, "done:welcome") for _ in range(2)]
            await asyncio.gather(*(bot.feed(p) for p in presses))
            assert [e.lesson_id for e in LeaderStore(tmp_path).get(ANN).events] == ["welcome"]

    run(scenario())


def test_done_while_the_morning_job_runs_records_one_action_and_one_delivery(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/today")
            lesson = bot.message_with(ANN, "done:welcome")
            bot.now = utc(2026, 11, 24, 7, 0)  # the next morning's slot
            press = bot.api.user_presses(ANN, lesson.message_id, "done:welcome")
            await asyncio.gather(bot.feed(press), bot.run_job(ANN))
            stored = LeaderStore(tmp_path).get(ANN)
            assert [e.lesson_id for e in stored.events] == ["welcome"]
            assert stored.delivery.local_date.isoformat() == "2026-11-24"
            mornings = [m for m in bot.api.messages(ANN) if "Your minute of the day" in m.text]
            assert len(mornings) == 1

    run(scenario())


def failing(error_number: int, text: str):
    def fail(*args, **kwargs):
        raise OSError(error_number, text)

    return fail


def test_a_full_disk_or_read_only_data_gives_a_log_line_an_error_reply_and_keeps_the_data(tmp_path, monkeypatch,
                                                                                         caplog):
    caplog.set_level(logging.INFO)

    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            before = LeaderStore(tmp_path).get(ANN)
            for error_number, text, where in ((errno.ENOSPC, "No space left on device", "fsync"),
                                              (errno.EROFS, "Read-only file system", "replace")):
                monkeypatch.setattr(os, where, failing(error_number, text))
                await bot.send(ANN, "/schedule 09:15")
                monkeypatch.undo()
                assert "went wrong" in bot.last(ANN).text
                assert text in caplog.text
                assert LeaderStore(tmp_path).get(ANN) == before
            await bot.send(ANN, "/schedule 09:15")  # the disk is back
            assert LeaderStore(tmp_path).get(ANN).schedule.at.hour == 9

    run(scenario())
