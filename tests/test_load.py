"""Under load, through the real Application polling the fake Bot API with Telegram's latency.

One chat flooding never delays another chat's replies; many leaders onboarding at once never leave a button
spinning past Telegram's window; updates of one chat are handled in order, those of different chats at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Update
from telegram.ext import Application

from bot.adapters.storage import LeaderStore
from bot.adapters.updates import ChatOrderedProcessor
from bot.app import build_application
from bot.settings import Settings
from tests.conftest import CONTENT_DIR, FEEDS
from tests.support.fake_bot_api import FakeBotApi, RecordingRequest, SentMessage

ONBOARDING = ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology")


@asynccontextmanager
async def polling_bot(data_dir: Path, api: FakeBotApi, *, overall: float = 30.0,
                      per_chat: float = 1.0) -> AsyncIterator[Application]:
    """The real application, polling the fake as `coachbot run` does (feeds are not read)."""
    settings = Settings(token=api.token, data_dir=data_dir, feeds_path=FEEDS, content_dir=CONTENT_DIR)
    app = build_application(settings, request=RecordingRequest(api), overall_per_second=overall,
                            per_chat_per_second=per_chat, feed_workers=0)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    app.bot_data["frontend"].desk.refreshed.set()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.post_shutdown(app)  # type: ignore[misc]
        await app.shutdown()


async def until(predicate, timeout: float = 20.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


def with_button(api: FakeBotApi, chat_id: int, data: str) -> SentMessage | None:
    for message in reversed(api.messages(chat_id)):
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            if any(button.get("callback_data") == data for button in row):
                return message
    return None


def test_a_flooding_chat_never_delays_another_chats_replies(tmp_path):
    api = FakeBotApi(latency=0.045)
    flooder, other = 7001, 7002

    async def scenario() -> tuple[list[float], int]:
        async with polling_bot(tmp_path, api):
            for _ in range(100):
                api.user_sends(flooder, "/help")
            delays = []
            for _ in range(5):
                await asyncio.sleep(0.3)
                before = len(api.messages(other))
                sent = time.monotonic()
                api.user_sends(other, "/help")
                await until(lambda: len(api.messages(other)) > before, timeout=10)  # noqa: B023
                delays.append(time.monotonic() - sent)
            return delays, len(api.messages(flooder))

    delays, flood_answered = asyncio.run(scenario())
    # Behind the flood (100 commands at one a second) a reply would wait over a minute; beside it, about 0.1 s on
    # an idle machine: the bound is far from both.
    assert max(delays) < 3.0, delays
    # The flood is answered in turn, at its chat's pace (one a second after a short burst), not all at once.
    assert 3 <= flood_answered < 20


def test_many_leaders_onboarding_at_once_never_see_a_button_spin(tmp_path):
    api = FakeBotApi(latency=0.045, callback_window=5.0)
    leaders = range(8001, 8061)  # bench/bench_load.py runs 200
    store = LeaderStore(tmp_path)  # made before the bot runs: opening a store clears temporary files

    async def leader(user_id: int) -> None:
        api.user_sends(user_id, "/start")
        for data in ONBOARDING:
            await until(lambda: with_button(api, user_id, data) is not None, timeout=60)  # noqa: B023
            message = with_button(api, user_id, data)
            assert message is not None
            api.user_presses(user_id, message.message_id, data)
        await until(lambda: (stored := store.get(user_id)) is not None and stored.onboarded, timeout=60)

    async def scenario() -> None:
        # The overall limit is raised (300 a second) to keep the test short; each chat keeps its one a second.
        async with polling_bot(tmp_path, api, overall=300.0):
            await asyncio.gather(*(leader(user_id) for user_id in leaders))

    asyncio.run(scenario())
    assert api.presses_left_spinning() == 0
    presses = api.calls_to("answerCallbackQuery")
    assert len(presses) == len(leaders) * len(ONBOARDING) and all(call.ok for call in presses)


def test_one_chat_in_order_different_chats_at_once():
    order: list[tuple[int, int]] = []
    running = {"now": 0, "most": 0}

    async def handle(chat: int, n: int) -> None:
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(0.05 if n % 2 else 0.01)  # later updates of a chat would overtake if not ordered
        order.append((chat, n))
        running["now"] -= 1

    def update(update_id: int, chat: int) -> Update:
        return Update.de_json({"update_id": update_id, "message": {
            "message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"}, "text": "hi"}}, None)

    async def scenario() -> None:
        processor = ChatOrderedProcessor(running=8)
        await processor.initialize()
        jobs = [processor.process_update(update(n * 100 + chat, chat), handle(chat, n))
                for n in range(6) for chat in range(20)]
        await asyncio.gather(*jobs)

    asyncio.run(scenario())
    for chat in range(20):
        assert [n for c, n in order if c == chat] == list(range(6))
    assert running["most"] == 8  # chats at once (so not one after the other), never more than the bound


def test_a_stop_leaves_what_waits_and_lets_what_runs_finish():
    finished: list[int] = []

    async def handle(n: int) -> None:
        await asyncio.sleep(0.1)
        finished.append(n)

    def update(update_id: int) -> Update:
        return Update.de_json({"update_id": update_id, "message": {
            "message_id": update_id, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}}, None)

    async def scenario() -> None:
        processor = ChatOrderedProcessor()
        await processor.initialize()
        jobs = [asyncio.ensure_future(processor.process_update(update(n), handle(n))) for n in range(50)]
        await asyncio.sleep(0.15)
        processor.stop_taking()
        await asyncio.wait_for(asyncio.gather(*jobs), timeout=1)
        assert processor.in_hand == 0

    asyncio.run(scenario())
    assert finished == [0, 1]


def test_a_press_behind_a_chats_backlog_is_answered_at_once(tmp_path):
    api = FakeBotApi(latency=0.045, callback_window=1.5)
    leader = 7101

    async def scenario() -> None:
        async with polling_bot(tmp_path, api):
            api.user_sends(leader, "/start")
            await until(lambda: with_button(api, leader, "lang:en") is not None)
            message = with_button(api, leader, "lang:en")
            assert message is not None
            for _ in range(6):  # replies the press waits behind: one a second in this chat
                api.user_sends(leader, "/help")
            api.user_presses(leader, message.message_id, "lang:en")
            await until(lambda: len(api.messages(leader)) >= 8, timeout=20)  # the press's own reply, in order

    asyncio.run(scenario())
    assert api.presses_left_spinning() == 0
    assert [call.ok for call in api.calls_to("answerCallbackQuery")] == [True]
