"""Benchmark of the feed reader: 200 feeds of 100 items (about 200 KB each) from a local, slow publisher.

Prints the time of a cold refresh (everything downloaded and parsed), of a warm one (every feed answers 304)
and how late the event loop wakes a task that sleeps 10 ms in a loop during each, with parsing in a
ProcessPoolExecutor(2) (or, with `--threads`, in threads). The publisher runs in a process of its own, so
that its threads do not compete with the event loop being measured. Run: .venv/bin/python bench/bench_feeds.py
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

from bot.adapters.feeds import FeedFetcher, FeedSource, FetchReport  # noqa: E402
from bot.app import FEED_CONCURRENCY  # noqa: E402
from bot.core.feedstate import FeedState  # noqa: E402
from tests.support.feed_server import FeedServer  # noqa: E402

FEEDS = 200
ITEMS = 100
LATENCY = 0.1
TICK = 0.010
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
PARAGRAPH = (
    "<p>Leaders who post about their trade build trust with customers, candidates and investors. "
    "This article looks at <b>what works</b>, what does not, and how long it takes each week.</p>"
)
T = TypeVar("T")


def write_feed(path: Path, number: int) -> None:
    """One RSS 2.0 feed of ITEMS items of about 2 KB each."""
    items = []
    for n in range(ITEMS):
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
    return (
        f"{label}: {seconds:.2f} s for {len(reports)} feeds ({dict(counts)}, {items} items); "
        f"event-loop lag p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms, "
        f"max {max(lags) * 1000:.1f} ms ({len(lags)} samples)"
    )


def serve(folder: Path, connection: Connection) -> None:
    """Run the publisher in its own process, so that its threads do not compete with the event loop."""
    with FeedServer(folder, latency=LATENCY) as server:
        connection.send(server.url("feeds/"))
        connection.recv()


async def run(base: str, executor: concurrent.futures.Executor | None) -> None:
    sources = [FeedSource(f"{base}feed{n:03}.xml", f"Feed {n}", "en") for n in range(FEEDS)]
    fetcher = FeedFetcher(executor=executor, concurrency=FEED_CONCURRENCY)  # as the bot builds it
    try:
        states: dict[str, FeedState] = {}
        (states, cold), seconds, lags = await measured(lambda: fetcher.refresh(sources, states, NOW))
        print(describe("cold refresh", seconds, lags, cold))
        later = NOW + timedelta(hours=1)
        (states, warm), seconds, lags = await measured(lambda: fetcher.refresh(sources, states, later))
        print(describe("warm refresh", seconds, lags, warm))
    finally:
        await fetcher.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", action="store_true", help="parse in threads instead of two processes")
    threads = parser.parse_args().threads
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for number in range(FEEDS):
            write_feed(folder / f"feed{number:03}.xml", number)
        sizes = [path.stat().st_size for path in folder.iterdir()]
        print(
            f"{FEEDS} feeds of {ITEMS} items, {statistics.mean(sizes) / 1000:.0f} KB each on average, "
            f"{LATENCY * 1000:.0f} ms of added latency, parsing in "
            + ("threads" if threads else "ProcessPoolExecutor(2)")
        )
        ours, theirs = multiprocessing.Pipe()
        publisher = multiprocessing.Process(target=serve, args=(folder, theirs), daemon=True)
        publisher.start()
        try:
            base = ours.recv()
            if threads:
                asyncio.run(run(base, None))
            else:
                with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
                    list(pool.map(abs, range(2)))  # start the workers before measuring
                    asyncio.run(run(base, pool))
        finally:
            ours.send("stop")
            publisher.join(timeout=10)


if __name__ == "__main__":
    main()
