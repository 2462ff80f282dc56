"""The coach's outcomes as a leader reads them: replies rendered to Telegram HTML, buttons with their callback
data, in the outcome's language. Tests of the core assert on this, as a user would."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.adapters.words import Words
from bot.core.actions import encode
from bot.core.events import Event, Upload, Who
from bot.core.model import Leader
from bot.core.replies import Chart, Document, Outcome
from bot.core.router import Coach
from bot.service import read_feed_list


@dataclass(frozen=True)
class Shown:
    """A button as drawn."""

    label: str
    data: str | None = None
    url: str | None = None
    copy: str | None = None


@dataclass(frozen=True)
class ShownReply:
    text: str  # Telegram HTML
    buttons: tuple[tuple[Shown, ...], ...] = ()
    edit: bool = False
    document: Document | None = None
    chart: Chart | None = None


@dataclass(frozen=True)
class ShownOutcome:
    leader: Leader | None
    replies: tuple[ShownReply, ...]
    toast: str | None
    forget: bool
    language: str
    raw: Outcome


def render(words: Words, outcome: Outcome) -> ShownOutcome:
    """An outcome as the leader would see it."""
    lang = outcome.language
    replies = tuple(
        ShownReply(
            words.html(reply.text, lang),
            tuple(tuple(Shown(words.plain(b.label, lang), encode(b.action) if b.action else None, b.url, b.copy)
                        for b in row) for row in reply.buttons),
            reply.edit, reply.document, reply.chart,
        )
        for reply in outcome.replies
    )
    toast = words.plain(outcome.toast, lang) if outcome.toast is not None else None
    return ShownOutcome(outcome.leader, replies, toast, outcome.forget, lang, outcome)


class RenderedCoach:
    """The real coach, whose outcomes come back rendered."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.words = Words(coach.content.catalog)
        self.content = coach.content

    def handle(self, leader: Leader | None, who: Who, event: Event, now: datetime, news=()) -> ShownOutcome:  # noqa: ANN001
        if isinstance(event, Upload):  # as the service does: the file is read before the coach sees it
            event = read_feed_list(event)
        return render(self.words, self.coach.handle(leader, who, event, now, news))

    def wake(self, leader: Leader, now: datetime, news=()) -> ShownOutcome:  # noqa: ANN001
        return render(self.words, self.coach.wake(leader, now, news))

    def next_wake(self, leader: Leader, now: datetime) -> datetime | None:
        return self.coach.next_wake(leader, now)


__all__ = ["RenderedCoach", "ShownOutcome", "render", "replace"]
