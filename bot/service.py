"""The coach at work: load the leader, ask the core, store the result, keep the leader's wake-up scheduled.

Used alike by the Telegram front end and the terminal chat. Storage is the source of truth: the scheduler only
ever holds what `Coach.next_wake` computes from the stored leader, and is rebuilt from storage at start.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from bot.adapters.opml import OpmlError, read_opml
from bot.core.events import Event, FeedList, Upload, Who
from bot.core.feedstate import FeedState
from bot.core.model import Leader
from bot.core.news import Item
from bot.core.parse import language_from_code
from bot.core.replies import Outcome
from bot.core.router import Coach
from bot.core.suggest import Pool

log = logging.getLogger(__name__)


class LeaderRepository(Protocol):
    """Where leaders live."""

    def get(self, user_id: int) -> Leader | None: ...
    def put(self, leader: Leader) -> None: ...
    def delete(self, user_id: int) -> None: ...
    def all(self) -> object: ...


class WakeScheduler(Protocol):
    """Runs the coach's wake-up for a leader at an instant (None: cancel)."""

    def schedule(self, user_id: int, when: datetime | None) -> None: ...


class NoScheduler:
    """For front ends without a scheduler (the terminal chat)."""

    def schedule(self, user_id: int, when: datetime | None) -> None:
        """Do nothing."""


class CoachService:
    """One call per thing that happens; each call reads, decides and writes before it returns.

    Calls for one leader never overlap: each holds that leader's lock from reading to writing, so a press of
    "Done" and the morning delivery (which may run in a worker thread) cannot lose each other's change.
    """

    def __init__(self, coach: Coach, store: LeaderRepository, scheduler: WakeScheduler | None = None,
                 news: Callable[[Leader | None], Sequence[Item] | Pool] | None = None,
                 forget: Callable[[Leader], None] | None = None,
                 feed_states: Callable[[Leader], Mapping[str, FeedState]] | None = None) -> None:
        self.coach = coach
        self.store = store
        self.scheduler: WakeScheduler = scheduler or NoScheduler()
        self.news: Callable[[Leader | None], Sequence[Item] | Pool] = news or (lambda leader: ())
        self.forget: Callable[[Leader], None] = forget or (lambda leader: None)  # what else holds the leader
        self.feed_states: Callable[[Leader], Mapping[str, FeedState]] = feed_states or (lambda leader: {})
        self._locks: dict[int, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def _lock(self, user_id: int) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(user_id, threading.Lock())

    def holding(self, user_id: int) -> threading.Lock:
        """The leader's lock, for a reader that must see their file between two changes (a backup)."""
        return self._lock(user_id)

    def language(self, user_id: int | None, language_code: str | None) -> str:
        """The language to speak to someone: their stored choice, else their app's."""
        try:
            leader = self.store.get(user_id) if user_id is not None else None
        except Exception:  # the store itself may be what failed
            leader = None
        return leader.language if leader else language_from_code(language_code)

    def handle(self, who: Who, event: Event, now: datetime) -> Outcome:
        """Answer what a leader did, and store what changed."""
        if isinstance(event, Upload):
            event = read_feed_list(event)
        with self._lock(who.user_id):
            before = self.store.get(who.user_id)
            states = self.feed_states(before) if before is not None else {}
            outcome = self.coach.handle(before, who, event, now, self.news(before), states)
            self._apply(who.user_id, before, outcome, now)
        return outcome

    def wake(self, user_id: int, now: datetime, on_lesson: Callable[[], None] | None = None) -> Outcome:
        """Act at a leader's scheduled moment; what is to be sent is recorded as sent before it is returned.
        `on_lesson` is told when the day's lesson is among it."""
        with self._lock(user_id):
            leader = self.store.get(user_id)
            if leader is None:
                self.scheduler.schedule(user_id, None)
                return Outcome(None)
            outcome = self.coach.wake(leader, now, self.news(leader))
            self._apply(user_id, leader, outcome, now, reschedule=True)
        after = outcome.leader
        if on_lesson is not None and after is not None and after.delivery not in (None, leader.delivery):
            on_lesson()
        return outcome

    def news_ready(self, user_id: int, now: datetime, *, told: bool = False) -> Outcome:
        """The leader's feeds were just read: their first suggestions, recorded before they are sent (or, when
        the leader was told they would follow, why there is none)."""
        with self._lock(user_id):
            leader = self.store.get(user_id)
            if leader is None:
                return Outcome(None)
            outcome = self.coach.news_ready(leader, now, self.news(leader), self.feed_states(leader), told=told)
            self._apply(user_id, leader, outcome, now)
        return outcome

    def mark_blocked(self, user_id: int, now: datetime) -> None:
        """The leader blocked the bot: stop sending until they come back with /start."""
        with self._lock(user_id):
            leader = self.store.get(user_id)
            if leader is not None and leader.active:
                self._apply(user_id, leader, Outcome(leader.with_(active=False)), now)
                log.info("leader %s blocked the bot; marked inactive", user_id)

    def wake_times(self, now: datetime) -> Iterator[tuple[int, datetime | None]]:
        """Every stored leader's next wake-up as storage holds it (None: nothing to wake for), one at a time."""
        for leader in self.store.all():  # type: ignore[attr-defined]
            yield leader.user_id, self.coach.next_wake(leader, now)

    def _apply(self, user_id: int, before: Leader | None, outcome: Outcome, now: datetime,
               *, reschedule: bool = False) -> None:
        if outcome.forget:
            self.store.delete(user_id)
            self.scheduler.schedule(user_id, None)
            if before is not None:
                self.forget(before)
            return
        after = outcome.leader
        if after is None:
            return
        if after != before:
            self.store.put(after)
        if after != before or reschedule:
            self.scheduler.schedule(user_id, self.coach.next_wake(after, now))


def read_feed_list(upload: Upload) -> FeedList:
    """A file the leader sent, read as an OPML list of feeds (or why it cannot be: a message key)."""
    try:
        return FeedList(tuple((url, title) for title, url in read_opml(upload.content)))
    except OpmlError as error:
        return FeedList(problem=error.reason)
