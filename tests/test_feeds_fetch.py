"""Reading news feeds: golden files for parsing, a local publisher for fetching, fixed times for retries."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import pickle
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.feeds import (
    FeedError,
    FeedFetcher,
    FeedSource,
    FetchReport,
    parse_feed,
)
from bot.core.feedstate import (
    MAX_FAILURES,
    FeedState,
    after_failure,
    after_not_modified,
    after_success,
    is_due,
    state_from_dict,
    state_to_dict,
)
from bot.core.feedurl import feed_url_problem
from bot.core.news import SUMMARY_LIMIT, TITLE_LIMIT, Item, without_tracking
from tests.conftest import utc
from tests.support.feed_server import DATA_DIR, FeedServer

NOW = utc(2026, 11, 23, 6, 0)
PUBLIC_IP = "93.184.216.34"  # only ever answered by an in-memory transport in these tests
GOLDEN = sorted(DATA_DIR.glob("*.xml"))


# Parsing: golden files


def expected_of(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def source_of(expected: dict) -> FeedSource:
    return FeedSource(**expected["source"])


def test_every_golden_feed_has_its_expected_file_and_the_data_stays_small():
    assert {p.stem for p in GOLDEN} >= {"rss2", "atom", "french", "hostile", "malformed", "bomb", "quadratic",
                                        "rss090", "portuguese", "italian", "microblog", "feedburner", "relative",
                                        "escaped-code", "atom-blog", "html-moved", "empty", "noitems"}
    assert all(p.with_suffix(".expected.json").is_file() for p in GOLDEN)
    assert sum(p.stat().st_size for p in DATA_DIR.iterdir()) < 200_000


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_parse_feed_gives_the_expected_items(path: Path):
    expected = expected_of(path)
    source = source_of(expected)
    base_url = expected.get("base_url")
    if expected["error"] is not None:
        with pytest.raises(FeedError) as raised:
            parse_feed(path.read_bytes(), source, NOW, base_url=base_url)
        assert raised.value.message == expected["error"]
        return
    items = parse_feed(path.read_bytes(), source, NOW, base_url=base_url)
    assert [item.link for item in items] == [e["link"] for e in expected["items"]]
    for item, wanted in zip(items, expected["items"], strict=True):
        assert item.title == wanted["title"]
        assert item.source == wanted["source"] == source.name
        assert item.summary.startswith(wanted["summary"])
        assert item.published == (None if wanted["published"] is None else datetime_of(wanted["published"]))
        assert item.undated == wanted.get("undated", False)
        assert item.language == wanted["language"]
        assert item.feed_url == source.url


@pytest.mark.parametrize("path", [p for p in GOLDEN if expected_of(p)["error"] is None], ids=lambda p: p.stem)
def test_every_golden_item_is_dated_titled_and_links_to_the_publisher_without_tracking(path: Path):
    expected = expected_of(path)
    items = parse_feed(path.read_bytes(), source_of(expected), NOW, base_url=expected.get("base_url"))
    assert items
    for item in items:
        assert item.title and item.published is not None and item.published <= NOW
        parts = urlsplit(item.link)
        assert parts.scheme in ("http", "https") and parts.hostname
        assert parts.hostname not in ("feedproxy.google.com", "feeds.feedburner.com")
        names = [name.lower() for name, _ in parse_qsl(parts.query) + parse_qsl(parts.fragment)]
        assert not [name for name in names if name.startswith("utm_") or name in ("fbclid", "gclid", "xtor")]


def datetime_of(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() == timedelta(0)
    return moment


def test_hostile_items_are_cleaned_bounded_and_safe():
    expected = expected_of(DATA_DIR / "hostile.xml")
    items = parse_feed((DATA_DIR / "hostile.xml").read_bytes(), source_of(expected), NOW)
    assert items
    for item in items:
        assert "<" not in item.title and "script" not in item.title.lower()
        assert "steal" not in item.summary and "color: red" not in item.summary
        assert len(item.title) <= TITLE_LIMIT and len(item.summary) <= SUMMARY_LIMIT
        assert item.link.startswith("https://")
        assert item.published is None or item.published <= NOW


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-7"])
def test_entity_declarations_are_refused_whatever_the_encoding(encoding: str):
    text = (DATA_DIR / "quadratic.xml").read_text(encoding="utf-8")
    text = text.replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{encoding}"?>')
    with pytest.raises(FeedError, match="entity"):
        parse_feed(text.encode(encoding), FeedSource("https://bomb.example.com/feed", "Bomb"), NOW)


@pytest.mark.parametrize("body", [str(DATA_DIR / "rss2.xml").encode(), b"/dev/zero", b"file:///etc/hostname"])
def test_a_body_naming_a_local_file_or_address_is_read_as_text_not_opened(body: bytes):
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(body, FeedSource("https://x.example/feed", "Path"), NOW)


def test_a_web_page_is_not_a_feed():
    page = b"<!doctype html><html><head><title>Home</title></head><body><p>Hello</p></body></html>"
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(page, FeedSource("https://www.example.com/", "Home page"), NOW)


def test_relative_links_never_carry_the_feed_address_credentials_or_query():
    entries = "".join(
        f"<item><title>N</title><link>{link}</link></item>" for link in ("/a/1", "b/2", "?page=3")
    )
    content = f'<rss version="2.0"><channel><title>Private</title>{entries}</channel></rss>'.encode()
    source = FeedSource("https://alice:pa55@news.example.com/feeds/main.xml?token=s3cr3t", "Private")
    links = [item.link for item in parse_feed(content, source, NOW)]
    assert links == [
        "https://news.example.com/a/1",
        "https://news.example.com/feeds/b/2",
        "https://news.example.com/feeds/main.xml?page=3",
    ]


def test_at_most_200_items_are_kept_per_feed():
    entries = "".join(
        f"<item><title>News {n}</title><link>https://x.example/{n}</link></item>" for n in range(250)
    )
    content = f'<rss version="2.0"><channel><title>Many</title>{entries}</channel></rss>'.encode()
    items = parse_feed(content, FeedSource("https://x.example/feed", "Many"), NOW)
    assert len(items) == 200
    assert items[0].title == "News 0" and items[-1].title == "News 199"


def test_the_source_language_wins_over_the_declared_one():
    source = FeedSource("https://news.example.com/feeds/rss2.xml", "Example", language="fr")
    items = parse_feed((DATA_DIR / "rss2.xml").read_bytes(), source, NOW)
    assert {item.language for item in items} == {"fr"}


def test_parse_feed_and_its_results_cross_process_boundaries():
    source = FeedSource("https://news.example.com/feeds/rss2.xml", "Example")
    items = parse_feed((DATA_DIR / "rss2.xml").read_bytes(), source, NOW)
    assert pickle.loads(pickle.dumps((parse_feed, source, items))) == (parse_feed, source, items)
    error = pickle.loads(pickle.dumps(FeedError("HTTP 500", 500)))
    assert (error.message, error.status) == ("HTTP 500", 500)


ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=60, deadline=None)
@given(title=ANY_TEXT, link=ANY_TEXT, summary=ANY_TEXT)
def test_whatever_the_fields_hold_items_stay_bounded_and_linkable(title: str, link: str, summary: str):
    def cdata(text: str) -> str:
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    content = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title><item>'
        f"<title>{cdata(title)}</title><link>{cdata(link)}</link><description>{cdata(summary)}</description>"
        "</item></channel></rss>"
    ).encode("utf-8", "surrogatepass")
    try:
        items = parse_feed(content, FeedSource("https://x.example/feed", "Fuzz"), NOW)
    except FeedError:
        return
    for item in items:
        assert 0 < len(item.title) <= TITLE_LIMIT and len(item.summary) <= SUMMARY_LIMIT
        assert item.link.startswith(("http://", "https://"))
        assert without_tracking(item.link) == item.link and item.published is not None


# Addresses a leader may add


@pytest.mark.parametrize(
    "url, problem",
    [
        (f"https://{PUBLIC_IP}/feed.xml", None),
        (f"http://{PUBLIC_IP}:8080/rss?x=1", None),
        ("http://[2606:4700:4700::1111]/feed", None),
        ("ftp://example.com/feed.xml", "feed_url_invalid"),
        ("javascript:alert(1)", "feed_url_invalid"),
        ("file:///etc/passwd", "feed_url_invalid"),
        (f"https://user:secret@{PUBLIC_IP}/feed", "feed_url_invalid"),
        (f"https://user@{PUBLIC_IP}/feed", "feed_url_invalid"),
        (f"https://{PUBLIC_IP}/" + "a" * 3000, "feed_url_invalid"),
        (f"https://{PUBLIC_IP}/feed with space", "feed_url_invalid"),
        (f"https://{PUBLIC_IP}:99999/feed", "feed_url_invalid"),
        ("https:///feed", "feed_url_invalid"),
        ("https://no-such-host.invalid/feed", "feed_url_private"),
        ("http://127.0.0.1:8080/feed", "feed_url_private"),
        ("http://localhost/feed", "feed_url_private"),
        ("http://2130706433/feed", "feed_url_private"),  # 127.0.0.1 written as one number
        ("http://10.1.2.3/feed", "feed_url_private"),
        ("http://172.16.0.1/feed", "feed_url_private"),
        ("http://192.168.1.1/feed", "feed_url_private"),
        ("http://100.64.0.1/feed", "feed_url_private"),
        ("http://169.254.169.254/latest/meta-data/", "feed_url_private"),
        ("http://0.0.0.0/feed", "feed_url_private"),
        ("http://224.0.0.1/feed", "feed_url_private"),
        ("http://240.0.0.1/feed", "feed_url_private"),
        ("http://255.255.255.255/feed", "feed_url_private"),
        ("http://[::1]/feed", "feed_url_private"),
        ("http://[::]/feed", "feed_url_private"),
        ("http://[::ffff:127.0.0.1]/feed", "feed_url_private"),
        ("http://[::ffff:a9fe:a9fe]/feed", "feed_url_private"),
        ("http://[64:ff9b::a00:1]/feed", "feed_url_private"),
        ("http://[2002:7f00:1::]/feed", "feed_url_private"),
        ("http://[fe80::1]/feed", "feed_url_private"),
        ("http://[fc00::1]/feed", "feed_url_private"),
        ("http://[ff02::1]/feed", "feed_url_private"),
    ],
)
def test_feed_url_problem(url: str, problem: str | None):
    assert feed_url_problem(url) == problem


def test_allow_private_lifts_only_the_private_rule():
    assert feed_url_problem("http://127.0.0.1:8080/feed", allow_private=True) is None
    assert feed_url_problem("ftp://127.0.0.1/feed", allow_private=True) == "feed_url_invalid"


@settings(max_examples=200)
@given(st.ip_addresses(v=4))
def test_the_ipv6_mapped_form_of_an_ipv4_address_is_never_read(address):
    assert feed_url_problem(f"http://[::ffff:{address}]/feed") == "feed_url_private"


# Retry policy


def an_item(n: int = 1) -> Item:
    return Item(
        title=f"News {n}",
        link=f"https://news.example.com/{n}",
        source="Example",
        summary="Summary",
        published=utc(2026, 11, 22, 8, n),
        language="en",
        feed_url="https://news.example.com/feed",
    )


def test_failures_wait_longer_each_time_up_to_twelve_hours_then_switch_the_feed_off():
    state, now, waits = FeedState(url="https://news.example.com/feed"), NOW, []
    for _ in range(MAX_FAILURES - 1):
        state = after_failure(state, now, "HTTP 500", 500)
        waits.append(state.retry_at - now)
        assert not is_due(state, now) and not is_due(state, state.retry_at - timedelta(seconds=1))
        assert is_due(state, state.retry_at)
        now = state.retry_at
    assert [w // timedelta(minutes=1) for w in waits] == [5, 10, 20, 40, 80, 160, 320, 640, 720]
    state = after_failure(state, now, "HTTP 500", 500)
    assert state.disabled and state.failures == MAX_FAILURES and state.retry_at is None
    assert not is_due(state, now + timedelta(days=365))


def test_a_success_or_a_304_resets_the_failures_and_a_304_keeps_the_items():
    items = (an_item(1), an_item(2))
    state = after_success(FeedState(url="u"), NOW, items=items, etag='"a"', last_modified="lm", status=200)
    failing = after_failure(after_failure(state, NOW, "timeout"), NOW, "timeout")
    assert failing.failures == 2 and failing.items == items and failing.last_error == "timeout"
    fresh = after_not_modified(failing, NOW + timedelta(hours=1))
    assert (fresh.failures, fresh.retry_at, fresh.last_error, fresh.last_status) == (0, None, None, 304)
    assert fresh.items == items and fresh.etag == '"a"' and is_due(fresh, NOW + timedelta(hours=1))
    renewed = after_success(failing, NOW, items=(an_item(3),), etag=None, last_modified=None, status=200)
    assert renewed.failures == 0 and renewed.items == (an_item(3),) and renewed.etag is None


def test_errors_are_kept_short_on_one_line():
    state = after_failure(FeedState(url="u"), NOW, "bad\nthing " * 100)
    assert len(state.last_error) <= 200 and "\n" not in state.last_error


def test_a_state_survives_a_trip_through_json():
    state = FeedState(
        url="https://news.example.com/feed",
        etag='W/"abc"',
        last_modified="Mon, 23 Nov 2026 06:00:00 GMT",
        failures=2,
        retry_at=NOW + timedelta(minutes=10),
        last_error="HTTP 503",
        last_status=503,
        checked_at=NOW,
        items=(an_item(1), replace(an_item(2), published=None, language=None)),
    )
    assert state_from_dict(json.loads(json.dumps(state_to_dict(state)))) == state
    assert state_from_dict({"url": "u"}) == FeedState(url="u")


# Fetching from a local publisher


class CountingExecutor(concurrent.futures.ThreadPoolExecutor):
    """A thread pool that counts the parses submitted to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.submitted = 0

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


