"""Benchmark of the feed reader: 1,000 feeds, some big and many small, from a local, slow publisher.

By default 100 feeds of 100 items (about 200 KB each) and 900 of 10 items (about 20 KB), each answer 100 ms
late. Prints the time of a cold refresh (everything downloaded and parsed), of a warm one (every feed answers
304), how many feeds failed and how many of those timed out while their parse was merely waiting for a worker
(must be 0: a parse's budget starts when a worker takes it), and how late the event loop wakes a task that
sleeps 10 ms in a loop during each. Parsing happens as the bot does it: a ParsePool of `--workers` killable
processes (2); `--executor` measures the former way instead (a ProcessPoolExecutor whose time-out also counts
the wait in its queue), `--threads` in threads. The publisher runs in a process of its own, so that its threads
do not compete with the event loop being measured. Run: .venv/bin/python bench/bench_feeds.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.adapters.feeds import FeedFetcher, FeedSource, FetchReport, parse_feed  # noqa: E402
from bot.adapters.parsing import ParsePool  # noqa: E402
from bot.app import FEED_CONCURRENCY  # noqa: E402
from bot.core.feedstate import FeedState  # noqa: E402
from tests.support.feed_server import FeedServer  # noqa: E402

FEEDS = 1000
BIG = 100
ITEMS = 100  # in a big feed
SMALL_ITEMS = 10
PARSE_BUDGET = 15.0  # as the bot: FEED_TIMEOUT
LATENCY = 0.1
TICK = 0.010
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
PARAGRAPH = (
    "<p>Leaders who post about their trade build trust with customers, candidates and investors. "
    "This article looks at <b>what works</b>, what does not, and how long it takes each week.</p>"
)
T = TypeVar("T")


def write_feed(path: Path, number: int, count: int) -> None:
    """One RSS 2.0 feed of `count` items of about 2 KB each."""
    items = []
    for n in range(count):
        published = NOW - timedelta(hours=n, minutes=number)
        items.append(
            f"<item><title>Feed {number} news {n}: what a chief executive should post this week</title>"
            f"<link>https://news{number}.example.com/articles/{n}?utm_source=rss</link>"
            f"<guid>https://news{number}.example.com/articles/{n}</guid>"
            f"<pubDate>{published.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate>"
            f"<description><![CDATA[{PARAGRAPH * 10}]]></description></item>\n"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Feed {number}</title><link>https://news{number}.example.com/</link><language>en</language>\n"
        + "".join(items)
        + "</channel></rss>\n",
        encoding="utf-8",
    )


async def measured(work: Callable[[], Awaitable[T]]) -> tuple[T, float, list[float]]:
    """Run `work`, returning its result, its duration and the event loop's lateness samples meanwhile."""
    loop = asyncio.get_running_loop()
    lags: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            before = loop.time()
            await asyncio.sleep(TICK)
            lags.append(loop.time() - before - TICK)

    prober = asyncio.create_task(probe())
    started = time.perf_counter()
    result = await work()
    elapsed = time.perf_counter() - started
    done.set()
    await prober
    return result, elapsed, lags


def describe(label: str, seconds: float, lags: list[float], reports: list[FetchReport]) -> str:
    cuts = statistics.quantiles(lags, n=100)
    counts = Counter(report.status for report in reports)
    items = sum(report.items for report in reports)
    errors = Counter(report.error for report in reports if report.error)
    # Every feed here parses in well under a second: any time-out is one spent waiting, not parsing.
    waited_out = sum(n for error, n in errors.items() if error in ("timeout", "parsing took too long"))
    return (
        f"{label}: {seconds:.2f} s for {len(reports)} feeds ({dict(counts)}, {items} items); "
        f"timed out for waiting: {waited_out}{f' {dict(errors)}' if errors else ''}; "
        f"event-loop lag p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms, "
        f"max {max(lags) * 1000:.1f} ms ({len(lags)} samples)"
    )


