"""Reminders, /schedule and moving around the course through the real Application and the fake Bot API, restarts
included (a second Harness on the same data directory is the bot started again)."""

from __future__ import annotations

from datetime import time

from bot.adapters.storage import LeaderStore
from tests.conftest import utc
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram_harness import Harness, run

ANN = 601


def buttons(message) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [b.get("callback_data") or b.get("url") for row in rows for b in row]


def test_a_bare_time_asks_and_a_one_off_reminder_fires_once_after_a_restart(tmp_path):
    api = FakeBotApi()

    async def scenario():
        async with Harness(tmp_path, api=api) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/remind 5pm")
            question = bot.last(ANN)
            assert {"clr:r:1700:-", "clr:l:1700:-"} <= set(buttons(question))
            assert LeaderStore(tmp_path).get(ANN).schedule.at == time(8, 0)
            await bot.press(ANN, "clr:r:1700:-")
            assert "17:00" in bot.api.messages(ANN)[-1].text
            await bot.send(ANN, "Prepare the board pack")  # what the reminder is about, asked for
            await bot.send(ANN, "/remind tomorrow 09:30 Call the chair")
            await bot.send(ANN, "/schedule 07:45 mon-fri")
            assert LeaderStore(tmp_path).get(ANN).schedule.at == time(7, 45)
        async with Harness(tmp_path, api=api, now=utc(2026, 11, 23, 15, 0)) as bot:  # restarted
            assert bot.when(ANN) == utc(2026, 11, 23, 16, 0)  # 17:00 in Paris
            bot.now = utc(2026, 11, 23, 16, 0)
            await bot.run_job(ANN)
            reminder = bot.last(ANN)
            assert "reminder" in reminder.text.lower() and any(b.startswith("snz:") for b in buttons(reminder))
            assert len(LeaderStore(tmp_path).get(ANN).reminders) == 1  # the one-off is gone, tomorrow's stays
        async with Harness(tmp_path, api=api, now=utc(2026, 11, 23, 16, 5)) as bot:  # restarted again
            assert bot.when(ANN) == utc(2026, 11, 24, 6, 45)  # tomorrow's lesson, nothing sent twice
            count = len(bot.api.messages(ANN))
            bot.now = utc(2026, 11, 24, 6, 45)
            await bot.run_job(ANN)
            bot.now = utc(2026, 11, 24, 8, 30)
            assert bot.when(ANN) == utc(2026, 11, 24, 8, 30)
            await bot.run_job(ANN)
            assert "Call the chair" in bot.last(ANN).text
            assert LeaderStore(tmp_path).get(ANN).reminders == ()
            assert len(bot.api.messages(ANN)) >= count + 2

    run(scenario())


def test_skip_undo_roadmap_later_and_snooze_through_telegram_across_a_restart(tmp_path):
    api = FakeBotApi()

    async def scenario():
        async with Harness(tmp_path, api=api) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/skip")
            assert "skn:welcome" in buttons(bot.last(ANN))
            assert LeaderStore(tmp_path).get(ANN).finished_ids == frozenset()
            await bot.press(ANN, "skp:welcome")
            assert "welcome" in LeaderStore(tmp_path).get(ANN).finished_ids
            await bot.send(ANN, "/roadmap")
            assert "open:welcome" in buttons(bot.last(ANN))
            await bot.press(ANN, "open:welcome")
            await bot.press(ANN, "done:welcome")
            assert bot.button(ANN, "undo:") == "undo:welcome"  # on the lesson (its question follows it)
            await bot.send(ANN, "/lesson 2")
            await bot.send(ANN, "/today")
            await bot.press(ANN, "later:here-to-stay")
            await bot.press(ANN, "lat:e:here-to-stay")
            await bot.send(ANN, "/remind in 20 minutes Call the chair")
        async with Harness(tmp_path, api=api) as bot:  # restarted: the Done can still be undone today
            await bot.press(ANN, "undo:welcome")
            assert LeaderStore(tmp_path).get(ANN).done_ids == frozenset()
            assert bot.when(ANN) == utc(2026, 11, 23, 6, 20)  # the reminder first
            bot.now = utc(2026, 11, 23, 6, 20)
            await bot.run_job(ANN)
            reminder = bot.last(ANN)
            assert "Call the chair" in reminder.text
            snooze = next(b for b in buttons(reminder) if b.startswith("snz:h:"))
            await bot.press(ANN, snooze)
            assert "💤" in bot.api.messages(ANN)[-1].text or "snooze" in bot.api.messages(ANN)[-1].text.lower()
        async with Harness(tmp_path, api=api, now=utc(2026, 11, 23, 7, 20)) as bot:  # restarted again
            assert bot.when(ANN) == utc(2026, 11, 23, 7, 20)
            await bot.run_job(ANN)
            assert "Call the chair" in bot.last(ANN).text
            assert LeaderStore(tmp_path).get(ANN).reminders == ()
            assert bot.when(ANN) == utc(2026, 11, 23, 17, 0)  # the lesson put off until this evening
            bot.now = utc(2026, 11, 23, 17, 0)
            await bot.run_job(ANN)
            assert "here-to-stay" in " ".join(buttons(bot.last(ANN)))

    run(scenario())


def test_goal_cap_recap_setting_and_bad_input_through_telegram_across_a_restart(tmp_path):
    api = FakeBotApi()

    async def scenario():
        async with Harness(tmp_path, api=api) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/settings")
            await bot.press(ANN, "set:goal")
            assert [b for b in buttons(bot.last(ANN)) if b.startswith("goal:")] == [f"goal:{n}" for n in range(1, 6)]
            before = LeaderStore(tmp_path).get(ANN)
            await bot.send(ANN, "7")
            assert "/schedule" in bot.last(ANN).text
            for bad in ("/remind le 31 février à 9h Conseil", "/remind 4/12 9h Conseil", "/lesson 99",
                        "/remind 2027-03-28 02:30 Night", "/recap someday", "/schedule tomorrow"):
                await bot.send(ANN, bad)
                assert "<code>" in bot.last(ANN).html, bad  # an example to follow
            assert LeaderStore(tmp_path).get(ANN) == before
            await bot.send(ANN, "/remind Dec 4 9am Board meeting")
            await bot.send(ANN, "/recap fri 17:00")
            await bot.send(ANN, "/today")
            await bot.press(ANN, "done:welcome")
        async with Harness(tmp_path, api=api, now=utc(2026, 11, 27, 15, 0)) as bot:  # restarted on Friday
            assert bot.when(ANN) == utc(2026, 11, 27, 16, 0)  # the recap, moved to Friday 17:00
            bot.now = utc(2026, 11, 27, 16, 0)
            await bot.run_job(ANN)
            assert bot.api.messages(ANN)[-1].photo is not None
            assert "one lesson done" in bot.api.messages(ANN)[-2].text
            assert bot.when(ANN) == utc(2026, 11, 30, 7, 0)  # Monday's lesson
        async with Harness(tmp_path, api=api, now=utc(2026, 12, 4, 7, 30)) as bot:
            await bot.run_job(ANN)  # that Friday's lesson, missed while down by half an hour
            assert bot.when(ANN) == utc(2026, 12, 4, 8, 0)  # the board meeting reminder, 09:00 in Paris
            bot.now = utc(2026, 12, 4, 8, 0)
            await bot.run_job(ANN)
            assert "Board meeting" in bot.last(ANN).text
            assert LeaderStore(tmp_path).get(ANN).reminders == ()

    run(scenario())
