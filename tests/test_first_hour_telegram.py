"""A newcomer's first hour through the real Application and the fake Bot API: reminders said and asked as a
person would (impossible and ambiguous dates, weekly ones, a bare time), the French lines of the interface as a
French editor writes them, and the content check that catches a command the bot does not have."""

from __future__ import annotations

import shutil
import subprocess
import sys

from bot.adapters.storage import LeaderStore
from tests.conftest import CONTENT_DIR, ROOT
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram_harness import Harness, run

UID = 602
NBSP, NNBSP = "\u00a0", "\u202f"


async def onboard(bot: Harness, language: str) -> None:
    await bot.send(UID, "/start", language_code=language)
    for data in (f"lang:{language}", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
        await bot.press(UID, data)


def buttons(message) -> list[str]:
    return [b.get("callback_data") or "" for row in (message.reply_markup or {}).get("inline_keyboard", [])
            for b in row]


def test_dates_that_do_not_exist_or_read_two_ways_are_answered_as_they_are(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:  # Monday 23 November 2026
            await onboard(bot, "en")
            await bot.send(UID, "/remind 31/02 9h test")
            assert "That date does not exist" in bot.last(UID).text
            await bot.send(UID, "/remind 4/12 9h Board meeting")
            said = bot.last(UID).text
            assert "4/12 can be read two ways: Friday 4 December or Monday 12 April." in said  # the next of each
            assert "4 April" not in said
            await bot.send(UID, "/remind 13/12 9h Board meeting")  # one reading only: 13 December
            assert "Sunday 13 December at 09:00 — Board meeting" in bot.last(UID).text
            assert len(LeaderStore(tmp_path).get(UID).reminders) == 1

    run(scenario())


def test_weekly_reminders_say_so_and_the_list_comes_in_their_order(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:  # Monday 23 November 2026, 07:00 in Paris
            await onboard(bot, "fr")
            await bot.send(UID, "/remind ven 17:00 Partager la meilleure lecture", language_code="fr")
            assert f"tous les vendredis à 17{NBSP}h — Partager" in bot.last(UID).text
            await bot.send(UID, "/remind demain 9h Appeler Anne", language_code="fr")
            await bot.send(UID, "/remind list", language_code="fr")
            listed = bot.last(UID).text
            assert listed.index("Appeler Anne") < listed.index("Partager")  # tomorrow first, Friday after
            assert f"1. mardi 24 novembre à 9{NBSP}h — Appeler Anne" in listed
            await bot.send(UID, "/remind delete 1", language_code="fr")  # the first of the list
            assert [r.text for r in LeaderStore(tmp_path).get(UID).reminders] == ["Partager la meilleure lecture"]

    run(scenario())


def test_a_bare_time_chosen_as_a_reminder_asks_what_it_is_about(tmp_path):
    api = FakeBotApi()

    async def scenario():
        async with Harness(tmp_path, api=api) as bot:
            await onboard(bot, "en")
            await bot.send(UID, "/remind sat 17:00")
            await bot.press(UID, "clr:r:1700:5")
            assert "what shall I remind you of?" in bot.last(UID).text
            assert LeaderStore(tmp_path).get(UID).reminders == ()  # no reminder without words
            await bot.send(UID, "Plan the week")
            assert "every Saturday at 17:00 — Plan the week" in bot.last(UID).text
        async with Harness(tmp_path, api=api) as bot:  # restarted: the reminder is kept, nothing waits any more
            await bot.send(UID, "Something else")
            assert "I answer commands and buttons" in bot.last(UID).text
            assert [r.text for r in LeaderStore(tmp_path).get(UID).reminders] == ["Plan the week"]

    run(scenario())


def test_the_french_lines_read_as_a_french_editor_writes_them(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, "fr")

            async def send(text: str) -> str:
                await bot.send(UID, text, language_code="fr")
                return bot.last(UID).text

            assert "/schedule on les réactive" in await send("/schedule off")
            assert f"Aucune leçon n’est marquée comme faite{NBSP}: rien à annuler." in await send("/undo")
            helped = await send("/help")
            assert "mettre une leçon de côté (après confirmation" in helped and "passer une leçon" not in helped
            assert f"Vos leçons{NBSP}: du lundi au vendredi à 8{NBSP}h" in await send("/schedule on")
            assert "quand je choisis ce que je vous suggère" in await send("/interests")
            await send("/delete")
            await bot.press(UID, bot.button(UID, "del:yes"))
            assert "j’ai effacé tout ce que je savais de vous" in bot.last(UID).text

    run(scenario())


def test_content_check_catches_a_command_the_bot_does_not_have(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    fr = content / "messages" / "fr.yaml"
    fr.write_text(fr.read_text(encoding="utf-8").replace("<code>/schedule on</code> les réactive",
                                                         "<code>/reprendre</code> les réactive"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True,
                            timeout=120, env={"COACHBOT_CONTENT_DIR": str(content), "PATH": "/usr/bin:/bin",
                                              "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert result.returncode == 1
    assert "messages/fr: 'schedule_off' names /reprendre, a command the bot does not have" in result.stdout


def test_the_start_of_a_sector_name_typed_chooses_it_when_only_one_begins_so(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.send(UID, "/start")
            for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234"):
                await bot.press(UID, data)
            await bot.send(UID, "tr")  # too short to choose
            assert "I do not know that sector" in bot.last(UID).text
            await bot.send(UID, "tech")
            assert LeaderStore(tmp_path).get(UID).sector == "technology"

    run(scenario())
