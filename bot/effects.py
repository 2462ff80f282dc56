"""What the coach asks the front ends to do next, outside the core: read a feed before adding it, read the
news of a sector just chosen. Both front ends follow an outcome's effects through here and render what comes
back, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.clock import Clock
from bot.core.events import FeedProbed, PostWritten, Who
from bot.core.replies import Outcome, ProbeFeed, ReadNews, Reply, WritePost, msg
from bot.newsdesk import NewsDesk
from bot.service import CoachService
from bot.writing import Writer


async def follow(service: CoachService, desk: NewsDesk, writer: Writer, who: Who, outcome: Outcome, clock: Clock,
                 *, read_news: bool = True) -> AsyncIterator[Outcome]:
    """The outcomes that follow from an outcome's effects (and from theirs), to render as they come.

    Both front ends read a sector's news at once (`read_news`); without it, it waits for the next refresh, and
    a feed the leader adds is still read.
    """
    for effect in outcome.effects:
        if isinstance(effect, ProbeFeed):
            problem = await desk.probe(effect.url, "", clock())
            state = desk.state_of(effect.url)
            name = state.title if state is not None and problem is None else ""
            probed = service.handle(who, FeedProbed(effect.url, name, problem=problem), clock())
            yield probed
            async for more in follow(service, desk, writer, who, probed, clock, read_news=read_news):
                yield more
        elif isinstance(effect, WritePost):
            post = await writer.write(effect.request)
            yield service.handle(who, PostWritten(effect.ref, post.linkedin, post.x, post.writer), clock())
        elif isinstance(effect, ReadNews) and read_news:
            leader = service.store.get(who.user_id)
            unread = desk.unread(leader) if leader is not None else []
            if unread:  # nothing read yet for this sector or feed: read it now (once for everybody), and say so
                yield Outcome(leader, (Reply(msg("news_reading")),), language=outcome.language)
                await desk.read_now(unread, clock())
            yield service.news_ready(who.user_id, clock(), told=bool(unread))
