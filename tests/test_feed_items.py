"""Items as the real web writes them: undated ones dated when first seen (kept across restarts), untitled ones
titled from their summary, FeedBurner and tracking links cleaned, and how old a feed's news is."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.feeds import MADE_TITLE_LIMIT, FeedError, FeedSource, parse_feed
from bot.core.feedstate import (
    Age,
    FeedState,
    after_not_modified,
    after_success,
    age,
    describe_age,
    likely_cause,
    newest_age,
    state_from_dict,
    state_to_dict,
)
from bot.core.news import ELLIPSIS, Item
from tests.conftest import utc
from tests.support.feed_server import DATA_DIR

T0 = utc(2026, 11, 20, 8, 0)
SOURCE = FeedSource("https://wire.example.org/rss.rdf", "Example Industry Wire")


def rss(*items: str) -> bytes:
    return f'<rss version="2.0"><channel><title>T</title>{"".join(items)}</channel></rss>'.encode()


def read(state: FeedState, content: bytes, now) -> FeedState:
    """One read of the feed, as the fetcher does it: parse, then keep the state."""
    return after_success(state, now, items=parse_feed(content, SOURCE, now), etag=None, last_modified=None,
                         status=200)


# Items without a usable date


def test_undated_items_keep_the_time_they_were_first_seen_across_reads_and_restarts():
    first = (DATA_DIR / "rss090.xml").read_bytes()
    state = read(FeedState(url=SOURCE.url), first, T0)
    assert {item.published for item in state.items} == {T0} and all(item.undated for item in state.items)

    # The process restarts: the state comes back from storage, then the feed is read again hours later,
    # with one more item at its top.
    stored = json.loads(json.dumps(state_to_dict(state)))
    restarted = state_from_dict(stored)
    assert restarted == state
    later = T0 + timedelta(hours=5)
    newer = first.replace(b"<item>", b"<item><title>Fresh order</title><link>http://wire.example.org/news/fresh"
                                     b"</link></item><item>", 1)
    again = read(restarted, newer, later)
    published = {item.link: item.published for item in again.items}
    assert published["http://wire.example.org/news/fresh"] == later
    assert published["http://wire.example.org/news/robot-cell-lyon"] == T0
    assert published["http://wire.example.org/news/energy-costs"] == T0
    assert after_not_modified(again, later + timedelta(hours=1)).items == again.items


def test_a_dated_item_keeps_the_date_the_feed_gives_it():
    dated = "<item><title>A</title><link>https://x.example/a</link><pubDate>{}</pubDate></item>"
    state = read(FeedState(url=SOURCE.url), rss(dated.format("Fri, 20 Nov 2026 07:00:00 GMT")), T0)
    moved = read(state, rss(dated.format("Fri, 20 Nov 2026 07:30:00 GMT")), T0 + timedelta(hours=2))
    assert [item.published for item in moved.items] == [utc(2026, 11, 20, 7, 30)]
    assert not moved.items[0].undated


@pytest.mark.parametrize("date", ["", "yesterday", "Thu, 01 Jan 1970 00:00:00 GMT", "0000-00-00"])
def test_a_missing_or_meaningless_date_counts_as_first_seen(date: str):
    item = f"<item><title>A</title><link>https://x.example/a</link><pubDate>{date}</pubDate></item>"
    (parsed,) = parse_feed(rss(item), SOURCE, T0)
    assert parsed.published == T0 and parsed.undated


def test_a_state_stored_by_the_previous_release_still_loads():
    old = {"format": 1, "url": "https://x.example/feed", "items": [
        {"title": "Old", "link": "https://x.example/1", "source": "X", "summary": "", "published": None,
         "language": "en", "feed_url": "https://x.example/feed"}]}
    state = state_from_dict(old)
    assert state.items == (Item("Old", "https://x.example/1", "X", "", None, "en", "https://x.example/feed"),)
    assert not state.items[0].undated


# Items without a title


def test_an_item_without_a_title_is_titled_by_the_start_of_its_summary_cut_on_a_word():
    long = "word " * 60
    items = parse_feed(rss(
        f"<item><link>https://x.example/1</link><description>&lt;p&gt;{long}&lt;/p&gt;</description></item>",
        "<item><title></title><link>https://x.example/2</link><description>Short post.</description></item>",
        "<item><link>https://x.example/3</link></item>",  # nothing to say: left out
    ), SOURCE, T0)
    assert [item.link for item in items] == ["https://x.example/1", "https://x.example/2"]
    made = items[0].title
    assert len(made) <= MADE_TITLE_LIMIT and made.endswith(ELLIPSIS) and made[:-1].split() == ["word"] * 18
    assert items[1].title == "Short post."


def test_an_atom_entry_with_only_content_is_titled_from_it():
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>1</id>'
            b'<link href="https://x.example/1"/><content type="html">&lt;p&gt;Hello from the content&lt;/p&gt;'
            b'</content></entry></feed>')
    (item,) = parse_feed(atom, SOURCE, T0)
    assert (item.title, item.summary) == ("Hello from the content", "Hello from the content")


# Links


def test_feedburner_links_give_way_to_the_publisher_address_without_tracking():
    items = parse_feed((DATA_DIR / "feedburner.xml").read_bytes(), SOURCE, T0)
    assert [item.link for item in items] == [
        "https://retail.example.com/2026/11/checkout-assistant/",
        "https://retail.example.com/2026/11/loyalty-apps/",
        "https://retail.example.com/2026/11/black-friday-warehouse/?page=2",
    ]


def test_an_unsafe_origlink_is_ignored():
    item = ('<item xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><title>A</title>'
            "<link>https://x.example/a</link><feedburner:origLink>javascript:alert(1)</feedburner:origLink></item>")
    content = rss(item).replace(b"<rss ", b'<rss xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0" ')
    assert [i.link for i in parse_feed(content, SOURCE, T0)] == ["https://x.example/a"]


def test_relative_links_are_resolved_against_the_address_that_answered():
    content = rss("<item><title>A</title><link>/a/1</link></item>", "<item><title>B</title><link>b</link></item>")
    moved = parse_feed(content, SOURCE, T0, base_url="https://new.example.net:8443/feeds/main.xml?token=x")
    assert [item.link for item in moved] == ["https://new.example.net:8443/a/1", "https://new.example.net:8443/feeds/b"]
    assert {item.feed_url for item in moved} == {SOURCE.url}  # the feed keeps its configured address
    assert [item.link for item in parse_feed(content, SOURCE, T0)][0] == "https://wire.example.org/a/1"


# Documents that are not feeds


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty document"),
        (b"  \r\n\t ", "empty document"),
        (b"<html><head><title>Document Moved</title></head><body>Object moved</body></html>", "not a feed: a web page"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x">\n<html><body/></html>',
         "not a feed: a web page"),
        (b'{"items": []}', "not a feed"),
        (b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', "no items"),
        (rss("<item><title>No link</title></item>"), "no usable items (each lacks a link or a text)"),
    ],
)
def test_a_document_that_gives_no_items_says_why(content: bytes, reason: str):
    with pytest.raises(FeedError) as raised:
        parse_feed(content, SOURCE, T0)
    assert raised.value.message == reason


# How old a feed's news is


@pytest.mark.parametrize(
    ("elapsed", "expected", "words"),
    [
        (timedelta(seconds=20), Age(0, "minute", False), "newest item just now"),
        (timedelta(minutes=1), Age(1, "minute", False), "newest item 1 minute ago"),
        (timedelta(minutes=59), Age(59, "minute", False), "newest item 59 minutes ago"),
        (timedelta(minutes=90), Age(1, "hour", False), "newest item 1 hour ago"),
        (timedelta(hours=36), Age(36, "hour", False), "newest item 36 hours ago"),
        (timedelta(days=3, hours=5), Age(3, "day", False), "newest item 3 days ago"),
        (timedelta(days=20), Age(2, "week", False), "newest item 2 weeks ago"),
        (timedelta(days=30), Age(4, "week", True), "nothing for 4 weeks"),
        (timedelta(days=215), Age(7, "month", True), "nothing for 7 months"),
        (timedelta(days=800), Age(2, "year", True), "nothing for 2 years"),
        (timedelta(hours=-3), Age(0, "minute", False), "newest item just now"),  # a clock ahead
    ],
)
def test_the_age_of_the_newest_item_reads_naturally(elapsed, expected, words):
    assert age(T0 - elapsed, T0) == expected
    assert describe_age(expected) == words


def test_a_feed_newest_age_comes_from_its_most_recent_item():
    items = tuple(Item(f"N{n}", f"https://x.example/{n}", "X", published=T0 - timedelta(days=n)) for n in (9, 3, 5))
    state = FeedState(url="u", items=(*items, Item("Undated", "https://x.example/u", "X")))
    assert newest_age(state, T0) == Age(3, "day", False)
    assert newest_age(FeedState(url="u"), T0) is None
    assert describe_age(None) == "no items"


# When every feed fails


@pytest.mark.parametrize(
    ("errors", "proxy", "names_resolve", "words"),
    [
        (["network error (ConnectError)"] * 2, None, False, "host names do not resolve"),
        (["network error (ConnectError)", "timeout"], None, True, "no network connection"),
        (["timeout", "timeout"], None, True, "nothing answers in time"),
        (["network error (ProxyError)", "timeout"], "HTTPS_PROXY", True, "the proxy set in HTTPS_PROXY"),
        (["HTTP 403", "HTTP 429"], None, True, "every site refused the request"),
        (["HTTP 403", "not a feed"], None, None, "unclear"),
        ([], None, None, "unclear"),
    ],
)
def test_the_likely_cause_of_every_feed_failing(errors, proxy, names_resolve, words):
    cause = likely_cause(errors, proxy=proxy, names_resolve=names_resolve)
    assert cause.startswith("likely cause: ") and words in cause and "\n" not in cause


def test_items_sharing_one_link_are_told_apart_by_their_title():
    def page(*titles: str) -> bytes:
        return rss(*(f"<item><title>{t}</title><link>https://x.example/news</link></item>" for t in titles))

    state = read(FeedState(url=SOURCE.url), page("Opening", "Hiring"), T0)
    later = T0 + timedelta(hours=6)
    again = read(state, page("Results", "Opening", "Hiring"), later)
    assert [(item.title, item.published) for item in again.items] == [
        ("Results", later), ("Opening", T0), ("Hiring", T0)]
    # When the page is down to one item again, it keeps the time it was first seen.
    alone = read(again, page("Results"), later + timedelta(hours=1))
    assert [item.published for item in alone.items] == [later]


def test_a_new_item_on_a_page_that_had_one_is_new():
    def page(*titles: str) -> bytes:
        return rss(*(f"<item><title>{t}</title><link>https://x.example/news</link></item>" for t in titles))

    state = read(FeedState(url=SOURCE.url), page("Opening"), T0)
    later = T0 + timedelta(hours=6)
    again = read(state, page("Results", "Opening"), later)
    assert [(item.title, item.published) for item in again.items] == [("Results", later), ("Opening", T0)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sets(st.sampled_from("abcdef"), min_size=1), min_size=1, max_size=6))
def test_an_undated_item_is_dated_by_the_start_of_its_current_stay_in_the_feed(reads: list[set[str]]):
    state, since = FeedState(url=SOURCE.url), {}
    for hour, present in enumerate(reads):
        now = T0 + timedelta(hours=hour)
        since = {name: since.get(name, now) for name in present}  # an item that left and came back is new
        content = rss(*(f"<item><title>{n}</title><link>https://x.example/{n}</link></item>" for n in sorted(present)))
        state = read(state, content, now)
        assert {item.title: item.published for item in state.items} == since
