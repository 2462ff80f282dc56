"""The shipped feeds.yaml: at least eight sectors, each with French and English feeds, labels and keywords."""

from __future__ import annotations

from bot.adapters.content_files import read_sectors
from bot.core.feedurl import feed_url_problem
from tests.conftest import FEEDS


def test_the_shipped_sectors_have_feeds_in_both_languages():
    sectors = read_sectors(FEEDS)
    assert len(sectors) >= 8
    assert len({s.id for s in sectors}) == len(sectors)
    for sector in sectors:
        assert sector.labels.get("en") and sector.labels.get("fr")
        assert sector.keywords.get("en") and sector.keywords.get("fr")
        languages = [feed.language for feed in sector.feeds]
        assert languages.count("fr") >= 2 and languages.count("en") >= 2, sector.id
        for feed in sector.feeds:
            assert feed.name and feed_url_problem(feed.url) is None, feed.url
