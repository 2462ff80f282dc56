"""Parsing apart: budgets timed from the start of each parse, killed past them, leaders' feeds in their own lane.

Also what a download will not take: a gzip bomb, an encoding never asked for, a body past the size cap once
decoded.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from bot.adapters.feeds import FeedFetcher, FeedSource
from bot.adapters.parsing import ParsePool, ParserCrashed, ParseTimeout
from bot.core.feedstate import FeedState
from tests.conftest import utc
from tests.support import chores
from tests.support.feed_server import FeedServer

NOW = utc(2026, 11, 23, 6, 0)
BUDGET = 3.0  # seconds a parse may take here


def in_pool(work, **options):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        pool = ParsePool(**options)
        try:
            return await work(pool)
        finally:
            pool.close()

    return asyncio.run(main())


def test_a_budget_counts_the_parse_itself_never_the_wait_for_a_worker():
    async def six_naps(pool: ParsePool):  # type: ignore[no-untyped-def]
        await pool.run("nap", 0.0)  # the worker is started
        started = time.monotonic()
        results = await asyncio.gather(*(pool.run("nap", 0.4) for _ in range(6)), return_exceptions=True)
        return results, time.monotonic() - started

    results, seconds = in_pool(six_naps, function=chores.do, workers=1, budget=1.5)
    assert results == [0.4] * 6  # 2.4 s of work behind one worker, none failed for waiting
    assert seconds >= 2.4


def test_a_parse_past_its_budget_is_killed_and_the_next_one_gets_a_fresh_worker():
    async def runaway(pool: ParsePool):  # type: ignore[no-untyped-def]
        first = await pool.run("pid")
        started = time.monotonic()
        with pytest.raises(ParseTimeout):
            await pool.run("nap", 60.0)
        stopped_after = time.monotonic() - started
        second = await pool.run("pid")
        return first, second, stopped_after, pool.killed

    first, second, stopped_after, killed = in_pool(runaway, function=chores.do, workers=1, budget=0.5)
    assert stopped_after < 5 and killed == 1
    assert first != second  # the worker that ran away was replaced
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)


def test_a_worker_that_dies_fails_its_job_alone_and_errors_come_back_as_they_are():
    async def jobs(pool: ParsePool):  # type: ignore[no-untyped-def]
        with pytest.raises(ParserCrashed):
            await pool.run("crash")
        with pytest.raises(ValueError, match="bad document"):
            await pool.run("fail", "bad document")
        return await pool.run("nap", 0.01)

    assert in_pool(jobs, function=chores.do, workers=1, budget=5.0) == 0.01


def test_a_job_that_wants_too_much_memory_fails_alone_and_its_worker_is_replaced():
    async def jobs(pool: ParsePool):  # type: ignore[no-untyped-def]
        first = await pool.run("pid")
        with pytest.raises(MemoryError):
            await pool.run("hog", 2_000_000_000)
        return first, await pool.run("hog", 10_000_000), await pool.run("pid")

    first, small, second = in_pool(jobs, function=chores.do, budget=10.0, memory_limit=800_000_000)
    assert small == 10_000_000 and first != second


@pytest.fixture(scope="module")
def server():
    with FeedServer() as running:
        yield running


def test_a_leader_feed_slow_to_parse_never_holds_up_the_operators_feeds(server: FeedServer):
    # The leader's feed is held in its parse far past its budget (by construction, on any machine); the sector
    # feeds arrive a little after it has started parsing: they must not wait for it.
    trusted = [FeedSource(server.url(f"late/rss2.xml?sector={n}"), f"Sector feed {n}") for n in range(8)]
    hostile = FeedSource(server.url("held"), "Leader's own feed", trusted=False)
    sources = [hostile, *trusted]  # the hostile one first, as if it had been queued ahead

    async def refresh(fetcher: FeedFetcher):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        states, reports = await fetcher.refresh(sources, {}, NOW)
        return states, reports, time.monotonic() - started

    async def main():  # type: ignore[no-untyped-def]
        fetcher = FeedFetcher(
            timeout=5.0,
            parse_timeout=BUDGET,
            allow_private=True,  # the publisher is on 127.0.0.1
            parsers=ParsePool(chores.parse_or_hold, workers=1, budget=BUDGET),
            parse=chores.parse_or_hold,
        )
        try:
            return await refresh(fetcher)
        finally:
            await fetcher.aclose()

    states, reports, seconds = asyncio.run(main())
    by_name = {report.name: report for report in reports}
    held = by_name[hostile.name]
    assert (held.status, held.error) == ("error", "parsing took too long")
    for source in trusted:
        assert (by_name[source.name].status, by_name[source.name].items) == ("ok", 3), source.name
        assert states[source.url].failures == 0
        # An order, not a duration: each sector feed was read before the held parse was given up.
        assert by_name[source.name].seconds < held.seconds, source.name
    assert states[hostile.url].failures == 1
    # Stopped at its budget, not waited for: the held parse would take HOLD_SECONDS (120 s); an idle machine
    # needs about BUDGET + 1 s for the whole refresh, and the bound is ten times that.
    assert seconds < 10 * (BUDGET + 1) < chores.HOLD_SECONDS


@pytest.mark.parametrize(
    "path, error",
    [("gzip-bomb", "too large"), ("brotli", "unsupported content encoding")],
)
def test_a_compressed_body_is_counted_once_decoded_and_an_odd_encoding_is_named(
    server: FeedServer, path: str, error: str
):
    source = FeedSource(server.url(path), "Compressed")

    async def fetch():  # type: ignore[no-untyped-def]
        fetcher = FeedFetcher(max_bytes=1_000_000)
        try:
            return await fetcher.fetch(source, FeedState(url=source.url), NOW)
        finally:
            await fetcher.aclose()

    state, report = asyncio.run(fetch())
    assert (report.status, report.error) == ("error", error)


@pytest.mark.parametrize("path", ["gzip/rss2.xml", "deflate/rss2.xml"])
def test_compressed_feeds_are_read(server: FeedServer, path: str):
    source = FeedSource(server.url(path), "Compressed")

    async def fetch():  # type: ignore[no-untyped-def]
        fetcher = FeedFetcher()
        try:
            return await fetcher.fetch(source, FeedState(url=source.url), NOW)
        finally:
            await fetcher.aclose()

    state, report = asyncio.run(fetch())
    assert (report.status, report.items) == ("ok", 3)
    assert server.requests_to(path)[-1].headers["accept-encoding"] == "gzip, deflate"
