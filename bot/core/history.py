"""A leader's day-by-day history on their own local calendar, and where their habit stands.

Each local date gets one record: paused (inside a pause), scheduled (a weekday chosen at the time) or rest,
with the number of actions (lessons done, posts shared) recorded on that local date. Dates come from the
moment of each action in the leader's time zone of the moment, so travelling never counts a day twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from bot.core.habit import PAUSED, REST, SCHEDULED, Day, Habit, compute
from bot.core.model import Leader

MAX_HISTORY_DAYS = 3 * 366


def scheduled_weekdays(leader: Leader, day: date) -> frozenset[int]:
    """The weekdays that were scheduled on a local date (the change in force then)."""
    in_force = leader.schedule.days if leader.schedule.enabled else frozenset()
    for change in leader.schedule_log:
        if change.since <= day:
            in_force = change.days
        else:
            break
    return in_force


def days_of(leader: Leader, today: date) -> list[Day]:
    """One record per local date, from the leader's first scheduled day (at most three years back) to today."""
    if not leader.schedule_log:
        return []
    start = max(leader.schedule_log[0].since, today - timedelta(days=MAX_HISTORY_DAYS))
    actions: Counter[date] = Counter(e.local_date for e in leader.events if e.kind == "done")
    actions.update(p.local_date for p in leader.posts)
    actions.update(c.local_date for c in leader.comments)
    days = []
    day = start
    while day <= today:
        if leader.pause_on(day) is not None:
            kind = PAUSED
        elif day.weekday() in scheduled_weekdays(leader, day):
            kind = SCHEDULED
        else:
            kind = REST
        days.append(Day(day, kind, actions[day]))
        day += timedelta(days=1)
    return days


def habit_of(leader: Leader, today: date) -> Habit:
    """Streak, freezes, strength and this week's progress, as of a local date."""
    per_week = len(leader.schedule.days) if leader.schedule.enabled else 0
    days = days_of(leader, today)
    if not days:
        days = [Day(today, REST, 0)]
    return compute(days, today=today, days_per_week=per_week, week_goal=_goal_this_week(leader, today))


def _goal_this_week(leader: Leader, today: date) -> int | None:
    """The weekly goal, in the leader's first week no more than the lesson days left in it from their first day
    (joining on a Friday, the goal of that week is one day, not five)."""
    goal = weekly_goal(leader)
    days = leader.schedule.days if leader.schedule.enabled else frozenset()
    monday = today - timedelta(days=today.weekday())
    start = leader.schedule_log[0].since if leader.schedule_log else None
    if start is None or start <= monday or not days:
        return goal
    left = sum(1 for n in range(7 - start.weekday()) if (start + timedelta(days=n)).weekday() in days)
    return max(1, min(goal if goal is not None else len(days), left))


def weekly_goal(leader: Leader) -> int | None:
    """The weekly goal in force: the leader's own, capped by the days their lessons come (None: no goal)."""
    per_week = len(leader.schedule.days) if leader.schedule.enabled else 0
    if not per_week:
        return leader.weekly_goal
    return min(leader.weekly_goal or per_week, per_week)
