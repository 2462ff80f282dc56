"""The habit tells the truth: an action on a rest day counts, every message agrees with /stats, and the weekly
goal is capped by the days lessons come."""

from __future__ import annotations

import re

from bot.core.events import Text
from tests.conftest import utc
from tests.test_coach import Session, buttons_of, text_of

SUNDAY = utc(2026, 11, 29, 10, 0)  # 11:00 in Paris, a rest day of a Monday-Friday schedule


def stats_numbers(outcome) -> tuple[int, int, int]:
    text = text_of(outcome)
    streak = re.search(r"Streak: (\d+) .*\(best: (\d+)\)", text)
    strength = re.search(r"Habit strength: (\d+)%", text)
    assert streak and strength, text
    return int(streak.group(1)), int(streak.group(2)), int(strength.group(1))


def test_a_first_lesson_done_on_a_sunday_counts_and_stats_agree(coach):
    session = Session(coach, now=SUNDAY)
    session.onboard()
    lesson = session.command("today")
    lesson_id = next(b for b in buttons_of(lesson) if b.startswith("done:")).split(":", 1)[1]
    done = session.press(f"done:{lesson_id}")
    assert done.toast
    streak, best, strength = stats_numbers(session.command("stats"))
    assert (streak, best) == (1, 1) and strength > 0
    # Monday: the streak goes on with the first scheduled day.
    session.now = utc(2026, 11, 30, 10, 0)
    lesson = session.command("today")
    lesson_id = next(b for b in buttons_of(lesson) if b.startswith("done:")).split(":", 1)[1]
    session.press(f"done:{lesson_id}")
    assert stats_numbers(session.command("stats"))[:2] == (2, 2)


def test_the_weekly_goal_is_capped_by_the_scheduled_days(coach):
    session = Session(coach)
    session.onboard()  # Monday to Friday
    asked = session.press("set:goal")
    assert [b for b in buttons_of(asked) if b.startswith("goal:")] == [f"goal:{n}" for n in range(1, 6)]
    before = session.leader
    refused = session.do(Text("7"))
    assert session.leader.weekly_goal == before.weekly_goal
    assert "/schedule" in text_of(refused)
    assert session.press("goal:7").toast  # a button that was never offered
    assert session.leader.weekly_goal == before.weekly_goal
    session.press("goal:5")
    assert session.leader.weekly_goal == 5
    session.command("schedule", "mon,wed,fri")
    assert "Weekly goal: 3 days" in text_of(session.command("settings"))
    assert "goal 3" in text_of(session.command("stats"))
    session.command("schedule", "daily")
    session.press("set:goal")
    session.press("goal:7")
    assert session.leader.weekly_goal == 7
