"""The smaller stumbles of a first hour, through the real Application and the fake Bot API: lesson titles quoted
inside sentences, an evening nudge that cannot be set at the lesson's own time, suggestions said to come with
each lesson (not "each morning"), the first week's goal within the days left, and interests read as words."""

from __future__ import annotations

from bot.adapters.storage import LeaderStore
from tests.conftest import utc
from tests.telegram_harness import Harness, run

UID = 604
NBSP, NNBSP = "\u00a0", "\u202f"


def data_of(message) -> list[str]:
    return [b.get("callback_data") or "" for row in (message.reply_markup or {}).get("inline_keyboard", [])
            for b in row]


def week_line(bot: Harness) -> str:
    return next(m.text for m in reversed(bot.api.messages(UID)) if "This week" in (m.text or ""))


async def onboard(bot: Harness, language: str) -> None:
    await bot.send(UID, "/start", language_code=language)
    for data in (f"lang:{language}", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
        await bot.press(UID, data)


def test_a_lesson_title_inside_a_sentence_is_quoted(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, "fr")
            await bot.press(UID, "go:today")
            later = bot.button(UID, "later:")
            await bot.press(UID, later)
            asked = bot.last(UID).text
            assert asked.startswith(f"Quand dois-je vous renvoyer «{NBSP}") and asked.endswith(f"{NBSP}»{NNBSP}?")
            await bot.send(UID, "/skip", language_code="fr")
            assert f"Mettre de côté la leçon 1, «{NBSP}" in bot.last(UID).text

    run(scenario())


def test_the_evening_nudge_comes_after_the_lesson_and_suggestions_come_with_each_lesson(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, "en")
            await bot.send(UID, "/schedule 17:00")  # lessons at 17:00
            await bot.send(UID, "/settings")
            assert "Suggested posts with each lesson: 3" in bot.last(UID).text
            assert "each morning" not in bot.last(UID).text
            await bot.press(UID, "set:nudge")
            assert "nudge:1700" not in data_of(bot.last(UID)) and "nudge:1800" in data_of(bot.last(UID))
            await bot.send(UID, "17:00")
            assert "The evening nudge comes after your lesson" in bot.last(UID).text
            assert LeaderStore(tmp_path).get(UID).nudge_at.hour == 18  # unchanged
            await bot.press(UID, "set:suggest")
            assert "with each lesson" in bot.last(UID).text

    run(scenario())


def test_the_first_week_goal_counts_only_the_days_left_and_interests_are_words(tmp_path):
    async def scenario():
        async with Harness(tmp_path, now=utc(2026, 11, 27, 6, 0)) as bot:  # Friday 07:00 in Paris
            await onboard(bot, "en")
            await bot.send(UID, "/stats")
            assert "goal 1\n" in week_line(bot) + "\n"
            await bot.send(UID, "/interests add <b>AI</b>, AI, supply  chain")
            assert LeaderStore(tmp_path).get(UID).taste.interests == ("AI", "supply chain")
            bot.now = utc(2026, 11, 30, 6, 0)  # the Monday after: the whole goal
            await bot.send(UID, "/stats")
            assert "goal 5\n" in week_line(bot) + "\n"

    run(scenario())