def run_fetcher(coroutine_factory, **options):
    """Run a coroutine taking a FeedFetcher, closing the fetcher afterwards."""

    async def main():
        fetcher = FeedFetcher(**options)
        try:
            return await coroutine_factory(fetcher)
        finally:
            await fetcher.aclose()

    return asyncio.run(main())


@pytest.fixture(scope="module")
def server():
    with FeedServer() as running:
        yield running


def test_a_feed_is_fetched_then_answered_304_without_parsing(server: FeedServer):
    source = FeedSource(server.url("feeds/rss2.xml?conditional"), "Example Business Daily")
    executor = CountingExecutor()

    async def twice(fetcher: FeedFetcher):
        first, report1 = await fetcher.fetch(source, FeedState(url=source.url), NOW)
        parses_after_first = executor.submitted
        second, report2 = await fetcher.fetch(source, first, NOW + timedelta(hours=1))
        return first, report1, parses_after_first, second, report2

    with executor:
        first, report1, parses, second, report2 = run_fetcher(twice, executor=executor)
    assert (report1.status, report1.items, report1.error) == ("ok", 3, None)
    assert first.etag and first.last_modified and first.last_status == 200
    assert [item.source for item in first.items] == ["Example Business Daily"] * 3
    assert (report2.status, report2.items) == ("not-modified", 3)
    assert second.items is first.items and second.last_status == 304
    assert parses == 1 and executor.submitted == 1
    first_request, conditional_request = server.requests_to("feeds/rss2.xml?conditional")
    assert "if-none-match" not in first_request.headers
    conditional = conditional_request.headers
    assert conditional["if-none-match"] == first.etag
    assert conditional["if-modified-since"] == first.last_modified
    assert conditional["user-agent"].startswith("coachbot/")


