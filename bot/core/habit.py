"""A leader's habit from their day-by-day history: the forgiving streak, habit strength and weekly goal.

The history holds one record per date of the leader's own local calendar, so time zones, travel and
daylight saving are settled by whoever builds it: here a day is a date, and a 23- or 25-hour day is a day.

Streak: counted in days with an action. A scheduled day with an action extends it; an action on a rest day
or a paused day is a bonus day: it starts or extends the streak too, and such a day never breaks it
(without an action, rest days and paused days change nothing). A missed scheduled day spends a freeze when
the leader holds one (the streak is kept but not extended), otherwise it breaks the streak. A freeze is
earned, up to MAX_FREEZES held, for each calendar week (Monday to Sunday, the whole week inside the history)
with at least one scheduled day that was not paused and an action on every such day. Today is not over: a
scheduled day without an action yet is not a miss.

Strength: an exponential average over scheduled days that a single lapse barely moves; a bonus day moves it up
like a scheduled day done, and never down.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

SCHEDULED, REST, PAUSED = "scheduled", "rest", "paused"
KINDS: frozenset[str] = frozenset({SCHEDULED, REST, PAUSED})
MAX_FREEZES = 2
STRENGTH_SCALE = 13  # the larger, the slower the strength follows the days
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Day:
    """One local date of a leader's history."""

    day: date
    kind: str  # "scheduled", "rest" or "paused"
    actions: int = 0  # lessons done + posts shared that date (on a rest or paused day: a bonus day)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.day}: unknown kind of day {self.kind!r}")
        if self.actions < 0:
            raise ValueError(f"{self.day}: negative number of actions {self.actions}")


@dataclass(frozen=True)
class Habit:
    """Where a leader's habit stands today."""

    current_streak: int
    best_streak: int
    freezes: int
    freezes_spent: tuple[date, ...]  # the missed scheduled days on which a freeze kept the streak
    strength: float  # 0.0 .. 1.0
    week_done: int  # days with an action this ISO week up to today
    week_goal: int
    idle_scheduled_days: int  # scheduled days without any action since the last action


def _strength_after(strength: float, keep: float, done: bool) -> float:
    """The strength after one scheduled day that counts: keep a share of it, move the rest towards 1 or 0."""
    return strength * keep + (1.0 if done else 0.0) * (1 - keep)


def compute(days: Sequence[Day], *, today: date, days_per_week: int, week_goal: int | None = None) -> Habit:
    """Fold a leader's history (one record per local date, first day to today) into their habit today."""
    if not 0 <= days_per_week <= 7:
        raise ValueError(f"days_per_week must be within 0..7, not {days_per_week}")
    if days and days[-1].day != today:
        raise ValueError(f"the history ends on {days[-1].day}, not today {today}")
    keep = 0.5 ** (math.sqrt(days_per_week / 7) / STRENGTH_SCALE)
    this_monday = today - timedelta(days=today.weekday())
    current = best = freezes = idle = week_done = 0
    spent: list[date] = []
    strength = 0.0
    # The calendar week being read: whether its Monday is in the history, how many of its scheduled days were
    # done, whether any was not (today's, still open, included: the week is not complete yet).
    week_whole, week_worked, week_missed = False, 0, False
    previous: date | None = None
    for record in days:
        if previous is not None and record.day != previous + ONE_DAY:
            raise ValueError(f"the history must hold each date once, in order: {record.day} after {previous}")
        previous = record.day
        if record.day.weekday() == 0:
            week_whole, week_worked, week_missed = True, 0, False
        if record.actions:
            idle = 0
            if record.day >= this_monday:
                week_done += 1
        if record.kind == SCHEDULED and record.actions:
            current += 1
            best = max(best, current)
            strength = _strength_after(strength, keep, done=True)
            week_worked += 1
        elif record.kind == SCHEDULED:
            week_missed = True
            if record.day < today:
                strength = _strength_after(strength, keep, done=False)
                idle += 1
                if freezes:
                    freezes -= 1
                    spent.append(record.day)
                else:
                    current = 0
        elif record.actions:  # a bonus day: an action on a rest day or a paused day
            current += 1
            best = max(best, current)
            strength = _strength_after(strength, keep, done=True)
        if record.day.weekday() == 6 and week_whole and week_worked and not week_missed:
            freezes = min(MAX_FREEZES, freezes + 1)
    return Habit(
        current_streak=current,
        best_streak=best,
        freezes=freezes,
        freezes_spent=tuple(spent),
        strength=strength,
        week_done=week_done,
        week_goal=days_per_week if week_goal is None else week_goal,
        idle_scheduled_days=idle,
    )
