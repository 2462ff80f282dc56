"""The first minutes, through the real Application and a local feed server: a leader who chooses a sector that
nobody had gets suggestions within a minute without asking; many leaders choosing it at once cause one read; a
feed added with /feeds add is read before it is accepted, and refused with its reason when it is no feed."""

from __future__ import annotations

import asyncio

from bot.adapters.storage import LeaderStore
from tests.support.feed_server import FeedServer
from tests.telegram_harness import Harness, run
from tests.test_suggestions import local_feeds


def texts(bot: Harness, chat_id: int) -> list[str]:
    return [m.text or "" for m in bot.api.messages(chat_id)]


def test_a_new_leader_gets_suggestions_without_asking_and_many_leaders_cause_one_read(tmp_path):
    async def scenario():
        with FeedServer() as server:
            async with Harness(tmp_path / "data", feeds_path=local_feeds(tmp_path, server), read_feeds=True) as bot:
                leaders = list(range(11, 16))
                await asyncio.gather(*(bot.onboard(leader) for leader in leaders))
                await asyncio.wait_for(bot.settle(), timeout=60)
                for leader in leaders:
                    said = texts(bot, leader)
                    assert "Your first suggestions" in said[-1], said[-1]
                    done = bot.message_with(leader, "go:suggest")  # the end of onboarding offers both
                    assert "all set" in done.text and bot.message_with(leader, "go:today") == done
                assert any("reading your sector's news" in t for leader in leaders for t in texts(bot, leader))
                assert len(server.requests_to("/feeds/rss2.xml")) == 1
                assert all(LeaderStore(tmp_path / "data").get(leader).offers for leader in leaders)
                # A leader who comes later finds the news read: no second read, no waiting line.
                await bot.onboard(20)
                await bot.settle()
                assert not any("reading your sector's news" in t for t in texts(bot, 20))
                assert "Your first suggestions" in texts(bot, 20)[-1]
                assert len(server.requests_to("/feeds/rss2.xml")) == 1

    run(scenario())


def test_a_feed_is_read_before_it_is_added(tmp_path):
    async def scenario():
        with FeedServer() as server:
            async with Harness(tmp_path / "data", feeds_path=local_feeds(tmp_path, server),
                               allow_private_feeds=True) as bot:
                await bot.onboard(30)
                cases = {
                    server.url("status/404"): "I did not add it: I could not reach it",
                    server.url("feeds/html-moved.xml"): "I did not add it: that address answers with a web page",
                    server.url("feeds/empty.xml"): "I did not add it: it is a feed, but it holds nothing",
                    server.url("feeds/rss2.xml"): "already among your sector's",
                }
                for url, answer in cases.items():
                    await bot.send(30, f"/feeds add {url}")
                    await bot.settle()
                    assert answer in bot.last(30).text, (url, bot.last(30).text)
                assert LeaderStore(tmp_path / "data").get(30).own_feeds == ()
                await bot.send(30, f"/feeds add {server.url('feeds/french.xml')}")
                assert any("Reading 127.0.0.1" in m.text for m in bot.api.messages(30))
                await bot.settle()
                assert bot.last(30).text.startswith("Added: L'Économie des dirigeants.")  # the feed's own title
                assert len(server.requests_to("/feeds/french.xml")) == 1  # read at once, not at the next refresh
                stored = LeaderStore(tmp_path / "data").get(30)
                assert [f.url for f in stored.own_feeds] == [server.url("feeds/french.xml")]
                assert bot.desk.state_of(server.url("feeds/french.xml")).items

    run(scenario())


def test_feeds_shows_how_recent_each_feeds_news_is(tmp_path):
    async def scenario():
        with FeedServer() as server:
            async with Harness(tmp_path / "data", feeds_path=local_feeds(tmp_path, server), read_feeds=True,
                               allow_private_feeds=True) as bot:
                await bot.onboard(40)
                await bot.settle()
                await bot.send(40, "/feeds")
                listing = bot.last(40).text
                assert "Example Business Daily (newest" in listing and " ago)" in listing
                bot.now = bot.now.replace(year=bot.now.year + 1)
                await bot.send(40, "/feeds")
                assert "Example Business Daily (nothing new for 1 year)" in bot.last(40).text

    run(scenario())


def test_a_leaders_own_feed_that_declares_no_language_gets_the_one_it_reads_in(tmp_path):
    async def scenario():
        with FeedServer() as server:
            async with Harness(tmp_path / "data", feeds_path=local_feeds(tmp_path, server),
                               allow_private_feeds=True) as bot:
                await bot.onboard(50)
                url = server.url("feeds/microblog.xml")
                await bot.send(50, f"/feeds add {url}")
                await bot.settle()
                items = bot.desk.state_of(url).items
                assert items and {item.language for item in items if len(item.summary) > 60} == {"en"}

    run(scenario())