HOSTILE = {
    "slow": ("slow", "timeout"),
    "trickle": ("trickle", "timeout"),
    "not found": ("status/404", "HTTP 404"),
    "server error": ("status/500", "HTTP 500"),
    "redirect loop": ("loop/a", "redirect loop"),
    "too many redirects": ("chain/6", "too many redirects"),
    "50 MB": ("huge", "too large"),
    "lying length": ("lying-length", "network error (RemoteProtocolError)"),
    "entity bomb": ("feeds/bomb.xml", "entity declarations refused"),
    "not a feed": ("feeds/bomb.expected.json", "not a feed"),
}
GOOD = {
    "RSS": ("feeds/rss2.xml", 3),
    "Atom via a redirect": ("redirect/feeds/atom.xml", 2),
    "five redirects": ("chain/5", 3),
    "malformed": ("feeds/malformed.xml", 2),
}


def test_hostile_feeds_end_as_errors_in_bounded_time_and_leave_the_others_alone(server: FeedServer):
    sources = [FeedSource(server.url(path), name) for name, (path, _) in {**HOSTILE, **GOOD}.items()]
    progress: list[FetchReport] = []

    async def refresh(fetcher: FeedFetcher):
        return await fetcher.refresh(sources, {}, NOW, on_progress=progress.append)

    states, reports = run_fetcher(refresh, timeout=2.0, max_bytes=1_000_000)
    by_name = {report.name: report for report in reports}
    assert [report.name for report in reports] == [source.name for source in sources]
    assert sorted(r.name for r in progress) == sorted(by_name)
    for name, (_, error) in HOSTILE.items():
        report = by_name[name]
        assert (report.status, report.error) == ("error", error), name
        state = states[report.url]
        assert state.failures == 1 and state.retry_at == NOW + timedelta(minutes=5) and state.items == ()
        assert "127.0.0.1" not in state.last_error
    for name, (_, count) in GOOD.items():
        assert (by_name[name].status, by_name[name].items) == ("ok", count), name
    assert states[server.url("status/404")].last_status == 404


