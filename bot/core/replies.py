"""What the coach says, as data: messages by key with their values, buttons with typed actions.

A feature never writes a sentence itself: it names a message of the catalog (`Msg`) and gives its values as
plain Python values (a count, a date, a time, a set of weekdays, a string). The renderer of each surface (Telegram
HTML, terminal lines) turns them into words in the leader's language, with the plurals, dates and times of
that language. Strings are escaped when they are rendered; only `Html` (lesson texts, already validated
Telegram HTML) goes through as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypeAlias

from bot.core.actions import Action
from bot.core.comments import CommentRequest
from bot.core.habit import Day
from bot.core.markup import Html
from bot.core.model import Leader
from bot.core.posts import PostRequest


@dataclass(frozen=True)
class Days:
    """A set of weekdays (0 is Monday), said as "every day", "Monday to Friday" or a list of day names; with
    `every`, as what comes back each week: "every Friday", « tous les vendredis »."""

    days: frozenset[int]
    every: bool = False


@dataclass(frozen=True)
class Quoted:
    """A title inside a sentence, between the language's quotation marks: “Welcome”, « Bienvenue »."""

    text: str


@dataclass(frozen=True)
class Lines:
    """Values said one after the other, joined by `sep` (a new line by default)."""

    parts: tuple[Value, ...]
    sep: str = "\n"


@dataclass(frozen=True)
class Msg:
    """A message of the catalog and the values of its `{fields}`."""

    key: str
    values: Mapping[str, Value] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted(self.values))))


def msg(key: str, /, **values: Value) -> Msg:
    """A message of the catalog with its values."""
    return Msg(key, values)


# A value a message can hold: a string is escaped when rendered, an int may choose a plural form, a datetime is a
# local instant (said with its date and time), a date and a time are said as the language writes them.
Value: TypeAlias = str | Html | int | float | date | datetime | time | Days | Lines | Msg | Quoted | None
Text: TypeAlias = Msg | Lines | Html | str


@dataclass(frozen=True)
class Button:
    """An inline button: an action of the bot (action), a link (url) or a text to copy (copy)."""

    label: Text
    action: Action | None = None
    url: str | None = None
    copy: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Document:
    """A file to send."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class Chart:
    """The habit heatmap to draw: the days to show, and its words (as messages)."""

    days: tuple[Day, ...]
    today: date
    labels: tuple[tuple[str, Text], ...]
    title: Text


@dataclass(frozen=True)
class Reply:
    """A message to send, or (edit=True) the new state of the message whose button was pressed.

    With a document or a chart, `text` is the caption.
    """

    text: Text
    buttons: Keyboard = ()
    edit: bool = False
    document: Document | None = None
    chart: Chart | None = None


@dataclass(frozen=True)
class ReadNews:
    """Make sure the leader's feeds have been read (read them now if not), then offer the first suggestions."""


@dataclass(frozen=True)
class ProbeFeed:
    """Read a feed the leader wants to add, and come back with `FeedProbed`."""

    url: str


@dataclass(frozen=True)
class WritePost:
    """Write the post for a suggestion (with the model when there is one) and come back with `PostWritten`."""

    ref: str
    request: PostRequest


@dataclass(frozen=True)
class WriteComment:
    """Write the comment on the leader's view (with the model when there is one) and come back with
    `CommentWritten`."""

    ref: str
    request: CommentRequest


@dataclass(frozen=True)
class Transcribe:
    """Fetch the voice note just received, have it transcribed (the language as a hint), forget the audio, and
    come back with `Transcribed`."""

    language: str


@dataclass(frozen=True)
class ConnectAccount:
    """Offer the leader a sign-in to the network the bot publishes on (the front end makes its address)."""


@dataclass(frozen=True)
class DisconnectAccount:
    """Forget the leader's token for the network the bot publishes on."""


@dataclass(frozen=True)
class PublishPost:
    """Publish this text for the leader, and come back with `PublishDone`."""

    ref: str
    text: str


Effect = (ReadNews | ProbeFeed | WritePost | WriteComment | Transcribe | ConnectAccount | DisconnectAccount
          | PublishPost)


@dataclass(frozen=True)
class Outcome:
    """What to store and what to say, in which language."""

    leader: Leader | None  # what to store (None: nothing)
    replies: tuple[Reply, ...] = ()
    toast: Text | None = None
    forget: bool = False
    language: str = "en"
    effects: tuple[Effect, ...] = ()  # what the front end does next, outside the core
