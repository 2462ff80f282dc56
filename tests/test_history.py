"""A leader's real history turned into days: schedule changes, pauses, time zones, daylight saving."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.events import Command, Who
from bot.core.habit import PAUSED, REST, SCHEDULED
from bot.core.history import days_of, habit_of
from bot.core.model import Leader, LessonEvent, Pause, Schedule, ScheduleChange
from tests.conftest import utc
from tests.support.rendered import RenderedCoach as Coach


def done_at(local: datetime) -> LessonEvent:
    """A lesson done at a local wall-clock time, recorded as the coach records it."""
    return LessonEvent("x", "done", local.astimezone(ZoneInfo("UTC")), local.date())


def leader(start: date, **changes) -> Leader:
    base = Leader(1, 1, onboarded=True, awaiting=None, schedule=Schedule(time(8), frozenset(range(7))),
                  schedule_log=(ScheduleChange(start, frozenset(range(7))),))
    return base.with_(**changes)


def test_days_follow_the_weekdays_in_force_and_the_pauses():
    start = date(2026, 11, 2)  # a Monday
    someone = leader(
        start,
        schedule_log=(ScheduleChange(start, frozenset(range(5))), ScheduleChange(date(2026, 11, 9), frozenset({0}))),
        pauses=(Pause(date(2026, 11, 4), date(2026, 11, 6)),),
    )
    kinds = {d.day: d.kind for d in days_of(someone, date(2026, 11, 10))}
    assert kinds[date(2026, 11, 3)] == SCHEDULED
    assert kinds[date(2026, 11, 4)] == PAUSED and kinds[date(2026, 11, 5)] == PAUSED
    assert kinds[date(2026, 11, 6)] == SCHEDULED and kinds[date(2026, 11, 7)] == REST
    assert kinds[date(2026, 11, 9)] == SCHEDULED and kinds[date(2026, 11, 10)] == REST  # Mondays only now


def test_daylight_saving_days_are_days_like_the_others():
    paris = ZoneInfo("Europe/Paris")
    for change in (date(2026, 3, 29), date(2026, 10, 25)):
        start = change - timedelta(days=3)
        events = tuple(done_at(datetime.combine(start + timedelta(days=i), time(8, 30), tzinfo=paris))
                       for i in range(7))
        someone = leader(start, timezone="Europe/Paris", events=events)
        habit = habit_of(someone, start + timedelta(days=6))
        assert habit.current_streak == 7
        assert len(days_of(someone, start + timedelta(days=6))) == 7


def test_moving_from_paris_to_new_york_keeps_the_streak_and_never_counts_a_day_twice():
    paris, new_york = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
    start = date(2026, 11, 16)
    events = [done_at(datetime(2026, 11, 16 + i, 8, 30, tzinfo=paris)) for i in range(4)]
    # The flight: a lesson done on the 20th in Paris in the morning, another on the 20th in New York at night.
    events.append(done_at(datetime(2026, 11, 20, 8, 30, tzinfo=paris)))
    events.append(done_at(datetime(2026, 11, 20, 22, 0, tzinfo=new_york)))
    events += [done_at(datetime(2026, 11, 21 + i, 8, 30, tzinfo=new_york)) for i in range(2)]
    someone = leader(start, timezone="America/New_York", events=tuple(events))
    days = days_of(someone, date(2026, 11, 22))
    assert [d.day for d in days] == [start + timedelta(days=i) for i in range(7)]
    habit = habit_of(someone, date(2026, 11, 22))
    assert habit.current_streak == 7


def test_after_five_idle_scheduled_days_the_morning_asks_for_one_easy_step(coach: Coach):
    start = date(2026, 11, 16)
    someone = leader(start, timezone="Europe/Paris")
    morning = coach.wake(someone, utc(2026, 11, 21, 7, 0))  # the sixth scheduled day without an action
    assert "one easy step" in morning.replies[-1].text
    busy = someone.with_(events=(done_at(datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))),))
    assert "Your minute of the day" in coach.wake(busy, utc(2026, 11, 21, 7, 0)).replies[-1].text


def test_a_spent_freeze_is_told_once_the_next_morning(coach: Coach):
    paris = ZoneInfo("Europe/Paris")
    start = date(2026, 11, 2)  # a full week of actions earns a freeze, then the 9th is missed
    events = tuple(done_at(datetime(2026, 11, 2 + i, 9, 0, tzinfo=paris)) for i in range(7))
    someone = leader(start, timezone="Europe/Paris", events=events)
    morning = coach.wake(someone, utc(2026, 11, 10, 7, 0))
    texts = [r.text for r in morning.replies]
    assert any("freeze kept your streak" in t for t in texts)
    later = coach.handle(morning.leader, Who(1, 1), Command("stats"), utc(2026, 11, 10, 9, 0))
    assert not any("freeze kept your streak" in r.text for r in later.replies)
