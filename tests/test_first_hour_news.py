"""A newcomer's first news through the real Application, the fake Bot API and a loopback publisher: feeds
named by their own title, ages told by one rule in suggestions and in /feeds, "Not relevant" taken back, and an
empty /suggest that says why (not read yet, everything shown)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.adapters.storage import LeaderStore
from tests.support.feed_server import FeedServer
from tests.support.local_feeds import rss, sectors_file
from tests.telegram_harness import Harness, run

UID = 603


def data_of(message) -> list[str]:
    return [b.get("callback_data") or "" for row in (message.reply_markup or {}).get("inline_keyboard", [])
            for b in row]


@pytest.fixture
def publisher(tmp_path):
    """The technology sector's first feed (its operator's name: Le Monde Pixels) holds three articles 40 minutes
    to 5 hours old at the harness's clock; /feeds/walk.xml is "Walk Industry News", a feed a leader may add."""
    from tests.conftest import utc

    now = utc(2026, 11, 23, 6, 0)
    root = tmp_path / "site"
    root.mkdir()
    (root / "sector.xml").write_text(rss("Sector news", [("Robots in the warehouse", timedelta(minutes=40)),
                                                         ("Cloud bills fall", timedelta(hours=3)),
                                                         ("AI in the boardroom", timedelta(hours=5))],
                                           site="https://sector.example", now=now))
    walk = [("AI on the walk to work", timedelta(hours=2))]
    (root / "walk.xml").write_text(rss("Walk Industry News - RSS Feed", walk, site="https://walk.example", now=now))
    with FeedServer(root) as server:
        feeds = sectors_file(tmp_path / "feeds.yaml", lambda sector, n: server.url(
            "/feeds/sector.xml" if (sector, n) == ("technology", 0) else f"/status/404?{sector}-{n}"))
        yield server, feeds


def test_feeds_are_named_by_their_title_and_ages_follow_one_rule(tmp_path, publisher):
    server, feeds = publisher

    async def scenario():
        async with Harness(tmp_path / "data", feeds_path=feeds, read_feeds=True, allow_private_feeds=True) as bot:
            await bot.onboard(UID)
            await bot.settle()
            first = bot.last(UID)
            assert "Your first suggestions" in first.text
            assert "Le Monde Pixels · 40 minutes ago" in first.text  # not "just now"
            await bot.send(UID, "/feeds")
            assert "Le Monde Pixels (newest 40 minutes ago)" in bot.last(UID).text
            await bot.send(UID, "/feeds add " + server.url("/feeds/walk.xml"))
            await bot.settle()
            assert "Added: Walk Industry News." in bot.last(UID).text
            await bot.send(UID, "/feeds")
            assert "1. Walk Industry News — http://127.0.0.1" in bot.last(UID).text
            assert [f.name for f in LeaderStore(tmp_path / "data").get(UID).own_feeds] == ["Walk Industry News"]
            await bot.send(UID, "/suggest")
            suggested = bot.last(UID).text
            assert "AI on the walk to work" in suggested and "Walk Industry News · 2 hours ago" in suggested

    run(scenario())


def test_not_relevant_is_taken_back_and_an_exhausted_suggest_says_so(tmp_path, publisher):
    _, feeds = publisher

    async def scenario():
        async with Harness(tmp_path / "data", feeds_path=feeds, read_feeds=True) as bot:
            await bot.onboard(UID)
            await bot.settle()
            before = LeaderStore(tmp_path / "data").get(UID).taste
            irrelevant = bot.button(UID, "sn:")
            ref = irrelevant.partition(":")[2]
            await bot.press(UID, irrelevant)
            message = bot.message_with(UID, "su:" + ref)
            assert "fewer like this" in message.text and "sn:" + ref not in data_of(message)
            assert LeaderStore(tmp_path / "data").get(UID).taste != before
            await bot.press(UID, "su:" + ref)
            again = bot.message_with(UID, "sn:" + ref)  # the same message, its buttons back
            assert again.message_id == message.message_id and "fewer like this" not in again.text
            taste = LeaderStore(tmp_path / "data").get(UID).taste  # stored: it holds across a restart
            assert (taste.sources, taste.topics) == (before.sources, before.topics)  # exactly as before
            await bot.send(UID, "/suggest")  # the three articles were all shown
            assert "You have seen every recent article of your feeds" in bot.last(UID).text

    run(scenario())


def test_posts_worth_sharing_before_any_news_is_read_says_so(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:  # no feed is ever read here
            await bot.onboard(UID)
            await bot.press(UID, "go:suggest")
            assert "your sector's feeds have not been read yet" in bot.last(UID).text

    run(scenario())
