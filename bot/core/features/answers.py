"""Answers to the bot's questions, typed or pressed: onboarding moves on to the next question (or ends), and a
setting changed later is confirmed in one line."""

from __future__ import annotations

from datetime import datetime

from bot.core import schedule
from bot.core.actions import OpenSuggestions, OpenToday
from bot.core.features import path
from bot.core.features.common import Context, local, settle, summary
from bot.core.features.questions import apply_answer, ask, choices
from bot.core.model import ONBOARDING_STEPS, Leader, Step
from bot.core.parse import InputError, UnknownPlace
from bot.core.replies import Button, Days, Lines, Msg, Outcome, ReadNews, Reply, msg


def answer(ctx: Context, leader: Leader, step: Step, value: str, now: datetime, *, typed: bool,
           reask_on_error: bool = True) -> Outcome:
    """An answer to a question: the next question, the end of onboarding, or a setting changed."""
    try:
        changed = apply_answer(ctx, leader, step, value, typed=typed)
    except InputError as error:
        if not typed:
            return Outcome(leader, toast=msg("button_expired"))
        explained = _explain(error, value)
        if reask_on_error:
            return Outcome(leader, (ask(ctx, leader, step, before=explained),))
        return Outcome(leader, (Reply(explained),))
    if step in (Step.STANDING, Step.STAGE):
        return path.answered(ctx, changed.with_(awaiting=None), step, now)
    if changed.onboarded:
        return saved(ctx, changed.with_(awaiting=None), step, now)
    awaited = leader.awaiting or ONBOARDING_STEPS[0]
    if step is not awaited:
        return Outcome(changed, (ask(ctx, changed, awaited),), toast=msg("saved"))
    index = ONBOARDING_STEPS.index(step)
    if index + 1 < len(ONBOARDING_STEPS):
        following = ONBOARDING_STEPS[index + 1]
        return Outcome(changed.with_(awaiting=following), (ask(ctx, changed, following),))
    done = settle(changed.with_(onboarded=True, awaiting=None), now)
    # The last question, in one tap: where the leader stands places them on the path (or the course leads).
    text = Lines((msg("onboarding_done", summary=summary(done, now), sector=ctx.sector_name(done)),
                  msg("standing_question")), "\n\n")
    keyboard = ((Button(msg("button_first_lesson"), OpenToday()),
                 Button(msg("button_first_suggestions"), OpenSuggestions())),
                *choices(ctx, done, Step.STANDING))
    return Outcome(done, (Reply(text, keyboard),), effects=(ReadNews(),))


def _explain(error: InputError, value: str) -> Msg:
    """The message that explains a wrong answer (an unknown city comes with the closest known one)."""
    if isinstance(error, UnknownPlace) and error.suggestion:
        return msg(error.key, name=" ".join(value.split())[:60], suggestion=error.suggestion)
    return msg(error.key)


def saved(ctx: Context, leader: Leader, step: Step, now: datetime) -> Outcome:
    """A setting changed: say what it is now, in one line."""
    changed = settle(leader, now)
    following = local(changed, schedule.next_slot(changed, now))
    lines = {
        Step.LANGUAGE: msg("saved_language"),
        Step.TIMEZONE: msg("saved_timezone", timezone=changed.timezone, next=following),
        Step.TIME: msg("saved_time", time=changed.schedule.at, next=following),
        Step.DAYS: msg("saved_days", days=Days(changed.schedule.days), next=following),
        Step.SECTOR: msg("saved_sector", sector=ctx.sector_name(changed)),
        Step.NUDGE: msg("saved_nudge", time=changed.nudge_at) if changed.nudge_at else msg("saved_nudge_off"),
        Step.GOAL: msg("saved_goal", count=changed.weekly_goal or 0),
        Step.SUGGEST: msg("saved_suggest", count=changed.suggestions_per_day),
    }
    effects = (ReadNews(),) if step is Step.SECTOR else ()
    return Outcome(changed, (Reply(lines[step]),), toast=msg("saved"), effects=effects)
