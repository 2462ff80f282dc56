"""At start, every stored leader's job is rebuilt in the background while the bot already answers: a lesson whose
moment came during that rebuild is still delivered, once; a leader who changes their schedule meanwhile keeps
the new one. The rebuild is held at a seam (after it read the leader) while the test acts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

from bot.adapters.storage import LeaderStore
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram_harness import Harness, run

ANN = 101


class HeldRebuild:
    """Wraps the service's `wake_times`: the first leader is read, then the rebuild waits for `release`."""

    def __init__(self, bot: Harness) -> None:
        self.frontend = bot.app.bot_data["frontend"]
        self.read = threading.Event()
        self.gate = threading.Event()
        real = self.frontend.service.wake_times

        def held(now: datetime) -> Iterator[tuple[int, datetime | None]]:
            wakes = real(now)
            first = next(wakes, None)
            self.read.set()
            self.gate.wait(30)
            if first is not None:
                yield first
            yield from wakes

        self.frontend.service.wake_times = held

    async def start(self, bot: Harness) -> None:
        """Start the bot as the harness does, but return while the rebuild is held, having read the leader."""
        await bot.app.initialize()
        await bot.app.post_init(bot.app)  # type: ignore[misc]
        bot.desk.refreshed.set()
        bot.desk.unread = lambda leader: []
        assert await asyncio.to_thread(self.read.wait, 30)
        assert not self.frontend.scheduled.is_set()

    async def release(self) -> None:
        self.gate.set()
        await asyncio.wait_for(self.frontend.scheduled.wait(), 30)


def lessons_sent(bot: Harness) -> int:
    """How many messages to ANN carry a lesson's Done button."""
    return sum(1 for message in bot.api.messages(ANN)
               for row in (message.reply_markup or {}).get("inline_keyboard", [])
               for button in row if (button.get("callback_data") or "").startswith("done:"))


async def onboarded(tmp_path) -> tuple[datetime, FakeBotApi]:  # noqa: ANN001
    """ANN onboarded (lessons at 08:00 in Paris on weekdays): the instant of their next lesson, and the Bot API
    that knows their chat."""
    async with Harness(tmp_path) as bot:
        await bot.onboard(ANN)
        when = bot.when(ANN)
        assert when is not None
        return when, bot.api


def test_a_lesson_whose_moment_comes_during_the_rebuild_is_delivered_once(tmp_path):
    async def scenario():
        due, api = await onboarded(tmp_path)
        bot = Harness(tmp_path, api=api, now=due - timedelta(seconds=1))
        held = HeldRebuild(bot)
        await held.start(bot)
        bot.now = due + timedelta(seconds=30)  # the lesson's moment passes while the rebuild is held
        before = lessons_sent(bot)
        await held.release()
        when = bot.when(ANN)
        assert when is not None and when <= bot.now  # due: the JobQueue runs a job in the past at once
        await bot.run_job(ANN)
        assert lessons_sent(bot) == before + 1
        await bot.__aexit__(None, None, None)

        # A restart a minute later does not send it again.
        async with Harness(tmp_path, api=api, now=due + timedelta(minutes=1)) as again:
            when = again.when(ANN)
            assert when is None or when > again.now + timedelta(hours=3)
            assert lessons_sent(again) == before + 1

    run(scenario())


def test_a_schedule_changed_during_the_rebuild_is_not_overwritten_by_what_it_read(tmp_path):
    async def scenario():
        due, api = await onboarded(tmp_path)
        bot = Harness(tmp_path, api=api, now=due - timedelta(hours=1))
        held = HeldRebuild(bot)
        await held.start(bot)  # it read ANN's 08:00
        await bot.send(ANN, "/schedule 09:30")
        moved = bot.when(ANN)
        assert moved == due + timedelta(hours=1, minutes=30)
        await held.release()
        assert bot.when(ANN) == moved
        assert len(bot.jobs(ANN)) == 1
        assert LeaderStore(tmp_path).get(ANN).schedule.at.hour == 9
        await bot.__aexit__(None, None, None)

    run(scenario())


def test_the_bot_answers_while_the_rebuild_is_held(tmp_path):
    async def scenario():
        _, api = await onboarded(tmp_path)
        bot = Harness(tmp_path, api=api)
        held = HeldRebuild(bot)
        await held.start(bot)
        count = len(bot.api.messages(ANN))
        await bot.send(ANN, "/help")
        assert len(bot.api.messages(ANN)) == count + 1
        await held.release()
        await bot.__aexit__(None, None, None)

    run(scenario())
