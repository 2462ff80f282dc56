"""The habit as the leader sees it: /stats with its picture, and the freezes spent, told once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.core import schedule
from bot.core.features.common import Context
from bot.core.habit import Habit
from bot.core.history import days_of, habit_of
from bot.core.model import Leader
from bot.core.replies import Chart, Lines, Msg, Outcome, Reply, msg

HEATMAP_WEEKS = 12
HEATMAP_LABELS = ("done", "missed", "freeze", "rest", "paused", "today", "before", "weekdays")


def freeze_notice(leader: Leader, habit: Habit) -> tuple[Leader, Msg | None]:
    """Tell, once, about the freezes spent since the leader was last told."""
    fresh = [d for d in habit.freezes_spent if leader.freezes_told is None or d > leader.freezes_told]
    if not fresh:
        return leader, None
    days = Lines(tuple(fresh), ", ")
    return leader.with_(freezes_told=max(fresh)), msg("freeze_spent", days=days, count=habit.freezes)


def show(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/stats: streak, freezes, strength, the week against its goal, totals, and the heatmap."""
    today = schedule.local_today(leader, now)
    habit = habit_of(leader, today)
    strength = round(habit.strength * 100)
    text: Msg | Lines = msg(
        "stats",
        streak=msg("stats_streak_days", count=habit.current_streak, best=habit.best_streak),
        freezes=msg("stats_freezes", count=habit.freezes),
        strength=strength,
        week=msg("stats_week", count=habit.week_done, goal=habit.week_goal),
        lessons=msg("stats_lessons", count=len(leader.done_ids)),
        posts=msg("stats_posts", count=len(leader.posts)),
    )
    if leader.comments:  # comments are actions of the habit too
        text = Lines((text, msg("stats_comments", count=len(leader.comments))))
    leader, notice = freeze_notice(leader, habit)
    caption = msg("stats_picture_caption", current=habit.current_streak, strength=strength)
    replies = ((Reply(notice),) if notice else ()) + (Reply(text), Reply(caption, chart=chart(leader, today)))
    return Outcome(leader, replies)


def chart(leader: Leader, today: date) -> Chart:
    """The habit picture: from the week of the leader's first day (the last twelve weeks at most), with totals."""
    days = days_of(leader, today)
    first = days[0].day if days else today
    shown = [d for d in days if d.day >= today - timedelta(days=today.weekday(), weeks=HEATMAP_WEEKS - 1)]
    mondays = (today - timedelta(days=today.weekday())) - (first - timedelta(days=first.weekday()))
    weeks = min(HEATMAP_WEEKS, mondays.days // 7 + 1)
    title = msg("heatmap_title") if weeks >= HEATMAP_WEEKS else msg("heatmap_title_weeks", count=weeks)
    totals = msg("heatmap_totals", lessons=msg("stats_lessons", count=len(leader.done_ids)),
                 posts=msg("stats_posts", count=len(leader.posts)))
    return Chart(
        days=tuple(shown),
        today=today,
        labels=(*((key, msg(f"heatmap_{key}")) for key in HEATMAP_LABELS), ("totals", totals)),
        title=title,
    )
