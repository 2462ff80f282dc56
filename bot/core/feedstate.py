"""What is known of each news feed between refreshes, and when a failing feed is tried again.

A feed that answers is fetched at every refresh. A feed that fails waits before the next try, twice as long
after each consecutive failure (5 minutes, 10, 20, ... at most 12 hours), and is switched off after
MAX_FAILURES failures in a row. One success resets the count. The last items parsed stay with the state, so a
"not modified" answer keeps them.

An item the feed gave no date is dated by when it was first seen: when the feed is read again, the item with
the same link keeps the time it had, also after a restart, since the items are stored with the state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.core.iso import instant, parse_instant
from bot.core.news import Item

MAX_FAILURES = 10
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=12)
ERROR_LIMIT = 200
FORMAT_VERSION = 1


@dataclass(frozen=True)
class FeedState:
    """What is known of one feed between refreshes."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0  # consecutive
    retry_at: datetime | None = None  # not fetched before this instant
    disabled: bool = False  # switched off after MAX_FAILURES consecutive failures
    last_error: str | None = None  # short, safe to show (no URL credentials)
    last_status: int | None = None
    checked_at: datetime | None = None
    items: tuple[Item, ...] = ()  # the last items parsed (kept across 304 answers)
    title: str = ""  # what the feed calls itself (its title cleaned, else its site's host), once read


def is_due(state: FeedState, now: datetime) -> bool:
    """Whether the feed may be fetched at `now`: switched on and not waiting after a failure."""
    return not state.disabled and (state.retry_at is None or now >= state.retry_at)


def retry_delay(failures: int) -> timedelta:
    """How long to wait after this many consecutive failures (at least one)."""
    return min(FIRST_RETRY * 2 ** min(failures - 1, 16), LONGEST_RETRY)


def after_success(
    state: FeedState,
    now: datetime,
    *,
    items: tuple[Item, ...],
    etag: str | None,
    last_modified: str | None,
    status: int,
    title: str | None = None,
) -> FeedState:
    """The state after a feed answered with content: new items and validators, failures forgotten."""
    return replace(
        state,
        etag=etag,
        last_modified=last_modified,
        failures=0,
        retry_at=None,
        disabled=False,
        last_error=None,
        last_status=status,
        checked_at=now,
        items=keep_first_seen(state.items, items),
        title=state.title if title is None else title,
    )


def _identities(items: tuple[Item, ...]) -> list[tuple[str, str]]:
    """What tells each item from the others: its link, or its link and title when several items share a link
    (feeds whose every item points to the same page)."""
    counts = Counter(item.link for item in items)
    return [(item.link, item.title if counts[item.link] > 1 else "") for item in items]


def keep_first_seen(before: tuple[Item, ...], items: tuple[Item, ...]) -> tuple[Item, ...]:
    """The new items, each undated one keeping the earlier time at which the same item was first seen."""
    seen: dict[tuple[str, str], datetime] = {}
    for identity, item in zip(_identities(before), before, strict=True):
        if item.published is not None:
            for key in {identity, (item.link, item.title)}:
                seen[key] = min(item.published, seen.get(key, item.published))
    kept = []
    for identity, item in zip(_identities(items), items, strict=True):
        first = seen.get(identity) or seen.get((item.link, item.title))
        if item.undated and first is not None and (item.published is None or first < item.published):
            item = replace(item, published=first)
        kept.append(item)
    return tuple(kept)


def after_not_modified(state: FeedState, now: datetime, *, status: int = 304) -> FeedState:
    """The state after a feed answered that nothing changed: the same items, failures forgotten."""
    return replace(
        state, failures=0, retry_at=None, disabled=False, last_error=None, last_status=status, checked_at=now
    )


def after_failure(state: FeedState, now: datetime, error: str, status: int | None = None) -> FeedState:
    """The state after a failed fetch: the next try waits longer, and too many failures switch it off."""
    failures = state.failures + 1
    disabled = failures >= MAX_FAILURES
    return replace(
        state,
        failures=failures,
        retry_at=None if disabled else now + retry_delay(failures),
        disabled=disabled,
        last_error=" ".join(error.split())[:ERROR_LIMIT],
        last_status=status,
        checked_at=now,
    )


# How recent a feed's news is: a feed that answers but has published nothing for a month is stale.

STALE_AFTER = timedelta(days=30)
_UNITS = (  # (unit, its length, used while the age is below this)
    ("minute", timedelta(minutes=1), timedelta(hours=1)),
    ("hour", timedelta(hours=1), timedelta(hours=48)),
    ("day", timedelta(days=1), timedelta(days=14)),
    ("week", timedelta(weeks=1), timedelta(days=60)),
    ("month", timedelta(days=30), timedelta(days=365)),
    ("year", timedelta(days=365), timedelta.max),
)


