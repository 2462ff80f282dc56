"""Four promises checked through what a leader sees, each by a test that fails when the promise is broken:
the day's lesson counted on the leader's own date, a hostile headline shown as text, the allow-list applied to
buttons, and two things done at the same instant both kept."""

from __future__ import annotations

import threading
import time as clock
from datetime import datetime, timedelta

from bot.adapters.storage import LeaderStore
from bot.core.events import Command, Press, Who
from bot.core.model import Leader
from bot.core.news import Item
from bot.core.router import Coach
from bot.service import CoachService
from tests.conftest import utc
from tests.telegram_harness import Harness, run

SINGAPORE = 801


def lessons_sent(bot: Harness, chat_id: int) -> int:
    return sum(1 for m in bot.api.messages(chat_id) if "Today's action" in (m.text or ""))


def test_a_leader_in_singapore_gets_the_morning_lesson_once_whatever_the_utc_date(tmp_path):
    async def scenario():
        async with Harness(tmp_path, now=utc(2026, 11, 23, 10, 0)) as bot:  # Monday 18:00 in Singapore
            await bot.send(SINGAPORE, "/start")
            for data in ("lang:en", "tz:Asia/Singapore", "time:0700", "days:0123456", "sec:technology"):
                await bot.press(SINGAPORE, data)
            # Tuesday 07:00 in Singapore is still Monday in UTC.
            bot.now = utc(2026, 11, 23, 23, 0)
            assert bot.when(SINGAPORE) == bot.now
            await bot.run_job(SINGAPORE)
            assert lessons_sent(bot, SINGAPORE) == 1
            # Every later wake of that local day (reminders, nudge, a restart) brings no second lesson.
            for hours in (1, 2, 2.5):
                bot.now = utc(2026, 11, 23, 23, 0) + timedelta(hours=hours)
                frontend = bot.app.bot_data["frontend"]
                frontend.scheduler.due.put_nowait(SINGAPORE)
                await frontend.scheduler.due.join()
            assert lessons_sent(bot, SINGAPORE) == 1

    run(scenario())


HOSTILE = '<script>alert("x")</script> <b>Buy now</b> & <a href="javascript:alert(1)">win</a>'


def test_a_hostile_headline_is_shown_as_text_in_the_suggestion(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(SINGAPORE)
            await bot.posting(SINGAPORE)
            item = Item(HOSTILE + " AI in the factory", "https://example.com/ai-factory", "Wire <i>",
                        summary="AI in the factory.", published=bot.now - timedelta(hours=1), language="en", feed_url="https://example.com/f")
            # The only item there is: it is certainly offered.
            bot.app.bot_data["frontend"].service.news = lambda leader: [item]
            await bot.send(SINGAPORE, "/suggest")
            message = bot.last(SINGAPORE)
            assert "Worth discussing" in message.text
            assert '<script>alert("x")</script>' in message.text  # shown as the text it is...
            assert not any(e.get("type") in ("bold", "text_link") and message.text[e["offset"]:].startswith("Buy")
                           for e in message.entities)  # ...and its markup never renders
            raw = bot.api.calls_to("sendMessage")[-1].params["text"]
            assert "&lt;script&gt;" in raw and "<script>" not in raw and "javascript:" not in raw.replace(
                "javascript:alert(1)&quot;&gt;", "")

    run(scenario())


def test_a_leader_removed_from_the_allow_list_cannot_press_done_any_more(tmp_path):
    async def scenario():
        async with Harness(tmp_path, allowed_users=frozenset({SINGAPORE})) as bot:
            await bot.onboard(SINGAPORE)
            await bot.press(SINGAPORE, "go:today")
            lesson = bot.message_with(SINGAPORE, "done:welcome")
            api = bot.api
        async with Harness(tmp_path, api=api, allowed_users=frozenset({999})) as bot:
            await bot.press(SINGAPORE, "done:welcome", message_id=lesson.message_id)
            answer = bot.api.calls_to("answerCallbackQuery")[-1]
            assert "this coach is private" in answer.params.get("text", "")
            assert LeaderStore(tmp_path).get(SINGAPORE).done_ids == frozenset()

    run(scenario())


class SlowStore(LeaderStore):
    """Storage whose writes take a while, so that two calls for one leader truly overlap without a lock."""

    def put(self, leader: Leader) -> None:
        clock.sleep(0.3)
        super().put(leader)


def test_two_things_done_at_the_same_instant_are_both_kept(tmp_path, content):
    service = CoachService(Coach(content), SlowStore(tmp_path))
    who = Who(5, 5)
    now = utc(2026, 11, 23, 6, 0)
    service.handle(who, Command("start"), now)
    for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
        service.handle(who, Press(data), now)
    service.handle(who, Command("today"), now)
    barrier = threading.Barrier(3)

    def do(event: Command | Press) -> None:
        barrier.wait()
        service.handle(who, event, now)

    def wake(at: datetime) -> None:
        barrier.wait()
        service.wake(5, at)

    threads = [threading.Thread(target=do, args=(Press("done:welcome"),)),
               threading.Thread(target=do, args=(Command("interests", "add AI"),)),
               threading.Thread(target=wake, args=(now + timedelta(hours=12),))]  # the evening wake, at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = service.store.get(5)
    assert stored.done_ids == {"welcome"}
    assert stored.taste.interests == ("AI",)
