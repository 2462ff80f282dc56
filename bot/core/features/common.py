"""What the features share: the content they speak with, and a few facts every feature may state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core import schedule
from bot.core.content import Content, Course
from bot.core.feedstate import age
from bot.core.model import Delivery, Leader, ScheduleChange
from bot.core.parse import InputError
from bot.core.replies import Days, Keyboard, Msg, Outcome, Reply, Text, Value, msg


@dataclass(frozen=True)
class Context:
    """The content and the options every feature works with."""

    content: Content
    allow_private_feeds: bool = False
    listening: bool = False  # a transcriber is configured: voice notes are turned into words
    publishing: bool = False  # the bot can publish for leaders (LinkedIn is configured)
    courses: dict[str, Course] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "courses", dict(self.content.courses))

    def course(self, leader: Leader) -> Course:
        """The course in the leader's language."""
        return self.courses[leader.language]

    def sector_name(self, leader: Leader) -> Value:
        """The leader's sector, as they read it."""
        sector = self.content.sector(leader.sector)
        return sector.label(leader.language) if sector else msg("sector_none")


def elapsed(moment: datetime, now: datetime) -> Msg | None:
    """How long ago a moment was, the one rule for every age the leader reads (a suggestion's, a feed's newest
    article): whole minutes under an hour, hours under two days, then days, weeks, months, years; None under a
    minute ("just now")."""
    found = age(moment, now)
    if found.unit == "minute" and found.count == 0:
        return None
    return msg(f"age_{found.unit}", count=found.count)


def say(leader: Leader, *texts: Text, buttons: Keyboard = ()) -> Outcome:
    """Keep the leader as they are and say one or more messages (the buttons go with the last one)."""
    replies = [Reply(text) for text in texts]
    if buttons and replies:
        replies[-1] = Reply(texts[-1], buttons)
    return Outcome(leader, tuple(replies))


def invalid(leader: Leader, error: InputError) -> Outcome:
    """The answer to what could not be understood: the message that explains it, and nothing changed."""
    return say(leader, msg(error.key))


def local(leader: Leader, at: datetime | None) -> Value:
    """An instant as the leader's clock reads it (or "no lesson ahead")."""
    if at is None:
        return msg("no_next_lesson")
    return schedule.local_now(at, leader.timezone)


def summary(leader: Leader, now: datetime) -> Msg:
    """When lessons come: time, zone, days, the next one, and the pause if any."""
    if not leader.schedule.enabled:
        return msg("schedule_off")
    text = msg(
        "schedule_summary",
        time=leader.schedule.at,
        timezone=leader.timezone,
        days=Days(leader.schedule.days),
        next=local(leader, schedule.next_slot(leader, now)),
    )
    pause = leader.pause_on(schedule.local_today(leader, now))
    if pause is None:
        return text
    return msg("summary_with_pause", summary=text, pause=msg("paused_until", date=pause.end))


def settle(leader: Leader, now: datetime) -> Leader:
    """After a schedule change: log the scheduled weekdays, and count today's slot as handled if passed.

    Without the second part, moving the lesson time to an hour ago (or finishing onboarding after it) would
    deliver a lesson at once, as if the bot had been down.
    """
    if not leader.onboarded:
        return leader
    today = schedule.local_today(leader, now)
    days = leader.schedule.days if leader.schedule.enabled else frozenset()
    log = leader.schedule_log
    if not log or log[-1].days != days:
        log = (*(c for c in log if c.since < today), ScheduleChange(today, days))
        leader = leader.with_(schedule_log=log)
    if leader.delivery is not None and leader.delivery.local_date >= today:
        return leader
    if schedule.slot_on(leader, today) <= now:
        return leader.with_(delivery=Delivery(today, ""))
    return leader
