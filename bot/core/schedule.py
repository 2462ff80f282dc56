"""When the coach acts for a leader, on their own local calendar: the daily lesson, the "later" reminder, the
evening nudge, the weekly recap and the leader's own reminders (recurring, or one-off at a date or an instant).

Every daily moment is computed afresh for each local date, so a daylight-saving change moves nothing: a time
that occurs twice on the autumn night is taken once (its first occurrence), and a time that does not exist on
the spring night is taken at the UTC offset of the evening before, which lands just after the jump. Each kind
of moment is done at most once per local date, and a moment missed by less than CATCH_UP (the bot was down,
the event loop stalled) is still honoured.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.model import Leader, Reminder

CATCH_UP = timedelta(hours=3)
HORIZON_DAYS = 8
UTC = ZoneInfo("UTC")

DayTest = Callable[[date], bool]


def local_now(now: datetime, timezone: str) -> datetime:
    """The leader's wall-clock time at the instant `now` (which must be aware)."""
    return now.astimezone(ZoneInfo(timezone))


def local_today(leader: Leader, now: datetime) -> date:
    """The leader's local date at the instant `now`."""
    return local_now(now, leader.timezone).date()


def at_local(leader: Leader, day: date, at: time) -> datetime:
    """The instant (UTC) of a local time on a local date."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(leader.timezone)).astimezone(UTC)


def slot_on(leader: Leader, day: date) -> datetime:
    """The instant (UTC) of the leader's lesson time on a local date."""
    return at_local(leader, day, leader.schedule.at)


def is_paused(leader: Leader, day: date) -> bool:
    """Whether a local date falls inside one of the leader's pauses."""
    return leader.pause_on(day) is not None


def _reachable(leader: Leader) -> bool:
    return leader.onboarded and leader.active


def _due(leader: Leader, now: datetime, at: time, ok: DayTest) -> date | None:
    """The local date whose moment `at` passed less than CATCH_UP ago and is acceptable, if any."""
    today = local_today(leader, now)
    for day in (today, today - timedelta(days=1)):
        if ok(day):
            moment = at_local(leader, day, at)
            if moment <= now < moment + CATCH_UP:
                return day
    return None


def _next(leader: Leader, now: datetime, at: time, ok: DayTest) -> datetime | None:
    """The first moment `at` strictly after `now` on an acceptable local date, within the horizon past pauses."""
    day = local_today(leader, now)
    for _ in range(HORIZON_DAYS):
        pause = leader.pause_on(day)
        while pause is not None:
            day = pause.end
            pause = leader.pause_on(day)
        if ok(day):
            moment = at_local(leader, day, at)
            if moment > now:
                return moment
        day += timedelta(days=1)
    return None


# --- the daily lesson --------------------------------------------------------------------------------------------


def _lesson_day(leader: Leader) -> DayTest:
    def ok(day: date) -> bool:
        return (
            _reachable(leader)
            and leader.schedule.enabled
            and day.weekday() in leader.schedule.days
            and not is_paused(leader, day)
            and (leader.delivery is None or leader.delivery.local_date < day)
        )

    return ok


def due_slot(leader: Leader, now: datetime) -> datetime | None:
    """The lesson slot to deliver now: passed less than CATCH_UP ago and not yet delivered, else None."""
    day = _due(leader, now, leader.schedule.at, _lesson_day(leader))
    return slot_on(leader, day) if day is not None else None


def next_slot(leader: Leader, now: datetime) -> datetime | None:
    """The next lesson slot strictly after `now`, or None when no lesson is scheduled at all."""
    return _next(leader, now, leader.schedule.at, _lesson_day(leader))


# --- the evening nudge ---------------------------------------------------------------------------------------


def _nudge_day(leader: Leader) -> DayTest:
    def ok(day: date) -> bool:
        return (
            _reachable(leader)
            and leader.nudge_at is not None
            and leader.schedule.enabled
            and day.weekday() in leader.schedule.days
            and not is_paused(leader, day)
            and leader.nudged_on != day
            and leader.delivery is not None
            and leader.delivery.local_date == day
            and leader.delivery.lesson_id != ""
            and leader.actions_on(day) == 0
            and leader.nudge_at is not None
            and leader.nudge_at > leader.schedule.at  # an evening nudge comes after the day's lesson, never before
        )

    return ok


