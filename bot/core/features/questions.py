"""The questions the bot asks (language, time zone, lesson time, days, sector, evening nudge, weekly goal,
suggestions a day), with the choices offered as buttons, and how an answer, typed or pressed, is read."""

from __future__ import annotations

from datetime import time

from bot.core.actions import Answer
from bot.core.features.common import Context
from bot.core.model import LANGUAGES, ONBOARDING_STEPS, STAGES, Leader, Schedule, Stage, Standing, Step
from bot.core.parse import InputError, clean, is_off, parse_days, parse_language, parse_time, parse_timezone
from bot.core.replies import Button, Days, Keyboard, Reply, Text, msg

# The time zones offered as buttons, each labelled with a city in the leader's language (catalog key city_*).
TIMEZONE_CHOICES: tuple[tuple[str, str], ...] = (
    ("city_paris", "Europe/Paris"),
    ("city_london", "Europe/London"),
    ("city_new_york", "America/New_York"),
    ("city_montreal", "America/Montreal"),
    ("city_casablanca", "Africa/Casablanca"),
    ("city_dubai", "Asia/Dubai"),
    ("city_singapore", "Asia/Singapore"),
    ("city_utc", "UTC"),
)
TIME_CHOICES: tuple[time, ...] = (time(7, 0), time(7, 30), time(8, 0), time(8, 30), time(9, 0), time(12, 30))
DAY_CHOICES: tuple[frozenset[int], ...] = (
    frozenset(range(5)),
    frozenset(range(7)),
    frozenset({0, 2, 4}),
    frozenset({1, 3}),
)
NUDGE_CHOICES: tuple[time, ...] = (time(17, 0), time(18, 0), time(19, 0), time(20, 0))
MAX_SUGGESTIONS = 5
AUTO = "auto"  # the STAGE answer that lets the course lead again
MIN_SECTOR_PREFIX = 3  # letters typed before the start of a sector's name chooses it


def _goal_cap(leader: Leader) -> int:
    """A weekly goal is at most the number of days lessons come (7 when they are switched off)."""
    return len(leader.schedule.days) if leader.schedule.enabled and leader.schedule.days else 7


def _hhmm(at: time) -> str:
    return at.strftime("%H%M")


def _rows(buttons: list[Button], width: int) -> Keyboard:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def choices(ctx: Context, leader: Leader, step: Step) -> Keyboard:
    """The buttons that answer a question."""
    if step is Step.LANGUAGE:
        return (tuple(Button(msg(f"language_name_{code}"), Answer(step, code)) for code in LANGUAGES),)
    if step is Step.TIMEZONE:
        return _rows([Button(msg(key), Answer(step, zone)) for key, zone in TIMEZONE_CHOICES], 2)
    if step is Step.TIME:
        return _rows([Button(msg("clock", time=at), Answer(step, _hhmm(at))) for at in TIME_CHOICES], 3)
    if step is Step.DAYS:
        return tuple((Button(msg("days", days=Days(days)), Answer(step, _days_code(days))),) for days in DAY_CHOICES)
    if step is Step.NUDGE:
        later = [at for at in NUDGE_CHOICES if at > leader.schedule.at]  # after the lesson, never at its time
        times = tuple(Button(msg("clock", time=at), Answer(step, _hhmm(at))) for at in later)
        off = (Button(msg("button_nudge_off"), Answer(step, "off")),)
        return (times, off) if times else (off,)
    if step is Step.GOAL:
        return (tuple(Button(str(n), Answer(step, str(n))) for n in range(1, _goal_cap(leader) + 1)),)
    if step is Step.SUGGEST:
        return (tuple(Button(str(n), Answer(step, str(n))) for n in range(0, MAX_SUGGESTIONS + 1)),)
    if step is Step.STANDING:
        return _rows([Button(msg(f"standing_{s.value}"), Answer(step, s.value)) for s in Standing], 2)
    if step is Step.STAGE:
        return ((Button(msg("stage_auto"), Answer(step, AUTO)),),
                tuple(Button(msg(f"stage_choice_{s.value}"), Answer(step, s.value)) for s in STAGES))
    return _rows([Button(s.label(leader.language), Answer(step, s.id)) for s in ctx.content.sectors], 2)


