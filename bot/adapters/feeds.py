"""Reading the news feeds that suggested posts come from: HTTP with httpx, RSS and Atom with feedparser.

The one module that reaches feedparser and httpx for feeds. It downloads feeds concurrently, each download
bounded in time (connection, redirects and body together) and in size (the body is read as a stream, decoded
here, and abandoned as soon as the decoded bytes pass the limit: a gzip bomb never expands), with conditional
requests so that an unchanged feed costs a 304. Redirects are followed here, hop by hop. A feed a leader added
goes through a transport that connects only to global addresses (`netguard`: resolved once, checked with the
core's rule in `bot/core/feedurl.py`, connected to the address checked), at every hop.

Parsing happens off the event loop (in worker processes that can be killed, see `parsing`; leaders' feeds in
workers of their own so that a hostile document never holds up the operator's feeds), without
feedparser's HTML sanitizer: titles and summaries go through the core's own `plain_text`. A document that
declares XML entities is refused before parsing: feedparser's fallback parser expands such entities without
any bound (a 100 KB document can take seconds and most of a gigabyte).

Logs name feeds by their configured name, never by address: addresses may carry credentials or tokens.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import itertools
import logging
import re
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import httpx
from feedparser.encodings import convert_to_utf8

from bot.adapters.netguard import BlockedAddress, Network, Resolver, UnresolvedHost, guarded_pool
from bot.adapters.parsing import ParsePool, ParserCrashed, ParseTimeout
from bot.core.feeddates import parse_date
from bot.core.feedstate import FeedState, after_failure, after_not_modified, after_success, is_due
from bot.core.feedurl import MAX_URL, feed_url_problem
from bot.core.news import SUMMARY_LIMIT, TITLE_LIMIT, Item, clip, plain_text, safe_link, without_tracking

log = logging.getLogger(__name__)

MAX_ITEMS = 200
MAX_VALIDATOR_LENGTH = 256
UNTRUSTED_MEMORY = 1_500_000_000  # bytes of address space for the worker parsing leaders' feeds
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class FeedSource:
    """A feed to read: operator feeds are trusted; leader-added ones are not."""

    url: str
    name: str
    language: str | None = None
    trusted: bool = True
    named: bool = True  # False: `name` is only its host (a feed being added); its items take the feed's own name


@dataclass(frozen=True)
class FetchReport:
    """What happened to one feed during a refresh; `items` is how many items its state holds afterwards."""

    url: str
    name: str
    status: str  # "ok", "not-modified", "error", "skipped" (not due), "disabled"
    items: int
    seconds: float
    error: str | None = None


class FeedError(Exception):
    """A feed could not be fetched or read; the message is short and safe to show (no address in it)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message, status)
        self.message, self.status = message, status


# Reading a document

# Hosts of FeedBurner's redirecting links; the publisher's own address is in the item's origLink.
FEEDBURNER_HOSTS = frozenset({"feedproxy.google.com", "feeds.feedburner.com", "feeds2.feedburner.com"})
MADE_TITLE_LIMIT = 90  # a title made from the start of a summary, for items that have none
OLDEST_DATE = datetime(1995, 1, 1, tzinfo=UTC)  # before the web had feeds: a placeholder, not a date
HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[^>]*>\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>]", re.I | re.S
)


class ParsedFeed(NamedTuple):
    """A feed document once read: the feed's name (see `feed_name`) and its items."""

    name: str
    items: tuple[Item, ...]


# What reads a feed document: (content, source, now, base_url) -> the feed (or its items alone).
FeedParser = Callable[..., "ParsedFeed | tuple[Item, ...]"]


def _parsed(result: ParsedFeed | tuple[Item, ...]) -> ParsedFeed:
    """What a parser gave (a pool may run `parse_feed`, which gives the items only)."""
    return result if isinstance(result, ParsedFeed) else ParsedFeed("", tuple(result))


# An empty item nested inside an item, as some FeedBurner feeds have before each feedburner:origLink: the parser
# would take it as the item's end, and the publisher's address after it would be lost. Nothing is in it to keep.
EMPTY_ITEM = re.compile(rb"<(?:item|entry)\s*/>|<item\s*>\s*</item\s*>")


def parse_feed(
    content: bytes, source: FeedSource, now: datetime, base_url: str | None = None
) -> tuple[Item, ...]:
    """The items of a feed document, cleaned, at most MAX_ITEMS; FeedError if it cannot be read safely.

    Relative links are resolved against `base_url`, the address that finally answered (after redirects), by
    default the feed's own. An item without a usable date is dated `now`, when it was first seen (see
    `Item.undated`); one without a title gets the start of its summary.
    """
    return read_feed(content, source, now, base_url).items