def due_nudge(leader: Leader, now: datetime) -> date | None:
    """The local date to nudge for now: a scheduled day whose lesson was delivered and nothing done yet."""
    if leader.nudge_at is None:
        return None
    return _due(leader, now, leader.nudge_at, _nudge_day(leader))


def next_nudge(leader: Leader, now: datetime) -> datetime | None:
    """The next evening nudge that could be sent."""
    if leader.nudge_at is None:
        return None
    return _next(leader, now, leader.nudge_at, _nudge_day(leader))


# --- the leader's own reminders ------------------------------------------------------------------------------


def exists_locally(timezone: str, day: date, at: time) -> bool:
    """Whether a local time occurs on a local date (not in the hour skipped on a spring-forward night)."""
    wall = datetime.combine(day, at, tzinfo=ZoneInfo(timezone))
    return wall.astimezone(UTC).astimezone(ZoneInfo(timezone)).replace(tzinfo=None) == wall.replace(tzinfo=None)


def once_moment(leader: Leader, reminder: Reminder) -> datetime | None:
    """The instant of a one-off reminder (None for a recurring one)."""
    if reminder.fire_at is not None:
        return reminder.fire_at
    if reminder.on is not None:
        return at_local(leader, reminder.on, reminder.at)
    return None


def once_expired(leader: Leader, reminder: Reminder, now: datetime) -> bool:
    """Whether a one-off reminder was missed by more than CATCH_UP (the bot was down): it is dropped unsent."""
    moment = once_moment(leader, reminder)
    return moment is not None and moment + CATCH_UP <= now


def _reminder_day(leader: Leader, reminder: Reminder) -> DayTest:
    def ok(day: date) -> bool:
        return (
            _reachable(leader)
            and day.weekday() in reminder.days
            and not is_paused(leader, day)
            and reminder.sent_on != day
        )

    return ok


def due_reminder(leader: Leader, reminder: Reminder, now: datetime) -> date | None:
    """The local date on which this reminder is due now, if any. A one-off reminder is due from its instant for
    CATCH_UP, pauses or not (the leader asked for that moment)."""
    moment = once_moment(leader, reminder)
    if moment is not None:
        if _reachable(leader) and reminder.sent_on is None and moment <= now < moment + CATCH_UP:
            return local_now(moment, leader.timezone).date()
        return None
    return _due(leader, now, reminder.at, _reminder_day(leader, reminder))


def next_reminder(leader: Leader, reminder: Reminder, now: datetime) -> datetime | None:
    """The next moment of this reminder."""
    moment = once_moment(leader, reminder)
    if moment is not None:
        return moment if _reachable(leader) and reminder.sent_on is None and moment > now else None
    return _next(leader, now, reminder.at, _reminder_day(leader, reminder))


# --- the weekly recap ----------------------------------------------------------------------------------------


def _recap_day(leader: Leader) -> DayTest:
    def ok(day: date) -> bool:
        return (
            _reachable(leader)
            and leader.recap_at is not None
            and leader.schedule.enabled  # lessons switched off: no recap either
            and day.weekday() == leader.recap_day
            and not is_paused(leader, day)
            and leader.recapped_on != day
        )

    return ok


def due_recap(leader: Leader, now: datetime) -> date | None:
    """The local date whose weekly recap is due now, if any."""
    if leader.recap_at is None:
        return None
    return _due(leader, now, leader.recap_at, _recap_day(leader))


def next_recap(leader: Leader, now: datetime) -> datetime | None:
    """The next weekly recap (a week away at most, so within the horizon)."""
    if leader.recap_at is None:
        return None
    return _next(leader, now, leader.recap_at, _recap_day(leader))


# --- all together ----------------------------------------------------------------------------------------------


def next_wake(leader: Leader, now: datetime) -> datetime | None:
    """When the coach must next act for this leader: `now` if something is due, else the earliest moment."""
    if not _reachable(leader):
        return None
    if (
        due_slot(leader, now) is not None
        or due_nudge(leader, now) is not None
        or any(due_reminder(leader, r, now) is not None for r in leader.reminders)
        or (leader.later_at is not None and leader.later_at <= now)
        or due_recap(leader, now) is not None
    ):
        return now
    candidates = [next_slot(leader, now), next_nudge(leader, now), leader.later_at, next_recap(leader, now)]
    candidates += [next_reminder(leader, r, now) for r in leader.reminders]
    moments = [c for c in candidates if c is not None]
    return min(moments) if moments else None
