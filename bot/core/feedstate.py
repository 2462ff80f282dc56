"""What is known of each news feed between refreshes, and when a failing feed is tried again.

A feed that answers is fetched at every refresh. A feed that fails waits before the next try, twice as long
after each consecutive failure (5 minutes, 10, 20, ... at most 12 hours), and is switched off after
MAX_FAILURES failures in a row. One success resets the count. The last items parsed stay with the state, so a
"not modified" answer keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

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
        items=tuple(items),
    )


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


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _item_to_dict(item: Item) -> dict[str, Any]:
    return {
        "title": item.title,
        "link": item.link,
        "source": item.source,
        "summary": item.summary,
        "published": _dt(item.published),
        "language": item.language,
        "feed_url": item.feed_url,
    }


def _item_from_dict(data: dict[str, Any]) -> Item:
    return Item(
        title=data["title"],
        link=data["link"],
        source=data["source"],
        summary=data.get("summary", ""),
        published=_parse_dt(data.get("published")),
        language=data.get("language"),
        feed_url=data.get("feed_url", ""),
    )


def state_to_dict(state: FeedState) -> dict[str, Any]:
    """Turn a feed's state, items included, into plain JSON values."""
    return {
        "format": FORMAT_VERSION,
        "url": state.url,
        "etag": state.etag,
        "last_modified": state.last_modified,
        "failures": state.failures,
        "retry_at": _dt(state.retry_at),
        "disabled": state.disabled,
        "last_error": state.last_error,
        "last_status": state.last_status,
        "checked_at": _dt(state.checked_at),
        "items": [_item_to_dict(item) for item in state.items],
    }


def state_from_dict(data: dict[str, Any]) -> FeedState:
    """Rebuild a feed's state from what `state_to_dict` produced."""
    return FeedState(
        url=data["url"],
        etag=data.get("etag"),
        last_modified=data.get("last_modified"),
        failures=int(data.get("failures", 0)),
        retry_at=_parse_dt(data.get("retry_at")),
        disabled=bool(data.get("disabled", False)),
        last_error=data.get("last_error"),
        last_status=data.get("last_status"),
        checked_at=_parse_dt(data.get("checked_at")),
        items=tuple(_item_from_dict(item) for item in data.get("items", ())),
    )