def read_feed(content: bytes, source: FeedSource, now: datetime, base_url: str | None = None) -> ParsedFeed:
    """`parse_feed`, with the feed's own name; a source not `named` (a feed a leader is adding) gives its items
    that name."""
    if not content.strip():
        raise FeedError("empty document")
    # In a stream: feedparser would take bytes naming a local file ("/dev/zero") for that file.
    data = EMPTY_ITEM.sub(b"", _utf8_without_entities(content))
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        if HTML_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")):
            raise FeedError("not a feed: a web page")
        if parsed.version and not parsed.bozo:
            raise FeedError("no items")
        raise FeedError("not a feed")
    language = source.language or _language(parsed.feed.get("language"))
    base = base_url or source.url
    name = feed_name(parsed.feed, base)
    named = source if source.named else replace(source, name=name)
    items = (_item(entry, named, language, now, base) for entry in parsed.entries)
    kept = tuple(itertools.islice((item for item in items if item is not None), MAX_ITEMS))
    if not kept:
        raise FeedError("no usable items (each lacks a link or a text)")
    return ParsedFeed(name, kept)


# Words a feed's title adds to the site's name ("Walk News - RSS Feed", « Le Monde.fr - Actualités : flux »).
_FEED_WORDS = re.compile(
    r"(?:\s*[-–—|:»·]\s*)?(?:\b(?:latest\s+|all\s+)?(?:rss|atom|xml)(?:\s*2\.0)?(?:\s+(?:feed|flux))?"
    r"|\b(?:feed|flux)(?:\s+(?:rss|atom))?)\s*$",
    re.IGNORECASE,
)
FEED_NAME_LIMIT = 60


def feed_name(feed: Mapping[str, Any], url: str) -> str:
    """What to call a feed: its title (as plain text, without "RSS feed" and the like), else its site's name
    (the host of the site it links to), else the host it is read from."""
    title = plain_text(str(feed.get("title") or ""), TITLE_LIMIT)
    for _ in range(2):
        title = _FEED_WORDS.sub("", title).strip(" -–—|:»·")
    if title:
        return clip(title, FEED_NAME_LIMIT)
    for address in (feed.get("link"), url):
        host = urlsplit(address).hostname if isinstance(address, str) else None
        if host:
            return host.removeprefix("www.")
    return url


def _utf8_without_entities(content: bytes) -> bytes:
    # feedparser first converts the document to UTF-8 from whatever encoding it declares (UTF-16, UTF-7,
    # EBCDIC...), so an entity declaration is looked for in the same conversion, with feedparser's own code.
    data: bytes = convert_to_utf8({}, content, {})
    if ENTITY_DECLARATION.search(data):
        raise FeedError("entity declarations refused")
    return data


def _item(entry: Any, source: FeedSource, language: str | None, now: datetime, base: str) -> Item | None:
    link = _link(base, _publisher_link(entry))
    if link is None:
        return None
    summary = plain_text(_summary_of(entry), SUMMARY_LIMIT)
    title = plain_text(entry.get("title") or "", TITLE_LIMIT) or clip(summary, MADE_TITLE_LIMIT)
    if not title:
        return None
    published = _published(entry, now)
    return Item(
        title=title,
        link=link,
        source=source.name,
        summary=summary,
        published=published or now,
        language=language,
        feed_url=source.url,
        undated=published is None,
    )


def _summary_of(entry: Any) -> str:
    """The entry's summary, else the text of its content (Atom feeds may give only <content>)."""
    summary = entry.get("summary")
    if isinstance(summary, str) and summary.strip():
        return summary
    for content in entry.get("content") or ():
        value = content.get("value") if isinstance(content, dict) else None
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _publisher_link(entry: Any) -> object:
    """The item's link, or the publisher's own address when the link goes through FeedBurner's redirector:
    the origLink it gives (feedburner:origLink and the like), or else a guid that is a link."""
    for key in entry:
        if isinstance(key, str) and key.lower().endswith("origlink"):
            original = entry[key]
            if isinstance(original, str) and safe_link(original.strip()):
                return original
    link = entry.get("link")
    if isinstance(link, str) and (urlsplit(link.strip()).hostname or "") in FEEDBURNER_HOSTS:
        guid = entry.get("id")
        if isinstance(guid, str) and safe_link(guid.strip()):
            if (urlsplit(guid.strip()).hostname or "") not in FEEDBURNER_HOSTS:
                return guid
    return link