def test_a_declared_length_over_the_limit_is_refused_before_reading(server: FeedServer):
    source = FeedSource(server.url("feeds/rss2.xml"), "Small limit")

    async def fetch(fetcher: FeedFetcher):
        return await fetcher.fetch(source, FeedState(url=source.url), NOW)

    state, report = run_fetcher(fetch, max_bytes=500)
    assert (report.status, report.error, state.last_status) == ("error", "too large", 200)


def test_refresh_skips_waiting_and_switched_off_feeds_and_fetches_each_address_once(server: FeedServer):
    waiting = FeedSource(server.url("feeds/atom.xml?waiting"), "Waiting")
    off = FeedSource(server.url("feeds/atom.xml?off"), "Off")
    due = FeedSource(server.url("feeds/atom.xml?due"), "Due")
    states = {
        waiting.url: after_failure(FeedState(url=waiting.url), NOW - timedelta(minutes=1), "timeout"),
        off.url: replace(FeedState(url=off.url), disabled=True, failures=MAX_FAILURES, last_error="HTTP 410"),
        "https://elsewhere.example/feed": FeedState(url="https://elsewhere.example/feed"),
    }

    async def refresh(fetcher: FeedFetcher):
        return await fetcher.refresh([waiting, off, due, due, off], states, NOW)

    new_states, reports = run_fetcher(refresh)
    assert [(r.name, r.status) for r in reports] == [
        ("Waiting", "skipped"),
        ("Off", "disabled"),
        ("Due", "ok"),
    ]
    assert reports[1].error == "HTTP 410"
    assert new_states[waiting.url] is states[waiting.url] and new_states[off.url] is states[off.url]
    assert "https://elsewhere.example/feed" in new_states
    assert server.requests_to("feeds/atom.xml?waiting") == server.requests_to("feeds/atom.xml?off") == []
    assert len(server.requests_to("feeds/atom.xml?due")) == 1


