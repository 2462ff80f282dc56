"""What a feed is called (its title cleaned, else its site's name, else its host), the publisher's address kept
from an illegally nested FeedBurner feed, and the learned weights a "Not relevant" changed put back by its Undo."""

from __future__ import annotations

import pytest

from bot.adapters.feeds import FeedSource, feed_name, read_feed
from tests.conftest import utc
from tests.support.feed_server import DATA_DIR


@pytest.mark.parametrize(("feed", "name"), [
    ({"title": "Walk Industry News", "link": "https://walk.example/"}, "Walk Industry News"),
    ({"title": "Walk Industry News - RSS Feed"}, "Walk Industry News"),
    ({"title": "Le Monde.fr – Flux RSS"}, "Le Monde.fr"),
    ({"title": "  <b>Pixels</b> &amp; co  "}, "Pixels & co"),
    ({"title": "RSS", "link": "https://www.walk.example/news"}, "walk.example"),
    ({"title": "", "link": ""}, "127.0.0.1"),
    ({}, "127.0.0.1"),
])
def test_a_feed_is_named_by_its_title_then_its_site_then_its_host(feed, name):
    assert feed_name(feed, "http://127.0.0.1:8080/feed.xml") == name


def test_a_feed_being_added_gives_its_items_its_own_name_and_the_publisher_links_survive_bad_nesting():
    path = DATA_DIR / "illegally-nested.xml"
    parsed = read_feed(path.read_bytes(), FeedSource("http://127.0.0.1/feed", "127.0.0.1", trusted=False, named=False),
                       utc(2026, 11, 23, 6, 0))
    assert parsed.name == "Example Logistics Weekly"
    assert {item.source for item in parsed.items} == {"Example Logistics Weekly"}
    assert [item.link for item in parsed.items] == ["https://logistics.example.net/2026/11/night-trains/",
                                                    "https://logistics.example.net/2026/11/port-robots/",
                                                    "https://logistics.example.net/2026/11/no-forklift/"]


def test_undo_puts_back_weights_a_not_relevant_could_not_lower_any_further(coach):
    from dataclasses import replace

    from bot.core.events import Press
    from bot.core.scoring import WEIGHT_BOUND
    from tests.test_suggestions import NEWS, NOW, WHO, onboarded

    leader = onboarded(coach)
    shown = coach.handle(leader, WHO, Press("go:suggest"), NOW, NEWS).leader
    offer = shown.offers[-1]
    floor = replace(shown.taste, sources={offer.source: -WEIGHT_BOUND}, topics={"cloud": 0.5})
    leader = shown.with_(taste=floor)
    lowered = coach.handle(leader, WHO, Press(f"sn:{offer.ref}"), NOW, NEWS).leader
    assert lowered.taste != floor
    undone = coach.handle(lowered, WHO, Press(f"su:{offer.ref}"), NOW, NEWS).leader
    assert (undone.taste.sources, undone.taste.topics) == (floor.sources, floor.topics)