def _link(base_url: str, raw: object) -> str | None:
    """The item's link if it is safe to show, without tracking parameters; a relative one is resolved against
    the address that answered."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        # Without its credentials and query: those of the feed's address must never reach a leader.
        parts = urlsplit(base_url)
        base = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
        link = safe_link(urljoin(base, raw.strip()))
    except ValueError:  # a malformed address, such as an unclosed IPv6 bracket
        return None
    return safe_link(without_tracking(link)) if link else None


def _published(entry: Any, now: datetime) -> datetime | None:
    """When the item was published (UTC), read by feedparser or, in other languages than English, by the
    core's `parse_date`; a date in the future counts as now; None when there is no usable date."""
    for key in ("published", "updated", "created"):
        parsed = entry[f"{key}_parsed"] if f"{key}_parsed" in entry else None  # `in` avoids a deprecated fallback
        moment = None
        if parsed:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            except (TypeError, ValueError):
                moment = None
        if moment is None:
            moment = parse_date(entry[key] if key in entry else None)
        if moment is not None and moment >= OLDEST_DATE:
            return min(moment, now)
    return None


def _language(raw: object) -> str | None:
    """The primary language subtag of a declared language ("fr-FR" gives "fr"), or None."""
    if not isinstance(raw, str):
        return None
    primary = raw.strip().replace("_", "-").split("-")[0].lower()
    return primary if 2 <= len(primary) <= 3 and primary.isascii() and primary.isalpha() else None


# Checking addresses


def _check_hop(url: str) -> None:
    """Raise FeedError unless the core's rule lets a leader-added feed be read at this address.

    A first look at the written address only: the guarded transport judges every address the name resolves
    to, at the moment of connecting.
    """
    problem = feed_url_problem(url)
    if problem == "feed_url_private":
        raise FeedError("private address")
    if problem is not None:
        raise FeedError("invalid address")


# Fetching


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None  # the address that finally answered, after redirects


def _validator(value: str | None) -> str | None:
    """An ETag or Last-Modified worth keeping: present and of a sane length."""
    return value if value and len(value) <= MAX_VALIDATOR_LENGTH else None


def _conditional_headers(state: FeedState) -> dict[str, str]:
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _next_hop(url: str, response: httpx.Response) -> str:
    location = response.headers.get("location")
    if not location:
        raise FeedError("redirect without a location", response.status_code)
    target = urljoin(url, location)
    if urlsplit(target).scheme not in DEFAULT_PORTS or len(target) > MAX_URL:
        raise FeedError("redirect to an unsupported address", response.status_code)
    return target


def _describe(error: Exception) -> tuple[str, int | None]:
    """A short, address-free description of why a fetch failed, and the HTTP status if there was one."""
    if isinstance(error, FeedError):
        return error.message, error.status
    if isinstance(error, BlockedAddress):
        return "private address", None
    if isinstance(error, UnresolvedHost):
        return "host not found", None
    if isinstance(error, ParseTimeout):
        return "parsing took too long", None
    if isinstance(error, ParserCrashed | MemoryError):
        return "parser stopped (document too demanding)", None
    if isinstance(error, TimeoutError | httpx.TimeoutException):
        return "timeout", None
    if isinstance(error, httpx.InvalidURL):
        return "invalid address", None
    if isinstance(error, httpx.HTTPError):
        return f"network error ({type(error).__name__})", None
    return f"unexpected error ({type(error).__name__})", None


