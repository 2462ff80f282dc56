"""The bot killed and restarted around a delivery time: the leader gets that day's lesson exactly once.

The leader's lesson time is ten minutes ago and nothing was delivered today, so the bot delivers at start (it
was down at the delivery time). It is killed with SIGKILL before the send, during it (Telegram has the message
but the answer has not come back), or after it, then started again.
"""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.storage import LeaderStore
from bot.core.model import Leader, Schedule, ScheduleChange
from tests.reliability.process import SlowAnswers, polls, start_bot, wait_until
from tests.support.fake_bot_api import FakeBotApi, FakeBotApiServer

LEADER = 5150


def due_leader(now: datetime) -> Leader:
    slot = (now - timedelta(minutes=10)).replace(second=0, microsecond=0)
    return Leader(
        LEADER, LEADER, language="en", timezone="UTC", onboarded=True, awaiting=None, created_at=now,
        schedule=Schedule(slot.time(), frozenset(range(7))),
        schedule_log=(ScheduleChange(slot.date() - timedelta(days=1), frozenset(range(7))),),
    )


def lessons_sent(api: FakeBotApi) -> int:
    return sum(1 for m in api.messages(LEADER) if "Today's action" in m.text)


@pytest.mark.parametrize("moment", ["before", "during", "after"])
def test_killed_around_the_delivery_the_lesson_arrives_exactly_once(tmp_path, moment):
    api = FakeBotApi()
    api.user_sends(LEADER, "/help")  # the chat exists, as it does for any leader who wrote to the bot
    data, log = tmp_path / "data", tmp_path / "bot.log"
    LeaderStore(data).put(due_leader(datetime.now(UTC)))
    with FakeBotApiServer(api) as server:
        slow = None
        if moment == "before":
            slow = SlowAnswers(api, "setMyCommands", before=True)  # start-up stalls before any delivery
        elif moment == "during":
            # Telegram has the lesson; the answer is late.
            slow = SlowAnswers(api, "sendMessage", only=lambda params: "Today's action" in str(params.get("text")))
        bot = start_bot(server, data, log)
        try:
            if slow is not None:
                assert slow.reached.wait(timeout=30)
            else:
                api.wait_for(lambda a: lessons_sent(a) == 1, timeout=30)
        finally:
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=30)
            if slow is not None:
                slow.restore()
        expected_before_restart = 0 if moment == "before" else 1
        assert lessons_sent(api) == expected_before_restart

        seen = polls(api)
        bot = start_bot(server, data, log)
        try:
            wait_until(lambda: polls(api) > seen, timeout=30)
            if moment == "before":
                api.wait_for(lambda a: lessons_sent(a) == 1, timeout=30)
            time.sleep(1.5)  # room for a wrong second delivery
            assert lessons_sent(api) == 1
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=30) == 0
    stored = LeaderStore(data).get(LEADER)
    assert stored.delivery is not None and stored.delivery.lesson_id == "welcome"
    assert api.token not in log.read_text(errors="replace")
