"""The weekly recap: once a week, at a moment the leader can move or switch off (/recap), the week's lessons and
posts, the streak and strength, next week's module, and the picture. Short, and never a reproach.

It is recorded before it is sent (`recapped_on`), like the daily lesson, so it goes out at most once a week
whatever happens to the process.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.core import schedule
from bot.core.features import quiz
from bot.core.features.common import Context, invalid, say
from bot.core.features.path import stage_of
from bot.core.features.stats import chart
from bot.core.history import habit_of
from bot.core.model import DEFAULT_RECAP_AT, Leader, LessonKind, Stage
from bot.core.parse import InputError
from bot.core.replies import Days, Msg, Outcome, Reply, msg
from bot.core.when import RemindAction, parse_remind


def setting(leader: Leader) -> Msg:
    """When the recap comes, or that it is off."""
    if leader.recap_at is None:
        return msg("recap_setting_off")
    return msg("recap_setting", days=Days(frozenset({leader.recap_day})), time=leader.recap_at)


def command(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/recap: when it comes; `/recap fri 17:00` moves it, `/recap off` and `/recap on`; `/recap now` shows it."""
    if not args:
        return say(leader, setting(leader), msg("recap_usage"))
    if args.strip().lower() in ("now", "maintenant"):
        return Outcome(leader, recap(ctx, leader, schedule.local_today(leader, now)))
    try:
        request = parse_remind(args)
    except InputError:
        return invalid(leader, InputError("error_recap"))
    if request.action is RemindAction.TOGGLE:
        changed = leader.with_(recap_at=(leader.recap_at or DEFAULT_RECAP_AT) if request.enabled else None)
    elif request.action is RemindAction.SCHEDULE and request.at is not None and len(request.days or ()) == 1:
        day = min(request.days or (0,))
        changed = leader.with_(recap_day=day, recap_at=request.at)
        today = schedule.local_today(leader, now)
        # Moved to a moment already past today: this week's recap is not sent at once.
        if day == today.weekday() and schedule.at_local(leader, today, request.at) <= now:
            changed = changed.with_(recapped_on=today)
    else:
        return invalid(leader, InputError("error_recap"))
    return say(changed, setting(changed))


def recap(ctx: Context, leader: Leader, today: date) -> tuple[Reply, ...]:
    """The recap of the week that holds `today` (Monday to today)."""
    monday = today - timedelta(days=today.weekday())
    lessons = sum(1 for e in leader.events if e.kind == LessonKind.DONE and monday <= e.local_date <= today)
    posts = sum(1 for p in leader.posts if monday <= p.local_date <= today)
    comments = sum(1 for c in leader.comments if monday <= c.local_date <= today)
    habit = habit_of(leader, today)
    course = ctx.course(leader)
    following = course.current(leader.finished_ids)
    if following is None:
        ahead = msg("recap_course_complete")
    else:
        ahead = msg("recap_next", module=following.module, title=course.modules.get(following.module, ""))
    week = msg("recap_week", lessons=msg("recap_lessons", count=lessons), posts=msg("recap_posts", count=posts))
    if comments or leader.comments or stage_of(ctx, leader) is not Stage.POST:  # the path: each action counted
        key = "recap_week_path" if stage_of(ctx, leader) is Stage.POST or posts else "recap_week_listen"
        week = msg(key, lessons=msg("recap_lessons", count=lessons), comments=msg("recap_comments", count=comments),
                   posts=msg("recap_posts", count=posts))
    if lessons + posts + comments == 0:
        week = msg("recap_quiet")
    text = msg("recap", week=week,
               streak=msg("recap_streak", count=habit.current_streak, strength=round(habit.strength * 100)),
               next=ahead)
    caption = msg("recap_caption")
    question = quiz.review(ctx, leader, today)
    pictured = (Reply(text), Reply(caption, chart=chart(leader, today)))
    return (*pictured, question) if question else pictured


def due(ctx: Context, leader: Leader, now: datetime) -> tuple[Leader, list[Reply]]:
    """The weekly recap, when its moment has come: recorded as sent, then said."""
    day = schedule.due_recap(leader, now)
    if day is None:
        return leader, []
    leader = leader.with_(recapped_on=day)
    if not leader.events and not leader.posts and not leader.comments:
        return leader, []  # nothing done yet at all: no recap to make (and no reproach)
    return leader, list(recap(ctx, leader, day))
