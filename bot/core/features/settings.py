"""Settings: the panel (/settings), a change confirmed in one line, /timezone, /language, /pause and /resume,
and lessons switched on or off."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core import schedule
from bot.core.actions import Ask, SwitchLessons
from bot.core.features.answers import answer
from bot.core.features.common import Context, invalid, say, settle, summary
from bot.core.features.path import settings_line
from bot.core.features.questions import ask
from bot.core.history import weekly_goal
from bot.core.model import Leader, Pause, Schedule, Step
from bot.core.parse import InputError, parse_pause_days
from bot.core.replies import Button, Days, Lines, Outcome, Reply, Value, msg
from bot.core.when import RemindAction, parse_schedule


def panel(ctx: Context, leader: Leader, now: datetime, *, edit: bool = False) -> Reply:
    """Everything that is set, with a button for each thing that can change."""
    pause = leader.pause_on(schedule.local_today(leader, now))
    nudge: Value = msg("clock", time=leader.nudge_at) if leader.nudge_at else msg("off")
    text = msg(
        "settings",
        language=msg(f"language_name_{leader.language}"),
        timezone=leader.timezone,
        time=leader.schedule.at,
        days=Days(leader.schedule.days),
        sector=ctx.sector_name(leader),
        reminders=msg("on" if leader.schedule.enabled else "off"),
        pause=msg("pause_ends", date=pause.end) if pause else msg("none"),
        nudge=nudge,
        goal=msg("goal_days", count=weekly_goal(leader) or len(leader.schedule.days)),
        suggestions=leader.suggestions_per_day,
        interests=", ".join(leader.taste.interests) if leader.taste.interests else msg("interests_none"),
        path=settings_line(ctx, leader),
        change=msg("settings_change"),
    )
    toggle = Button(msg("button_reminders_off" if leader.schedule.enabled else "button_reminders_on"),
                    SwitchLessons(not leader.schedule.enabled))
    keyboard = (
        (Button(msg("button_language"), Ask(Step.LANGUAGE)), Button(msg("button_timezone"), Ask(Step.TIMEZONE))),
        (Button(msg("button_time"), Ask(Step.TIME)), Button(msg("button_days"), Ask(Step.DAYS))),
        (Button(msg("button_sector"), Ask(Step.SECTOR)), Button(msg("button_nudge"), Ask(Step.NUDGE))),
        (Button(msg("button_goal"), Ask(Step.GOAL)), Button(msg("button_suggest"), Ask(Step.SUGGEST))),
        (Button(msg("button_standing"), Ask(Step.STANDING)), Button(msg("button_stage"), Ask(Step.STAGE))),
        (toggle,),
    )
    return Reply(text, keyboard, edit=edit)


def show(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/settings."""
    return Outcome(leader, (panel(ctx, leader, now),))


def open_question(ctx: Context, leader: Leader, step: Step) -> Outcome:
    """A settings button: ask that one question."""
    return Outcome(leader.with_(awaiting=step), (ask(ctx, leader, step),))


def switch_lessons(ctx: Context, leader: Leader, on: bool, now: datetime) -> Outcome:
    """The settings button that turns lessons on or off: the panel is updated in place."""
    changed = settle(leader.with_(schedule=Schedule(leader.schedule.at, leader.schedule.days, on)), now)
    return Outcome(changed, (panel(ctx, changed, now, edit=True),), toast=msg("saved"))


def timezone(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/timezone [zone or city]."""
    if not args:
        return say(leader, msg("timezone_current", timezone=leader.timezone))
    return answer(ctx, leader, Step.TIMEZONE, args, now, typed=True, reask_on_error=False)


def language(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/language [fr|en]."""
    if not args:
        return Outcome(leader.with_(awaiting=Step.LANGUAGE), (ask(ctx, leader, Step.LANGUAGE),))
    return answer(ctx, leader, Step.LANGUAGE, args, now, typed=True, reask_on_error=False)


def pause(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/pause N: no lessons for N days."""
    try:
        days = parse_pause_days(args)
    except InputError as error:
        return invalid(leader, error)
    today = schedule.local_today(leader, now)
    until = today + timedelta(days=days + 1)
    kept = tuple(p for p in leader.pauses if not p.covers(today))
    changed = leader.with_(pauses=(*kept, Pause(today, until)), later_at=None)
    return say(changed, msg("paused", count=days, date=until))


def resume(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/resume: end the pause today."""
    today = schedule.local_today(leader, now)
    current = leader.pause_on(today)
    if current is None:
        return say(leader, msg("not_paused"))
    # The pause ends today; a pause that had not really begun is forgotten.
    ended = () if current.start >= today else (Pause(current.start, today),)
    kept = tuple(p for p in leader.pauses if p != current) + ended
    changed = settle(leader.with_(pauses=kept), now)
    return say(changed, msg("resumed", summary=summary(changed, now)))


def schedule_lessons(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/schedule: when the daily lessons come (`07:45 mon-fri`, `08:30`, `mon,wed,fri`, `off`, `on`)."""
    if not args:
        return say(leader, Lines((summary(leader, now), msg("schedule_usage")), "\n\n"))
    try:
        request = parse_schedule(args)
    except InputError as error:
        return invalid(leader, error)
    sched = leader.schedule
    if request.action is RemindAction.TOGGLE:
        sched = Schedule(sched.at, sched.days, bool(request.enabled))
    else:
        sched = Schedule(request.at or sched.at, request.days or sched.days, True)
    changed = settle(leader.with_(schedule=sched), now)
    return say(changed, msg("remind_saved", summary=summary(changed, now)))
