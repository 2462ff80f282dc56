"""What the coach asks the front ends to do next, outside the core: read a feed before adding it, read the
news of a sector just chosen. Both front ends follow an outcome's effects through here and render what comes
back, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from bot.clock import Clock
from bot.core.events import FeedProbed, PostWritten, PublishDone, Who
from bot.core.replies import (
    Button,
    ConnectAccount,
    DisconnectAccount,
    Outcome,
    ProbeFeed,
    PublishPost,
    ReadNews,
    Reply,
    WritePost,
    msg,
)
from bot.newsdesk import NewsDesk
from bot.publishing import Publisher
from bot.service import CoachService
from bot.writing import Writer


async def follow(service: CoachService, desk: NewsDesk, writer: Writer, who: Who, outcome: Outcome, clock: Clock,
                 *, read_news: bool = True, publisher: Publisher | None = None) -> AsyncIterator[Outcome]:
    """The outcomes that follow from an outcome's effects (and from theirs), to render as they come.

    Without `read_news` (the terminal chat, whose news comes from `coachbot feeds check`), a sector's news is
    not read at once; a feed the leader adds still is.
    """
    for effect in outcome.effects:
        if isinstance(effect, ProbeFeed):
            problem = await desk.probe(effect.url, urlsplit(effect.url).hostname or effect.url, clock())
            probed = service.handle(who, FeedProbed(effect.url, problem=problem), clock())
            yield probed
            async for more in follow(service, desk, writer, who, probed, clock, read_news=read_news,
                                     publisher=publisher):
                yield more
        elif isinstance(effect, WritePost):
            post = await writer.write(effect.request)
            yield service.handle(who, PostWritten(effect.ref, post.linkedin, post.x, post.writer), clock())
        elif isinstance(effect, ConnectAccount):
            if publisher is None:
                yield Outcome(None, (Reply(msg("linkedin_unavailable")),), language=outcome.language)
                continue
            url = publisher.connect_url(who.user_id, clock())  # single use, for this leader, 10 minutes
            button = Button(msg("button_linkedin_connect"), url=url)
            yield Outcome(None, (Reply(msg("linkedin_connect"), ((button,),)),), language=outcome.language)
        elif isinstance(effect, DisconnectAccount):
            if publisher is not None:
                publisher.forget(who.user_id)
        elif isinstance(effect, PublishPost):
            if publisher is None:
                continue
            publication = await publisher.publish(who.user_id, effect.text, clock())
            yield service.handle(who, PublishDone(effect.ref, publication.result, publication.url), clock())
        elif isinstance(effect, ReadNews) and read_news:
            leader = service.store.get(who.user_id)
            unread = desk.unread(leader) if leader is not None else []
            if unread:  # nothing read yet for this sector or feed: read it now (once for everybody), and say so
                yield Outcome(leader, (Reply(msg("news_reading")),), language=outcome.language)
                await desk.read_now(unread, clock())
            yield service.news_ready(who.user_id, clock())