class _Decoder:
    """Undoes a gzip or deflate Content-Encoding, never producing more than `limit` bytes in all."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        if encoding in ("", "identity"):
            self._inflate = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj()
        else:
            raise FeedError("unsupported content encoding")

    def feed(self, data: bytes) -> bytes:
        if self._inflate is None:
            return data
        try:
            # At most one byte over the limit is produced, however much the data would expand to.
            out = self._inflate.decompress(data, self.limit + 1)
        except zlib.error:
            raise FeedError("corrupt compressed body") from None
        if self._inflate.unconsumed_tail:
            raise FeedError("too large")
        return out


class FeedFetcher:
    """Fetches and parses feeds, a few at a time, each bounded in time and size.

    Operator feeds (trusted) and leader-added feeds (untrusted) go in two lanes that share nothing: their own
    download slots, their own HTTP client (the untrusted one connects only to global addresses, resolved once,
    see `netguard`), their own parsing workers. A download is bounded by `timeout` (connection, redirects and
    body together) and by `max_bytes` of decoded body; a parse by `parse_timeout` counted from when a worker
    takes it. Untrusted feeds are always parsed in a killable worker process (`untrusted_parsers`, or one
    created on first use); trusted ones in `parsers` if given, else in `executor`, else in a thread.
    A feed holds its download slot until it is parsed, so at most `concurrency` bodies wait for a worker.
    The parse pools given belong to the fetcher from then on: `aclose` stops them.
    """

    def __init__(
        self,
        *,
        max_bytes: int = 5_000_000,
        timeout: float = 15.0,
        parse_timeout: float | None = None,
        max_redirects: int = 5,
        concurrency: int = 8,
        untrusted_concurrency: int | None = None,
        allow_private: bool = False,
        executor: concurrent.futures.Executor | None = None,
        parsers: ParsePool | None = None,
        untrusted_parsers: ParsePool | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        network: Network | None = None,
        user_agent: str = "coachbot/0.1 (+feed reader)",
        parse: FeedParser = read_feed,
    ) -> None:
        self.max_bytes, self.timeout, self.max_redirects = max_bytes, timeout, max_redirects
        self.parse_timeout = timeout if parse_timeout is None else parse_timeout
        self.allow_private = allow_private
        self._executor = executor
        self._parse_function = parse
        self._parsers, self._untrusted_parsers = parsers, untrusted_parsers
        self._slots = asyncio.Semaphore(concurrency)
        untrusted_concurrency = untrusted_concurrency or max(1, concurrency // 4)
        self._untrusted_slots = asyncio.Semaphore(untrusted_concurrency)
        headers = {"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            headers=headers,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )
        untrusted_limits = httpx.Limits(
            max_connections=untrusted_concurrency, max_keepalive_connections=untrusted_concurrency
        )
        # One TLS context for the transport and its pool (loading the certificates costs tens of milliseconds).
        context = httpx.create_ssl_context(trust_env=False)
        guarded = httpx.AsyncHTTPTransport(verify=context, limits=untrusted_limits, trust_env=False)
        guarded._pool = guarded_pool(  # httpx's transport over a pool that connects only to global addresses
            ssl_context=context,
            max_connections=untrusted_concurrency,
            allow_private=allow_private,
            resolver=resolver,
            network=network,
        )
        # A transport given (an in-memory publisher in tests) serves both lanes; the address rule still applies
        # to each hop's written address.
        self._untrusted_client = httpx.AsyncClient(
            transport=transport or guarded,
            timeout=timeout,
            follow_redirects=False,
            headers=headers,
            limits=untrusted_limits,
        )

    async def fetch(
        self, source: FeedSource, state: FeedState, now: datetime
    ) -> tuple[FeedState, FetchReport]:
        """Fetch and parse one feed now, whatever its state; a failure is reported, never raised."""
        started = time.monotonic()
        try:
            async with self._slots if source.trusted else self._untrusted_slots:
                answer = await self._download(source, state)
                if answer.status == 304:
                    new_state, status = after_not_modified(state, now, status=answer.status), "not-modified"
                else:
                    # answer.url is the address that finally answered, after redirects.
                    parsed = await self._parse(answer.body, source, now, answer.url or source.url)
                    new_state = after_success(
                        state,
                        now,
                        items=parsed.items,
                        title=parsed.name or None,
                        etag=answer.etag,
                        last_modified=answer.last_modified,
                        status=answer.status,
                    )
                    status = "ok"
            error = None
        except Exception as problem:  # any failure of one feed stays with that feed
            error, http_status = _describe(problem)
            new_state, status = after_failure(state, now, error, http_status), "error"
        report = FetchReport(
            source.url, source.name, status, len(new_state.items), time.monotonic() - started, error
        )
        self._log(source, new_state, report)
        return new_state, report

    async def refresh(
        self,
        sources: Sequence[FeedSource],
        states: Mapping[str, FeedState],
        now: datetime,
        on_progress: Callable[[FetchReport], None] | None = None,
    ) -> tuple[dict[str, FeedState], list[FetchReport]]:
        """Fetch every due feed concurrently (each address once); return all states and one report per feed.

        Feeds that are switched off or waiting after a failure are not fetched and reported as such; the
        states of feeds not in `sources` are returned unchanged.
        """
        unique: dict[str, FeedSource] = {}
        for source in sources:
            unique.setdefault(source.url, source)

        async def one(source: FeedSource) -> tuple[FeedState, FetchReport]:
            state = states.get(source.url) or FeedState(url=source.url)
            if state.disabled or not is_due(state, now):
                status = "disabled" if state.disabled else "skipped"
                result = (
                    state,
                    FetchReport(source.url, source.name, status, len(state.items), 0.0, state.last_error),
                )
            else:
                result = await self.fetch(source, state, now)
            if on_progress is not None:
                on_progress(result[1])
            return result

        results = await asyncio.gather(*(one(source) for source in unique.values()))
        new_states = dict(states)
        new_states.update((state.url, state) for state, _ in results)
        return new_states, [report for _, report in results]

    async def aclose(self) -> None:
        """Close the HTTP connections and stop the parse pools (an executor given belongs to the caller)."""
        await self._client.aclose()
        await self._untrusted_client.aclose()
        for pool in (self._parsers, self._untrusted_parsers):
            if pool is not None:
                pool.close()

    async def _download(self, source: FeedSource, state: FeedState) -> _Answer:
        async with asyncio.timeout(self.timeout):
            return await self._follow(source, _conditional_headers(state))

    async def _follow(self, source: FeedSource, headers: dict[str, str]) -> _Answer:
        """GET the feed, following redirects hop by hop (checking each hop of an untrusted feed)."""
        url, seen = source.url, {source.url}
        guarded = not (source.trusted or self.allow_private)
        client = self._client if source.trusted else self._untrusted_client
        for _ in range(self.max_redirects + 1):
            if guarded:
                _check_hop(url)
            async with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    url = _next_hop(url, response)
                    if url in seen:
                        raise FeedError("redirect loop", status)
                    seen.add(url)
                    continue
                if status == 304:
                    return _Answer(status, url=url)
                if not 200 <= status < 300:
                    raise FeedError(f"HTTP {status}", status)
                body = await self._read(response)
                return _Answer(
                    status,
                    body,
                    _validator(response.headers.get("etag")),
                    _validator(response.headers.get("last-modified")),
                    url,
                )
        raise FeedError("too many redirects")

    async def _read(self, response: httpx.Response) -> bytes:
        """The decoded body, abandoned as soon as it is known to exceed max_bytes (decoded bytes count)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FeedError("too large", response.status_code)
        encoding = response.headers.get("content-encoding", "").strip().lower()
        try:
            decoder = _Decoder(encoding, self.max_bytes)
        except FeedError as error:
            raise FeedError(error.message, response.status_code) from None
        if response.is_stream_consumed:  # an answer built in memory (an in-memory transport): already decoded
            if len(response.content) > self.max_bytes:
                raise FeedError("too large", response.status_code)
            return response.content
        chunks, size = [], 0
        async for raw in response.aiter_raw():
            chunk = decoder.feed(raw)
            size += len(chunk)
            if size > self.max_bytes:
                raise FeedError("too large", response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    async def _parse(self, body: bytes, source: FeedSource, now: datetime, base_url: str) -> ParsedFeed:
        """read_feed off the event loop: untrusted feeds always in a killable worker process of their own."""
        if not source.trusted:
            if self._untrusted_parsers is None:
                self._untrusted_parsers = ParsePool(
                    self._parse_function,
                    workers=1,
                    budget=self.parse_timeout,
                    name="untrusted-feed-parser",
                    memory_limit=UNTRUSTED_MEMORY,
                )
            return _parsed(await self._untrusted_parsers.run(body, source, now, base_url))
        if self._parsers is not None:
            return _parsed(await self._parsers.run(body, source, now, base_url))
        # An executor or a thread cannot be stopped: the budget then also counts the wait for a free worker.
        async with asyncio.timeout(self.parse_timeout):
            if self._executor is None:
                return _parsed(await asyncio.to_thread(self._parse_function, body, source, now, base_url))
            loop = asyncio.get_running_loop()
            return _parsed(await loop.run_in_executor(self._executor, self._parse_function, body, source, now,
                                                      base_url))

    @staticmethod
    def _log(source: FeedSource, state: FeedState, report: FetchReport) -> None:
        if report.status != "error":
            log.debug(
                "feed %s: %s, %d items, %.2f s", source.name, report.status, report.items, report.seconds
            )
        elif state.disabled:
            log.warning(
                "feed %s switched off after %d failures in a row: %s",
                source.name,
                state.failures,
                report.error,
            )
        else:
            log.info("feed %s failed (%d in a row): %s", source.name, state.failures, report.error)