def test_a_feed_failing_again_and_again_is_switched_off_then_left_alone(server: FeedServer):
    source = FeedSource(server.url("status/500?again"), "Always failing")

    async def keep_trying(fetcher: FeedFetcher):
        state, now, statuses = FeedState(url=source.url), NOW, []
        for _ in range(MAX_FAILURES + 2):
            states, reports = await fetcher.refresh([source], {source.url: state}, now)
            state, now = states[source.url], now + timedelta(hours=13)
            statuses.append(reports[0].status)
        return state, statuses

    state, statuses = run_fetcher(keep_trying)
    assert statuses == ["error"] * MAX_FAILURES + ["disabled"] * 2
    assert state.disabled and state.last_error == "HTTP 500"
    assert len(server.requests_to("status/500?again")) == MAX_FAILURES


def test_untrusted_feeds_may_not_reach_private_addresses_unless_allowed(server: FeedServer):
    untrusted = FeedSource(server.url("feeds/rss2.xml?leader"), "Leader's feed", trusted=False)

    async def fetch(fetcher: FeedFetcher):
        return await fetcher.fetch(untrusted, FeedState(url=untrusted.url), NOW)

    state, report = run_fetcher(fetch)
    assert (report.status, report.error) == ("error", "private address")
    assert server.requests_to("feeds/rss2.xml?leader") == []
    state, report = run_fetcher(fetch, allow_private=True)
    assert (report.status, report.items) == ("ok", 3)


