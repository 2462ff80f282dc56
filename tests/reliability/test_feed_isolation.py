"""Through the real Application: what /feeds add accepts is what the refresh reads, and a leader's hostile feed
never starves the operator's feeds.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from bot.adapters.storage import LeaderStore
from bot.app import build_application
from bot.settings import Settings
from tests.conftest import CONTENT_DIR
from tests.support import chores
from tests.support.fake_bot_api import RecordingRequest
from tests.support.feed_server import FeedServer
from tests.telegram_harness import Harness, run

LEADER = 654
BUDGET = 3.0  # seconds a parse may take here
SECTOR_FEEDS = 8


class PrivateFeedsHarness(Harness):
    """The harness with COACHBOT_ALLOW_PRIVATE_FEEDS on: the test publisher is on 127.0.0.1."""

    def __init__(self, data_dir: Path, *, feeds_path: Path, feed_workers: int, feed_timeout: float) -> None:
        super().__init__(data_dir, feeds_path=feeds_path)
        settings = Settings(token=self.api.token, data_dir=data_dir, feeds_path=feeds_path, content_dir=CONTENT_DIR,
                            allow_private_feeds=True)
        # Feeds are parsed by the real parser, except the feed served at /held, held far past any budget.
        self.app = build_application(settings, request=RecordingRequest(self.api), clock=lambda: self.now,
                                     overall_per_second=10_000, per_chat_per_second=10_000,
                                     feed_workers=feed_workers, feed_timeout=feed_timeout,
                                     feed_parse=chores.parse_or_hold)


def sector_file(tmp_path: Path, server: FeedServer) -> Path:
    feeds = [{"url": server.url(f"late/rss2.xml?sector={n}"), "name": f"Sector feed {n}", "lang": "en"}
             for n in range(SECTOR_FEEDS)]
    data = {"sectors": [{"id": "technology", "label": {"en": "Technology", "fr": "Technologie"},
                         "keywords": {"en": ["LinkedIn"], "fr": ["IA"]}, "feeds": feeds}]}
    path = tmp_path / "feeds.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_leader_feed_slow_to_parse_fails_alone_and_the_sector_feeds_are_all_read(tmp_path):
    async def scenario():
        with FeedServer() as server:
            async with PrivateFeedsHarness(tmp_path / "data", feeds_path=sector_file(tmp_path, server),
                                           feed_workers=1, feed_timeout=BUDGET) as bot:
                await bot.onboard(LEADER)
                bot.feeds_answer()  # kept without being read first: the refresh is what this test is about
                await bot.send(LEADER, f"/feeds add {server.url('held')}")
                await bot.settle()
                assert "Added" in bot.last(LEADER).text
                started = time.monotonic()
                reports = await bot.desk.refresh(bot.now)
                return reports, time.monotonic() - started

    reports, seconds = run(scenario())
    by_name = {r.name: r for r in reports}
    held = next(r for r in reports if not r.name.startswith("Sector"))
    assert (held.status, held.error) == ("error", "parsing took too long")
    assert [(by_name[f"Sector feed {n}"].status, by_name[f"Sector feed {n}"].error)
            for n in range(SECTOR_FEEDS)] == [("ok", None)] * SECTOR_FEEDS
    # An order, not a duration: every sector feed was read before the held parse was given up.
    assert all(r.seconds < held.seconds for r in reports if r.name.startswith("Sector"))
    # The held parse would take 120 s; an idle machine needs about BUDGET + 1 s, and the bound is ten times that.
    assert seconds < 10 * (BUDGET + 1) < chores.HOLD_SECONDS
    assert LeaderStore(tmp_path / "data").get(LEADER) is not None


@pytest.mark.parametrize("address", ["http://0x7f.1/", "http://127.1/", "http://0177.0.0.1/",
                                     "http://127.000.000.001/", "http://[::127.0.0.1]/",
                                     "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/"])
def test_feeds_add_refuses_every_spelling_of_loopback(tmp_path, address: str):
    async def scenario():
        async with Harness(tmp_path / "data") as bot:
            await bot.onboard(LEADER)
            await bot.send(LEADER, f"/feeds add {address}feed.xml")
            return bot.last(LEADER).text

    text = run(scenario())
    assert "private network" in text and "Added" not in text
    assert LeaderStore(tmp_path / "data").get(LEADER).own_feeds == ()


def test_the_refresh_reads_a_leader_feed_added_on_loopback_when_the_operator_allows_it(tmp_path):
    async def scenario():
        with FeedServer() as server:
            async with PrivateFeedsHarness(tmp_path / "data", feeds_path=sector_file(tmp_path, server),
                                           feed_workers=0, feed_timeout=5.0) as bot:
                await bot.onboard(LEADER)
                url = server.url("feeds/atom.xml?own").replace("127.0.0.1", "127.1")
                await bot.send(LEADER, f"/feeds add {url}")
                await bot.settle()  # read at once, before it is added
                assert "Added" in bot.last(LEADER).text
                return len(bot.desk.state_of(url).items)

    assert run(scenario()) == 2


