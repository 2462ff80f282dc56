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
    STANDING = "standing"  # where the leader stands on social media (asked at the end of onboarding)
    STAGE = "stage"  # the stage of the path, set by hand (or back to following the course)


# Onboarding asks these in order; a leader whose `awaiting` is one of them owes us that answer.
ONBOARDING_STEPS: tuple[Step, ...] = (Step.LANGUAGE, Step.TIMEZONE, Step.TIME, Step.DAYS, Step.SECTOR)


class Stage(StrEnum):
    """Where the leader is on the course's path: listen first, then comment, then post (in that order)."""

    LISTEN = "listen"
    COMMENT = "comment"
    POST = "post"

    @property
    def rank(self) -> int:
        """The place of the stage on the path (0: listening)."""
        return STAGES.index(self)


STAGES: tuple[Stage, ...] = (Stage.LISTEN, Stage.COMMENT, Stage.POST)


class Standing(StrEnum):
    """Where the leader said they stand on social media (one tap at the end of onboarding, or in /settings)."""

    NO_ACCOUNT = "none"  # no account yet: the account step comes first
    UNUSED = "unused"  # an account they do not use
    READER = "reader"  # they read and react
    POSTER = "poster"  # they post now and then


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
    SAVED = "saved"  # kept to read ("Save", at the listening stage)


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
class QuizAnswer:
    """An answer the leader tapped to a lesson's question (after Done, or asked again in the weekly recap)."""

    lesson_id: str
    choice: int  # the answer's index in the lesson's question, from 0
    local_date: date
    review: bool = False  # asked again by the weekly recap


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
class CommentEvent:
    """A comment the leader said they published (an action of the habit, like a lesson done or a post)."""

    at: datetime
    local_date: date


@dataclass(frozen=True)
class CommentDraft:
    """The comment in the making: the post it answers (its text, as pasted), the leader's view (kept word for
    word) and the last comment written. `ref` names it on its buttons."""

    ref: str
    post: str
    view: str = ""
    language: str = "en"
    variant: int = 0  # "Another way" turns it
    shorter: bool = False
    text: str = ""  # the comment last written
    commented: bool = False


@dataclass(frozen=True)
class Note:
    """What the leader typed for a lesson whose action produces something (names, topics, a charter line)."""

    lesson_id: str
    text: str
    at: datetime


class WaitKind(StrEnum):
    """What words the bot is waiting for (besides a take on a suggestion, `take_for`)."""

    COMMENT_POST = "comment_post"  # the text of the post to answer
    COMMENT_VIEW = "comment_view"  # one sentence of the leader's view
    NOTE = "note"  # a note for a lesson (`ref` is its id)


@dataclass(frozen=True)
class Waiting:
    """The bot waits for the leader's words: what for, and about what (a lesson id for a note)."""

    kind: WaitKind
    ref: str = ""


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


STYLE_EDITS = 2  # "Shorter" pressed this many times more than "Longer" (or the reverse) decides the length


@dataclass(frozen=True)
class Style:
    """How the leader writes: learnt from posts of their own they pasted (/style) and from their edits
    ("Shorter", "Longer"). None: not known, the templates decide."""

    question: bool | None = None  # ends a post with a question to the network
    hashtags: bool | None = None
    length: str | None = None  # "short" or "long", from their posts
    sign_off: str | None = None  # a last line they end their posts with
    shorter: int = 0  # "Shorter" presses
    longer: int = 0  # "Longer" presses

    @property
    def prefers_short(self) -> bool:
        """Whether their posts start short: their edits when they lean one way, else their own posts."""
        if self.shorter - self.longer >= STYLE_EDITS:
            return True
        if self.longer - self.shorter >= STYLE_EDITS:
            return False
        return self.length == "short"


@dataclass(frozen=True)
class Publishing:
    """The leader's connection to a network the bot publishes on (the token itself is kept, encrypted, outside
    the leader's file), and the posts published or being published through it.

    `until`: when the connection ends (None: not connected); `warned`: told it ends soon; `pending`: posts (offer
    refs) on their way, since when (a second tap publishes nothing); `done`: posts published, with their address.
    """

    until: datetime | None = None
    warned: bool = False
    pending: tuple[tuple[str, datetime], ...] = ()
    done: tuple[tuple[str, str], ...] = ()

    def connected(self, now: datetime) -> bool:
        """Whether the bot can publish for the leader now."""
        return self.until is not None and self.until > now

    def address(self, ref: str) -> str | None:
        """The address of a post published from this offer (None: not published here)."""
        return next((url for done, url in self.done if done == ref), None)


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
    heard: str | None = None  # a voice note's transcript, waiting for the leader to confirm it (never the audio)
    heard_editing: bool = False  # the leader is typing the corrected transcript
    sent_reminders: tuple[SentReminder, ...] = ()
    recap_day: int = DEFAULT_RECAP_DAY
    recap_at: time | None = DEFAULT_RECAP_AT  # None: no weekly recap
    recapped_on: date | None = None
    standing: Standing | None = None  # None: never said
    stage_set: Stage | None = None  # set by hand; None: the stage follows the course
    stage_reached: Stage = Stage.LISTEN  # the furthest stage known reached (stored data of earlier releases)
    account_ready: bool = False  # the account step, for a leader who had no account, is done
    comments: tuple[CommentEvent, ...] = ()
    comment: CommentDraft | None = None
    waiting: Waiting | None = None
    notes: tuple[Note, ...] = ()
    publishing: Publishing = field(default_factory=Publishing)
    quiz: tuple[QuizAnswer, ...] = ()  # answers to the lessons' questions; they count for nothing
    style_examples: tuple[str, ...] = ()  # posts of their own, pasted with /style (three at most)
    style: Style = field(default_factory=Style)
    style_waiting: bool = False  # /style was sent: the next message is a post of theirs
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
        """Lessons done, comments and posts shared on a local date."""
        return (sum(1 for e in self.events if e.kind == LessonKind.DONE and e.local_date == day)
                + sum(1 for p in self.posts if p.local_date == day)
                + sum(1 for c in self.comments if c.local_date == day))

    def note_for(self, lesson_id: str) -> Note | None:
        """The leader's note for a lesson, if any."""
        return next((n for n in self.notes if n.lesson_id == lesson_id), None)

    @property
    def done_ids(self) -> frozenset[str]:
        """Lessons marked done."""
        return frozenset(e.lesson_id for e in self.events if e.kind == LessonKind.DONE)