def serve(folder: Path, connection: Connection) -> None:
    """Run the publisher in its own process, so that its threads do not compete with the event loop."""
    with FeedServer(folder, latency=LATENCY) as server:
        connection.send(server.url("feeds/"))
        connection.recv()


async def run(base: str, feeds: int, make_fetcher: Callable[[], FeedFetcher]) -> None:
    sources = [FeedSource(f"{base}feed{n:04}.xml", f"Feed {n}", "en") for n in range(feeds)]
    fetcher = make_fetcher()
    try:
        states: dict[str, FeedState] = {}
        (states, cold), seconds, lags = await measured(lambda: fetcher.refresh(sources, states, NOW))
        print(describe("cold refresh", seconds, lags, cold), flush=True)
        later = NOW + timedelta(hours=1)
        (states, warm), seconds, lags = await measured(lambda: fetcher.refresh(sources, states, later))
        print(describe("warm refresh", seconds, lags, warm), flush=True)
    finally:
        await fetcher.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    way = parser.add_mutually_exclusive_group()
    way.add_argument("--threads", action="store_true", help="parse in threads")
    way.add_argument("--executor", action="store_true", help="parse in a ProcessPoolExecutor (the former way)")
    parser.add_argument("--workers", type=int, default=2, help="parsing processes (2)")
    parser.add_argument("--feeds", type=int, default=FEEDS)
    parser.add_argument("--big", type=int, default=BIG, help="how many of the feeds are big")
    parser.add_argument("--budget", type=float, default=PARSE_BUDGET, help="parse (and download) time-out")
    parser.add_argument("--quick", action="store_true", help="200 feeds, 20 of them big")
    parser.add_argument("--smoke", action="store_true", help="10 feeds, 2 of them big, to see that it runs")
    options = parser.parse_args()
    feeds, big = (200, 20) if options.quick else (10, 2) if options.smoke else (options.feeds, options.big)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for number in range(feeds):
            write_feed(folder / f"feed{number:04}.xml", number, ITEMS if number % (feeds // big) == 0 else SMALL_ITEMS)
        sizes = sorted(path.stat().st_size for path in folder.iterdir())
        way = "threads" if options.threads else "ProcessPoolExecutor" if options.executor else "ParsePool"
        print(
            f"{feeds} feeds ({big} of {ITEMS} items, ~{sizes[-1] / 1000:.0f} KB; the others of {SMALL_ITEMS}, "
            f"~{sizes[0] / 1000:.0f} KB), {LATENCY * 1000:.0f} ms of added latency, parsing in {way}"
            f"({options.workers if not options.threads else ''}), budget {options.budget:g} s, "
            f"{FEED_CONCURRENCY} downloads at once",
            flush=True,
        )
        ours, theirs = multiprocessing.Pipe()
        publisher = multiprocessing.Process(target=serve, args=(folder, theirs), daemon=True)
        publisher.start()
        try:
            base = ours.recv()
            common = {"concurrency": FEED_CONCURRENCY, "timeout": options.budget}  # as the bot builds it
            if options.threads:
                asyncio.run(run(base, feeds, lambda: FeedFetcher(**common)))  # type: ignore[arg-type]
            elif options.executor:
                with concurrent.futures.ProcessPoolExecutor(max_workers=options.workers) as pool:
                    list(pool.map(abs, range(options.workers)))  # start the workers before measuring
                    asyncio.run(run(base, feeds, lambda: FeedFetcher(executor=pool, **common)))  # type: ignore[arg-type]
            else:
                asyncio.run(started_then_run(base, feeds, options.workers, common))
        finally:
            ours.send("stop")
            publisher.join(timeout=10)


async def started_then_run(base: str, feeds: int, workers: int, common: dict[str, float]) -> None:
    pool = ParsePool(parse_feed, workers=workers, budget=common["timeout"])
    await asyncio.gather(*(pool.run(b"", FeedSource("x", "warm-up"), NOW) for _ in range(workers)),
                         return_exceptions=True)  # start the workers before measuring
    await run(base, feeds, lambda: FeedFetcher(parsers=pool, **common))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