@pytest.mark.parametrize(
    "target", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "169.254.169.254", "[::1]", "10.0.0.7"]
)
def test_a_redirect_to_a_private_address_is_refused_for_untrusted_feeds(target: str):
    body = (DATA_DIR / "rss2.xml").read_bytes()
    seen: list[str] = []

    def publisher(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host == PUBLIC_IP:
            return httpx.Response(302, headers={"Location": f"http://{target}:8080/feed.xml"})
        return httpx.Response(200, content=body)

    source = FeedSource(f"http://{PUBLIC_IP}/feed.xml", "Leader's feed", trusted=False)

    async def fetch(fetcher: FeedFetcher):
        return await fetcher.fetch(source, FeedState(url=source.url), NOW)

    state, report = run_fetcher(fetch, transport=httpx.MockTransport(publisher))
    assert (report.status, report.error) == ("error", "private address")
    assert seen == [source.url]
    seen.clear()
    state, report = run_fetcher(fetch, transport=httpx.MockTransport(publisher), allow_private=True)
    assert (report.status, report.items, len(seen)) == ("ok", 3, 2)


def test_parsing_can_run_in_a_process_pool(server: FeedServer):
    sources = [
        FeedSource(server.url("feeds/french.xml"), "Économie", language="fr"),
        FeedSource(server.url("feeds/bomb.xml?pool"), "Bomb"),
    ]

    async def refresh(fetcher: FeedFetcher):
        return await fetcher.refresh(sources, {}, NOW)

    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        states, reports = run_fetcher(refresh, executor=pool)
    assert [(r.status, r.items, r.error) for r in reports] == [
        ("ok", 2, None),
        ("error", 0, "entity declarations refused"),
    ]
    assert states[sources[0].url].items[0].title.startswith("Réindustrialisation")


def test_logs_name_feeds_and_never_show_credentials_or_query_strings(server: FeedServer, caplog):
    secret_url = server.url("feeds/rss2.xml?token=s3cr3t-query").replace("http://", "http://alice:pa55word@")
    failing_url = server.url("status/500?token=s3cr3t-query")
    sources = [FeedSource(secret_url, "Private newsletter"), FeedSource(failing_url, "Broken newsletter")]

    async def refresh(fetcher: FeedFetcher):
        return await fetcher.refresh(sources, {}, NOW)

    caplog.set_level(logging.DEBUG)
    states, reports = run_fetcher(refresh)
    assert [r.status for r in reports] == ["ok", "error"]
    ours = [r.getMessage() for r in caplog.records if r.name == "bot.adapters.feeds"]
    assert any("Private newsletter" in m for m in ours) and any("Broken newsletter" in m for m in ours)
    # httpx's own request log (INFO) shows URLs: the bot's logging setup keeps it at WARNING.
    shown = [r.getMessage() for r in caplog.records if r.name != "httpx"]
    assert not any("s3cr3t" in m or "pa55word" in m for m in shown)
    assert all("s3cr3t" not in (s.last_error or "") for s in states.values())