def ask(ctx: Context, leader: Leader, step: Step, *, before: Text | None = None) -> Reply:
    """The question, with its buttons (after `before`, if given). During onboarding the question is framed as
    one of a series ("First, which language...", "Last question..."); from the settings or a command it is asked
    on its own."""
    framed = not leader.onboarded and step in ONBOARDING_STEPS
    question = msg(f"onboarding_ask_{step.value}" if framed else f"ask_{step.value}")
    text = msg("then", first=before, then=question) if before is not None else question
    return Reply(text, choices(ctx, leader, step))


def _days_code(days: frozenset[int]) -> str:
    return "".join(str(d) for d in sorted(days))


def _parse_days_code(code: str) -> frozenset[int]:
    if not code.isdigit() or len(code) > 7 or any(c > "6" for c in code):
        raise InputError("error_days")
    return frozenset(int(c) for c in code)


def _button_time(value: str) -> time:
    if len(value) != 4 or not value.isdigit():
        raise InputError("error_time")
    return parse_time(f"{value[:2]}:{value[2:]}")


def _count(value: str, low: int, high: int, error: str) -> int:
    if not value.strip().isdigit() or not low <= int(value.strip()) <= high:
        raise InputError(error)
    return int(value.strip())


def apply_answer(ctx: Context, leader: Leader, step: Step, value: str, *, typed: bool) -> Leader:
    """The leader with one answer applied, or InputError naming what is wrong (nothing is changed)."""
    if step is Step.LANGUAGE:
        return leader.with_(language=parse_language(value))
    if step is Step.TIMEZONE:
        return leader.with_(timezone=parse_timezone(value))
    if step is Step.TIME:
        at = parse_time(value) if typed else _button_time(value)
        return leader.with_(schedule=Schedule(at, leader.schedule.days, leader.schedule.enabled))
    if step is Step.DAYS:
        days = parse_days(value) if typed else _parse_days_code(value)
        return leader.with_(schedule=Schedule(leader.schedule.at, days, leader.schedule.enabled))
    if step is Step.NUDGE:
        if is_off(value):
            return leader.with_(nudge_at=None)
        at = parse_time(value) if typed else _button_time(value)
        if at <= leader.schedule.at:  # a nudge "when nothing is done yet" comes after the lesson
            raise InputError("error_nudge_early")
        return leader.with_(nudge_at=at)
    if step is Step.GOAL:
        goal = _count(value, 1, 7, "error_goal")
        if goal > _goal_cap(leader):
            raise InputError("error_goal_cap")
        return leader.with_(weekly_goal=goal)
    if step is Step.SUGGEST:
        return leader.with_(suggestions_per_day=_count(value, 0, MAX_SUGGESTIONS, "error_suggest_count"))
    if step is Step.STANDING:
        if value.strip() not in {s.value for s in Standing}:
            raise InputError("error_standing")
        return leader.with_(standing=Standing(value.strip()))
    if step is Step.STAGE:
        if value.strip() == AUTO:
            return leader.with_(stage_set=None)
        if value.strip() not in {s.value for s in STAGES}:
            raise InputError("error_stage")
        return leader.with_(stage_set=Stage(value.strip()))
    folded = clean(value)
    for sector in ctx.content.sectors:
        if folded == sector.id or folded in (clean(label) for label in sector.labels.values()):
            return leader.with_(sector=sector.id)
    # The start of one sector's name, in either language ("tech", « santé » for Santé): that sector.
    starting = {sector.id for sector in ctx.content.sectors for name in (sector.id, *sector.labels.values())
                if len(folded) >= MIN_SECTOR_PREFIX and clean(name).startswith(folded)}
    if len(starting) == 1:
        return leader.with_(sector=starting.pop())
    raise InputError("error_sector")
