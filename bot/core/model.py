"""The leader and what is recorded about them, as immutable values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import StrEnum

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
DEFAULT_TIMEZONE = "Europe/Paris"
DEFAULT_TIME = time(8, 0)
WEEKDAYS_MON_FRI: frozenset[int] = frozenset(range(5))



class Step(StrEnum):
    """A question the bot asks (in onboarding, or from the settings); its value is what storage keeps."""

    LANGUAGE = "language"
    TIMEZONE = "timezone"
    TIME = "time"
    DAYS = "days"
    SECTOR = "sector"
    NUDGE = "nudge"
    GOAL = "goal"
    SUGGEST = "suggest"


# Onboarding asks these in order; a leader whose `awaiting` is one of them owes us that answer.
ONBOARDING_STEPS: tuple[Step, ...] = (Step.LANGUAGE, Step.TIMEZONE, Step.TIME, Step.DAYS, Step.SECTOR)


class LessonKind(StrEnum):
    """What the leader made of a lesson."""

    DONE = "done"
    SKIPPED = "skipped"


class OfferStatus(StrEnum):
    """What became of a suggested post."""

    OFFERED = "offered"
    POSTED = "posted"
    IRRELEVANT = "irrelevant"
    REPLACED = "replaced"  # by "Another"


@dataclass(frozen=True)
class Taste:
    """What a leader told the bot: interests, and how they rated sources and topics."""

    interests: tuple[str, ...] = ()
    sources: Mapping[str, float] = field(default_factory=dict)  # source name -> learned weight, bounded
    topics: Mapping[str, float] = field(default_factory=dict)  # keyword (casefolded) -> learned weight
    seen: tuple[str, ...] = ()  # story keys already suggested, newest last, at most SEEN_LIMIT


@dataclass(frozen=True)
class Schedule:
    """When the daily lesson arrives: a local time on some weekdays (0 is Monday)."""

    at: time = DEFAULT_TIME
    days: frozenset[int] = WEEKDAYS_MON_FRI
    enabled: bool = True


@dataclass(frozen=True)
class LessonEvent:
    """A lesson marked done or skipped, with the instant and the leader's local date."""

    lesson_id: str
    kind: LessonKind
    at: datetime
    local_date: date


@dataclass(frozen=True)
class Delivery:
    """The daily lesson sent on a local date (at most one per date)."""

    local_date: date
    lesson_id: str


@dataclass(frozen=True)
class Pause:
    """Local dates on which the leader asked for no lessons: from `start` included to `end` excluded."""

    start: date
    end: date

    def covers(self, day: date) -> bool:
        """Whether this pause includes a local date."""
        return self.start <= day < self.end


@dataclass(frozen=True)
class ScheduleChange:
    """From a local date on, the weekdays that are scheduled (empty while lessons are switched off)."""

    since: date
    days: frozenset[int]


@dataclass(frozen=True)
class PostEvent:
    """A suggested post the leader said they shared."""

    key: str
    at: datetime
    local_date: date


@dataclass(frozen=True)
class Reminder:
    """A reminder of the leader's own, with its text (empty: a bare reminder).

    Recurring: on some weekdays (`days`) at a local time. One-off: on a local date (`on`) at a local time, or at an
    exact instant (`fire_at`: "in 2 hours", a snooze); a one-off reminder is gone once sent.
    """

    days: frozenset[int]
    at: time
    text: str
    sent_on: date | None = None
    on: date | None = None
    fire_at: datetime | None = None

    @property
    def once(self) -> bool:
        """Whether this reminder goes out once only."""
        return self.on is not None or self.fire_at is not None


@dataclass(frozen=True)
class SentReminder:
    """A reminder lately sent, named by `ref` on its snooze buttons (and whether it was snoozed already)."""

    ref: str
    text: str
    snoozed: bool = False


DEFAULT_RECAP_DAY = 6  # Sunday
DEFAULT_RECAP_AT = time(18, 0)


DEFAULT_NUDGE = time(18, 0)
DEFAULT_SUGGESTIONS = 3


@dataclass(frozen=True)
class OwnFeed:
    """A feed the leader added to their sector's."""

    url: str
    name: str


@dataclass(frozen=True)
class Offer:
    """A suggested post shown to the leader, and what they made of it.

    `ref` names it in buttons; `batch` is the message it belongs to. `post_linkedin` and `post_x` are the last
    post written for it (the morning's draft, or the post around the leader's `take`).
    """

    ref: str
    batch: str
    key: str
    title: str
    link: str
    source: str
    draft: str
    topics: tuple[str, ...] = ()
    published: datetime | None = None
    status: OfferStatus = OfferStatus.OFFERED
    summary: str = ""
    item_language: str | None = None
    take: str | None = None  # the leader's own words, as typed
    variant: int = 0  # "another angle" turns it
    shorter: bool = False
    post_linkedin: str = ""
    post_x: str = ""
    # The learned weights a "Not relevant" changed, as they were before it ("s:" a source, "t:" a topic; None:
    # none yet), so that its Undo puts them back exactly.
    weights_before: tuple[tuple[str, float | None], ...] = ()


@dataclass(frozen=True)
class Leader:
    """Everything the coach keeps about one leader."""

    user_id: int
    chat_id: int
    language: str = DEFAULT_LANGUAGE
    timezone: str = DEFAULT_TIMEZONE
    schedule: Schedule = field(default_factory=Schedule)
    sector: str | None = None
    onboarded: bool = False
    awaiting: Step | None = Step.LANGUAGE
    pauses: tuple[Pause, ...] = ()
    schedule_log: tuple[ScheduleChange, ...] = ()
    active: bool = True
    created_at: datetime | None = None
    events: tuple[LessonEvent, ...] = ()
    delivery: Delivery | None = None
    later_at: datetime | None = None
    posts: tuple[PostEvent, ...] = ()
    reminders: tuple[Reminder, ...] = ()
    nudge_at: time | None = DEFAULT_NUDGE
    nudged_on: date | None = None
    nudge_turn: int = 0
    weekly_goal: int | None = None
    freezes_told: date | None = None
    taste: Taste = field(default_factory=Taste)
    suggestions_per_day: int = DEFAULT_SUGGESTIONS
    own_feeds: tuple[OwnFeed, ...] = ()
    offers: tuple[Offer, ...] = ()
    take_for: str | None = None  # the suggestion (its ref) whose take the bot is waiting for
    sent_reminders: tuple[SentReminder, ...] = ()
    recap_day: int = DEFAULT_RECAP_DAY
    recap_at: time | None = DEFAULT_RECAP_AT  # None: no weekly recap
    recapped_on: date | None = None
    reminder_wait: Reminder | None = None  # a reminder chosen after a bare time, waiting for its text

    def pause_on(self, day: date) -> Pause | None:
        """The pause covering a local date, if any."""
        return next((p for p in reversed(self.pauses) if p.covers(day)), None)

    def with_(self, **changes: object) -> Leader:
        """Return a copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def finished_ids(self) -> frozenset[str]:
        """Lessons done or skipped."""
        return frozenset(e.lesson_id for e in self.events)

    def actions_on(self, day: date) -> int:
        """Lessons done and posts shared on a local date."""
        return sum(1 for e in self.events if e.kind == LessonKind.DONE and e.local_date == day) + sum(
            1 for p in self.posts if p.local_date == day
        )

    @property
    def done_ids(self) -> frozenset[str]:
        """Lessons marked done."""
        return frozenset(e.lesson_id for e in self.events if e.kind == LessonKind.DONE)
