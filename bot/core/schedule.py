"""When a leader's daily lesson is due, on their own local calendar.

The daily slot is computed afresh for each local date, so a daylight-saving change moves nothing: a time that
occurs twice on the autumn night is taken once (its first occurrence), and a time that does not exist on the
spring night is taken at the same UTC offset as the evening before, which lands just after the jump.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.model import Leader

CATCH_UP = timedelta(hours=3)
LATER_DELAY = timedelta(hours=3)


def local_now(now: datetime, timezone: str) -> datetime:
    """The leader's wall-clock time at the instant `now` (which must be aware)."""
    return now.astimezone(ZoneInfo(timezone))


def local_today(leader: Leader, now: datetime) -> date:
    """The leader's local date at the instant `now`."""
    return local_now(now, leader.timezone).date()


def slot_on(leader: Leader, day: date) -> datetime:
    """The instant (UTC) of the leader's lesson time on a local date."""
    local = datetime.combine(day, leader.schedule.at, tzinfo=ZoneInfo(leader.timezone))
    return local.astimezone(ZoneInfo("UTC"))


def is_paused(leader: Leader, day: date) -> bool:
    """Whether a local date falls inside one of the leader's pauses."""
    return leader.pause_on(day) is not None


def _deliverable(leader: Leader, day: date) -> bool:
    return (
        leader.onboarded
        and leader.active
        and leader.schedule.enabled
        and day.weekday() in leader.schedule.days
        and not is_paused(leader, day)
        and (leader.delivery is None or leader.delivery.local_date < day)
    )


def due_slot(leader: Leader, now: datetime) -> datetime | None:
    """The lesson slot to deliver now: passed less than CATCH_UP ago and not yet delivered, else None."""
    today = local_today(leader, now)
    for day in (today, today - timedelta(days=1)):
        if not _deliverable(leader, day):
            continue
        slot = slot_on(leader, day)
        if slot <= now < slot + CATCH_UP:
            return slot
    return None


def next_slot(leader: Leader, now: datetime) -> datetime | None:
    """The next lesson slot strictly after `now`, or None when no lesson is scheduled at all."""
    if not (leader.onboarded and leader.active and leader.schedule.enabled and leader.schedule.days):
        return None
    day = local_today(leader, now)
    for _ in range(8):
        pause = leader.pause_on(day)
        while pause is not None:
            day = pause.end
            pause = leader.pause_on(day)
        if _deliverable(leader, day):
            slot = slot_on(leader, day)
            if slot > now:
                return slot
        day += timedelta(days=1)
    return None


def next_wake(leader: Leader, now: datetime) -> datetime | None:
    """When the coach must next act for this leader: a due lesson (now), a "later" reminder, or the next slot."""
    if due_slot(leader, now) is not None:
        return now
    candidates = [t for t in (next_slot(leader, now), leader.later_at) if t is not None]
    if leader.later_at is not None and leader.later_at <= now:
        return now
    return min(candidates) if candidates else None