@dataclass(frozen=True)
class Age:
    """How long ago, in whole units: `Age(3, "day")`. `stale` when it is STALE_AFTER or more."""

    count: int
    unit: str  # "minute", "hour", "day", "week", "month" or "year"
    stale: bool


def newest_item(state: FeedState) -> datetime | None:
    """When the feed's most recent item was published (or first seen, for items without a date)."""
    return max((item.published for item in state.items if item.published is not None), default=None)


def age(moment: datetime, now: datetime) -> Age:
    """How long before `now` a moment was, in the largest unit that reads naturally (90 minutes is 1 hour,
    36 hours is 36 hours, 10 days is 10 days, 7 weeks is 7 weeks, 200 days is 6 months)."""
    elapsed = max(now - moment, timedelta(0))
    unit, length = next((unit, length) for unit, length, below in _UNITS if elapsed < below)
    return Age(elapsed // length, unit, elapsed >= STALE_AFTER)


def newest_age(state: FeedState, now: datetime) -> Age | None:
    """How old the feed's most recent item is; None when it holds no dated item."""
    newest = newest_item(state)
    return None if newest is None else age(newest, now)


def describe_age(found: Age | None) -> str:
    """In English, for the command line: "newest item 3 days ago", "nothing for 7 months", "no items"."""
    if found is None:
        return "no items"
    amount = f"{found.count} {found.unit}{'' if found.count == 1 else 's'}"
    if found.stale:
        return f"nothing for {amount}"
    return "newest item just now" if found.unit == "minute" and found.count == 0 else f"newest item {amount} ago"


def likely_cause(errors: list[str], *, proxy: str | None = None, names_resolve: bool | None = None) -> str:
    """When every feed failed, in one English line, what most likely stands between the bot and the web.

    `errors` are the feeds' short errors; `proxy` names the proxy variable that is set (never its value, which
    may hold a password); `names_resolve` says whether the feeds' host names resolved (None: not tried)."""
    if names_resolve is False:
        return "likely cause: host names do not resolve (no network, or no DNS server answering)"
    network = [e for e in errors if "network error" in e or "host not found" in e or "proxy" in e.lower()]
    timeouts = [e for e in errors if "timeout" in e]
    if proxy and (network or timeouts):
        return f"likely cause: the proxy set in {proxy} refuses or cannot reach the feeds"
    if errors and len(timeouts) == len(errors):
        return "likely cause: nothing answers in time (a firewall, or a proxy needed: set HTTPS_PROXY)"
    if errors and len(network) + len(timeouts) == len(errors):
        return "likely cause: no network connection (or a firewall; if a proxy is needed, set HTTPS_PROXY)"
    if errors and all(e.startswith("HTTP ") for e in errors):
        return "likely cause: every site refused the request (this machine's address may be blocked)"
    return "likely cause: unclear; the reasons above say what each feed answered"


def _item_to_dict(item: Item) -> dict[str, Any]:
    return {
        "title": item.title,
        "link": item.link,
        "source": item.source,
        "summary": item.summary,
        "published": instant(item.published),
        "language": item.language,
        "feed_url": item.feed_url,
        "undated": item.undated,
    }


def _item_from_dict(data: dict[str, Any]) -> Item:
    return Item(
        title=data["title"],
        link=data["link"],
        source=data["source"],
        summary=data.get("summary", ""),
        published=parse_instant(data.get("published")),
        language=data.get("language"),
        feed_url=data.get("feed_url", ""),
        undated=bool(data.get("undated", False)),
    )


def state_to_dict(state: FeedState) -> dict[str, Any]:
    """Turn a feed's state, items included, into plain JSON values."""
    return {
        "format": FORMAT_VERSION,
        "url": state.url,
        "etag": state.etag,
        "last_modified": state.last_modified,
        "failures": state.failures,
        "retry_at": instant(state.retry_at),
        "disabled": state.disabled,
        "last_error": state.last_error,
        "last_status": state.last_status,
        "checked_at": instant(state.checked_at),
        "items": [_item_to_dict(item) for item in state.items],
        "title": state.title,
    }


def state_from_dict(data: dict[str, Any]) -> FeedState:
    """Rebuild a feed's state from what `state_to_dict` produced."""
    return FeedState(
        url=data["url"],
        etag=data.get("etag"),
        last_modified=data.get("last_modified"),
        failures=int(data.get("failures", 0)),
        retry_at=parse_instant(data.get("retry_at")),
        disabled=bool(data.get("disabled", False)),
        last_error=data.get("last_error"),
        last_status=data.get("last_status"),
        checked_at=parse_instant(data.get("checked_at")),
        items=tuple(_item_from_dict(item) for item in data.get("items", ())),
        title=str(data.get("title") or ""),
    )
