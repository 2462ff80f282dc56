"""/feeds: the feeds read for the leader, their own feeds added or removed, and OPML lists exported or
imported."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

from bot.core.events import FeedList, FeedProbed
from bot.core.features.common import Context, elapsed, invalid, say
from bot.core.features.interests import ADD, REMOVE
from bot.core.feedstate import FeedState, age, newest_item
from bot.core.feedurl import feed_url_problem
from bot.core.markup import shorten
from bot.core.model import Leader, OwnFeed
from bot.core.opml import write_opml
from bot.core.parse import InputError
from bot.core.replies import Document, Lines, Msg, Outcome, ProbeFeed, ReadNews, Reply, msg

MAX_OWN_FEEDS = 20
SHOWN_URL = 80


def feeds(ctx: Context, leader: Leader, args: str, now: datetime,
          states: Mapping[str, FeedState] | None = None) -> Outcome:
    """`/feeds`, `/feeds add URL`, `/feeds remove N`, `/feeds export`."""
    verb, _, rest = args.strip().partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if verb in ADD:
        return _add(ctx, leader, rest)
    if verb in REMOVE:
        if not rest.isdigit() or not 1 <= int(rest) <= len(leader.own_feeds):
            return invalid(leader, InputError("error_feed_index"))
        index = int(rest) - 1
        gone = leader.own_feeds[index]
        changed = leader.with_(own_feeds=leader.own_feeds[:index] + leader.own_feeds[index + 1 :])
        return say(changed, msg("feed_removed", name=gone.name))
    if verb == "export":
        sector = ctx.content.sector(leader.sector)
        listed = [(f.url, f.name) for f in (sector.feeds if sector else ())]
        listed += [(f.url, f.name) for f in leader.own_feeds]
        title = ctx.content.catalog.text(leader.language, "opml_title")
        document = Document("coachbot-feeds.opml", write_opml(listed, title))
        return Outcome(leader, (Reply(msg("feeds_exported"), document=document),))
    if verb:
        return invalid(leader, InputError("error_feeds"))
    return say(leader, listing(ctx, leader, states or {}, now))


def _refusal(ctx: Context, leader: Leader, url: str) -> Outcome | None:
    """Why a feed cannot be added, before reading it (None: it may be)."""
    problem = feed_url_problem(url, allow_private=ctx.allow_private_feeds)
    if problem:
        return invalid(leader, InputError(problem))
    if any(f.url == url for f in leader.own_feeds):
        return say(leader, msg("feed_already"))
    sector = ctx.content.sector(leader.sector)
    if sector is not None and any(f.url == url for f in sector.feeds):
        return say(leader, msg("feed_in_sector", sector=ctx.sector_name(leader)))
    if len(leader.own_feeds) >= MAX_OWN_FEEDS:
        return invalid(leader, InputError("error_feeds_count"))
    return None


def _add(ctx: Context, leader: Leader, url: str) -> Outcome:
    """`/feeds add URL`: the feed is read before it is accepted."""
    refusal = _refusal(ctx, leader, url)
    if refusal is not None:
        return refusal
    return Outcome(leader, (Reply(msg("feed_reading", host=urlsplit(url).hostname or url)),),
                   effects=(ProbeFeed(url),))


def probed(ctx: Context, leader: Leader, result: FeedProbed) -> Outcome:
    """The feed to add was read: add it, or say why not."""
    refusal = _refusal(ctx, leader, result.url)
    if refusal is not None:
        return refusal
    if result.problem is not None:
        return say(leader, msg("feed_not_added", reason=msg(result.problem)))
    name = shorten(" ".join(result.name.split()), 60) or urlsplit(result.url).hostname or result.url
    feed = OwnFeed(result.url, name)
    changed = leader.with_(own_feeds=(*leader.own_feeds, feed))
    return Outcome(changed, (Reply(msg("feed_added", name=feed.name)),))


def freshness(state: FeedState | None, now: datetime) -> Msg:
    """How recent a feed's news is, as the leader reads it: "newest 3 hours ago", "nothing for 7 months"."""
    if state is None or state.checked_at is None:
        return msg("feed_unread")
    if state.last_error is not None and not state.items:
        return msg("feed_failing")
    newest = newest_item(state)
    if newest is None:
        return msg("feed_empty")
    amount = elapsed(newest, now)
    if amount is None:
        return msg("feed_newest_now")
    return msg("feed_stale", age=amount) if age(newest, now).stale else msg("feed_newest", age=amount)


def _name(feed: OwnFeed, state: FeedState | None) -> str:
    """A feed of the leader's own, by the name it calls itself when it was stored under its host's."""
    if state is not None and state.title and feed.name == urlsplit(feed.url).hostname:
        return state.title
    return feed.name


def listing(ctx: Context, leader: Leader, states: Mapping[str, FeedState], now: datetime) -> Lines:
    """The sector's feeds and the leader's own, numbered, each with how recent its news is."""
    sector = ctx.content.sector(leader.sector)

    def fresh(url: str) -> Msg:
        return freshness(states.get(url), now)

    lines: list[Msg | str] = [msg("feeds_sector", sector=ctx.sector_name(leader))]
    lines += [msg("feeds_sector_line", name=f.name, fresh=fresh(f.url)) for f in (sector.feeds if sector else ())]
    lines.append("")
    if leader.own_feeds:
        lines.append(msg("feeds_own"))
        lines += [msg("feeds_own_line", number=n, name=_name(f, states.get(f.url)), url=shorten(f.url, SHOWN_URL),
                      fresh=fresh(f.url)) for n, f in enumerate(leader.own_feeds, 1)]
    else:
        lines.append(msg("feeds_own_none"))
    lines += ["", msg("feeds_usage")]
    return Lines(tuple(lines))


def import_list(ctx: Context, leader: Leader, upload: FeedList) -> Outcome:
    """An OPML file the leader sent, already read: add its feeds that are acceptable."""
    if upload.problem is not None:
        return say(leader, msg(upload.problem))
    known = {f.url for f in leader.own_feeds}
    added: list[OwnFeed] = []
    refused = 0
    for url, title in upload.feeds:
        if url in known:
            continue
        if feed_url_problem(url, allow_private=ctx.allow_private_feeds) is not None:
            refused += 1
            continue
        if len(leader.own_feeds) + len(added) >= MAX_OWN_FEEDS:
            refused += 1
            continue
        name = shorten(" ".join(title.split()), 60) or urlsplit(url).hostname or url
        added.append(OwnFeed(url, name))
        known.add(url)
    changed = leader.with_(own_feeds=(*leader.own_feeds, *added))
    said = msg("opml_added", count=len(added))
    text = Lines((said, msg("opml_refused", count=refused)), " ") if refused else said
    return Outcome(changed, (Reply(text),), effects=(ReadNews(),) if added else ())
