"""What comes in: who is speaking, and what they did (a command, a line, a press, a file...).

Both front ends build these the same way: `read_line` turns what a leader typed into a command or a line of
text, whatever the surface.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.core.speech import Heard


@dataclass(frozen=True)
class Who:
    """Who is speaking: their user id, their chat, and the language their app reports."""

    user_id: int
    chat_id: int
    language_code: str | None = None


@dataclass(frozen=True)
class Command:
    """A slash command with the rest of its line."""

    name: str
    args: str = ""


@dataclass(frozen=True)
class Text:
    """A line of free text."""

    text: str


@dataclass(frozen=True)
class Press:
    """A press on one of the bot's inline buttons: its callback data (read by `bot.core.actions.decode`), and
    the callback data of every button of the message it was pressed on, when the front end knows them (None:
    a message too old for Telegram to show it again)."""

    data: str
    shown: frozenset[str] | None = None


@dataclass(frozen=True)
class Upload:
    """A file the leader sent (an OPML list of feeds, for instance)."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class FeedList:
    """A list of feeds the leader sent as a file, once read: (url, title) pairs, or why it could not be read
    (the key of the message that says so)."""

    feeds: tuple[tuple[str, str], ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class FeedProbed:
    """A feed the leader asked to add, once read: its name, or why it cannot be used (a message key)."""

    url: str
    name: str = ""
    problem: str | None = None


@dataclass(frozen=True)
class PostWritten:
    """The post for a suggestion, written (by the model, or the composer when the model failed or is off)."""

    ref: str
    linkedin: str
    x: str
    writer: str = "composer"


class PublishResult(StrEnum):
    """How a publication went, as the network answered it."""

    PUBLISHED = "published"
    UNAUTHORIZED = "unauthorized"  # the token was refused (expired, or access revoked): connect again
    FORBIDDEN = "forbidden"  # the token lacks the right to publish
    DUPLICATE = "duplicate"  # the network refused the same text twice
    RATE_LIMITED = "rate_limited"
    TIMEOUT = "timeout"
    FAILED = "failed"


@dataclass(frozen=True)
class PublishDone:
    """A post's publication came back: how it went, and the post's address when it was published."""

    ref: str
    result: PublishResult
    url: str = ""


@dataclass(frozen=True)
class Connected:
    """The leader connected the network the bot publishes on, until `until` (None: the sign-in failed)."""

    until: datetime | None


@dataclass(frozen=True)
class CommentWritten:
    """The comment on the leader's view, written (by the model, or the composer when the model failed or is off)."""

    ref: str
    text: str
    writer: str = "composer"


@dataclass(frozen=True)
class VoiceNote:
    """A voice note arrived, as its sender's app describes it (its audio is fetched only if the coach asks)."""

    seconds: int
    size: int | None = None  # bytes, when known


@dataclass(frozen=True)
class Transcribed:
    """A voice note, once transcribed: its words, or why there are none."""

    heard: Heard


@dataclass(frozen=True)
class Other:
    """Anything else: a sticker, a photo, a voice note..."""

    kind: str


Event = (Command | Text | Press | Upload | FeedList | FeedProbed | PostWritten | CommentWritten | VoiceNote
         | Transcribed | PublishDone | Connected | Other)


def read_line(line: str) -> Command | Text:
    """What a typed line is: '/remind@coach_bot 07:45 mon-fri' -> Command('remind', '07:45 mon-fri')."""
    stripped = line.strip()
    if not stripped.startswith("/") or len(stripped) == 1:
        return Text(line)
    head, _, rest = stripped.partition(" ")
    name = head[1:].split("@", 1)[0]
    return Command(name, rest.strip())
