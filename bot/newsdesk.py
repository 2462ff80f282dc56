"""The news desk: which feeds are read, refreshing them on a schedule, and their items at hand.

Feeds are fetched by the feeds adapter (concurrently, bounded, conditional) and their state is kept in storage,
so a restart starts from the last items and validators. Only the feeds someone uses are read: the feeds of the
sectors that leaders chose, and the feeds leaders added themselves (those are untrusted: they may not reach a
private address). Suggestions are taken from what the desk holds; nothing is fetched at the moment a leader
asks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.adapters.feeds import FeedFetcher, FeedSource, FetchReport
from bot.adapters.storage import FeedStore
from bot.core.content import Sector
from bot.core.feedstate import FeedState
from bot.core.model import Leader
from bot.core.news import Item
from bot.core.suggest import Pool, prepare

if TYPE_CHECKING:
    from bot.adapters.metrics import Metrics

log = logging.getLogger(__name__)


class NewsDesk:
    """Feed states in memory, backed by storage; refreshed by `refresh`, read by `items_for`."""

    def __init__(self, sectors: Sequence[Sector], store: FeedStore, fetcher: FeedFetcher,
                 leaders: Callable[[], Iterable[Leader]], executor: Executor | None = None) -> None:
        self.executor = executor
        self.sectors = {sector.id: sector for sector in sectors}
        self.store = store
        self.fetcher = fetcher
        self.leaders = leaders
        self.states: dict[str, FeedState] = store.all()
        self.refreshed = asyncio.Event()
        # Each sector's items, prepared once per refresh and shared by all its leaders (ranking ~1 ms each).
        self.pools: dict[str, Pool] = {}
        self._reading: dict[str, asyncio.Task[None]] = {}  # feeds being read now, out of schedule
        self.metrics: Metrics | None = None  # counts what each refresh read

    def sources(self, leaders: Iterable[Leader]) -> list[FeedSource]:
        """The feeds to read: those of the sectors in use, then the leaders' own (untrusted)."""
        used: dict[str, FeedSource] = {}
        own: dict[str, FeedSource] = {}
        for leader in leaders:
            if not leader.active:
                continue
            sector = self.sectors.get(leader.sector or "")
            for feed in sector.feeds if sector else ():
                used.setdefault(feed.url, FeedSource(feed.url, feed.name, feed.language, trusted=True))
            for mine in leader.own_feeds:
                # A feed named after its host (by an earlier release) gives its items the name it calls itself.
                named = mine.name != urlsplit(mine.url).hostname
                own.setdefault(mine.url, FeedSource(mine.url, mine.name, None, trusted=False, named=named))
        return [*used.values(), *(source for url, source in own.items() if url not in used)]

    async def refresh(self, now: datetime) -> list[FetchReport]:
        """Fetch every feed in use that is due, keep and store what changed."""
        leaders = await asyncio.to_thread(lambda: list(self.leaders()))
        sources = self.sources(leaders)
        before = self.states
        states, reports = await self.fetcher.refresh(sources, before, now)
        untrusted = [s.url for s in sources if not s.trusted and states.get(s.url) != before.get(s.url)]
        states.update(await asyncio.to_thread(_with_languages, states, untrusted))
        changed = [state for url, state in states.items() if before.get(url) != state]
        self.states = states
        self.pools = {
            sector_id: prepare(self._items(f.url for f in sector.feeds), keywords=sector.all_keywords(), now=now)
            for sector_id, sector in self.sectors.items()
            if any(feed.url in states for feed in sector.feeds)
        }
        await asyncio.to_thread(self._save, changed)
        self.refreshed.set()
        failing = sum(1 for r in reports if r.status == "error")
        if self.metrics is not None:
            self.metrics.feeds_refreshed(r.status for r in reports)
        log.info("feeds refreshed: %d read, %d failing, %d stored", len(reports), failing, len(changed),
                 extra={"feeds_read": len(reports), "feeds_failing": failing, "feeds_stored": len(changed)})
        return reports

    def _save(self, states: Sequence[FeedState]) -> None:
        for state in states:
            try:
                self.store.put(state)
            except Exception as error:  # a feed's state is a cache: the next refresh rebuilds it
                log.error("could not store a feed's state: %s", error)

    def items_for(self, leader: Leader | None) -> Sequence[Item] | Pool:
        """The items a leader's suggestions are chosen from: their sector's (prepared), plus their own feeds'."""
        if leader is None:
            return []
        sector = self.sectors.get(leader.sector or "")
        if not leader.own_feeds and sector is not None and sector.id in self.pools:
            return self.pools[sector.id]
        urls = [feed.url for feed in sector.feeds] if sector else []
        urls += [feed.url for feed in leader.own_feeds]
        return self._items(urls)

    def _items(self, urls: Iterable[str]) -> list[Item]:
        items: list[Item] = []
        for url in dict.fromkeys(urls):
            state = self.states.get(url)
            if state is not None:
                items.extend(state.items)
        return items

    async def close(self) -> None:
        """Release the fetcher's connections and the parsing workers."""
        await self.fetcher.aclose()
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)

    def states_for(self, leader: Leader) -> dict[str, FeedState]:
        """What is known of the leader's feeds (their sector's and their own), by address."""
        return {source.url: state for source in self.sources([leader])
                if (state := self.states.get(source.url)) is not None}

    def unread(self, leader: Leader) -> list[FeedSource]:
        """The leader's feeds (their sector's and their own) that have never been read."""
        return [source for source in self.sources([leader])
                if (state := self.states.get(source.url)) is None or state.checked_at is None]

    async def read_now(self, sources: Sequence[FeedSource], now: datetime) -> None:
        """Read these feeds at once, whatever the schedule (a sector just chosen, a feed just added).

        A feed already being read is not read twice: many leaders choosing the same sector at once cause one
        read, and each of them waits for it.
        """
        waits: list[asyncio.Task[None]] = []
        for source in sources:
            task = self._reading.get(source.url)
            if task is None:
                task = asyncio.create_task(self._read_one(source, now), name=f"read {source.name}")
                self._reading[source.url] = task
                task.add_done_callback(self._read_done)
            waits.append(task)
        for result in await asyncio.gather(*waits, return_exceptions=True):
            if isinstance(result, Exception):  # that feed stays unread; the next refresh tries again
                log.error("reading a feed at once failed: %s", type(result).__name__)

    def _read_done(self, task: asyncio.Task[None]) -> None:
        for url, running in list(self._reading.items()):
            if running is task:
                del self._reading[url]

    async def _read_one(self, source: FeedSource, now: datetime) -> None:
        state, _ = await self.fetcher.fetch(source, self.states.get(source.url) or FeedState(url=source.url), now)
        if not source.trusted:
            detected = await asyncio.to_thread(_with_languages, {source.url: state}, [source.url])
            state = detected.get(source.url, state)
        self.states = {**self.states, source.url: state}
        for sector in self.sectors.values():
            if any(feed.url == source.url for feed in sector.feeds):
                self.pools[sector.id] = prepare(self._items(f.url for f in sector.feeds),
                                                keywords=sector.all_keywords(), now=now)
        await asyncio.to_thread(self._save, [state])

    async def probe(self, url: str, name: str, now: datetime) -> str | None:
        """Read a feed a leader wants to add; why it cannot be used (a message key), or None when it can.

        What it held is kept, so that its items count in the leader's suggestions at once. Without a `name`,
        its items take the name the feed calls itself (`state_of(url).title`).
        """
        source = FeedSource(url, name or urlsplit(url).hostname or url, None, trusted=False, named=bool(name))
        await self.read_now([source], now)
        state = self.states.get(url)
        if state is not None and state.last_error is None and state.items:
            return None
        return _problem(state.last_error if state is not None else None)

    def forget(self, leader: Leader) -> None:
        """A leader was deleted: forget the feeds that only they used (their addresses and items)."""
        others = {feed.url for other in self.leaders() if other.user_id != leader.user_id
                  for feed in other.own_feeds}
        sector_feeds = {feed.url for sector in self.sectors.values() for feed in sector.feeds}
        for feed in leader.own_feeds:
            if feed.url in others or feed.url in sector_feeds:
                continue
            self.states.pop(feed.url, None)
            try:
                self.store.delete(feed.url)
            except Exception as error:  # the leader is gone all the same; the file is retried at next delete
                log.error("could not forget a feed: %s", error)

    def state_of(self, url: str) -> FeedState | None:
        """What is known of a feed (for /feeds)."""
        return self.states.get(url)


def _with_languages(states: Mapping[str, FeedState], urls: Iterable[str]) -> dict[str, FeedState]:
    """Leaders' own feeds often declare no language: their items get the one they read in (detected)."""
    from dataclasses import replace

    from bot.adapters.language import with_language

    return {url: replace(states[url], items=tuple(with_language(states[url].items))) for url in urls
            if url in states and any(item.language is None for item in states[url].items)}


def _problem(error: str | None) -> str:
    """The message key that explains why a feed cannot be used, from the fetcher's short error."""
    text = (error or "").lower()
    if "not a feed" in text:
        return "feed_problem_not_a_feed"
    if "empty" in text or "no items" in text or "no usable" in text:
        return "feed_problem_empty"
    if "private" in text or "not allowed" in text or "refused" in text or "public" in text:
        return "feed_problem_refused"
    return "feed_problem_unreachable"
