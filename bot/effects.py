"""What the coach asks the front ends to do next, outside the core: read a feed before adding it, read the
news of a sector just chosen. Both front ends follow an outcome's effects through here and render what comes
back, in order."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from bot.clock import Clock
from bot.core.events import CommentWritten, FeedProbed, PostWritten, PublishDone, Transcribed, Who
from bot.core.replies import (
    Button,
    ConnectAccount,
    DisconnectAccount,
    Outcome,
    ProbeFeed,
    PublishPost,
    ReadNews,
    Reply,
    Transcribe,
    WriteComment,
    WritePost,
    msg,
)
from bot.core.speech import MAX_BYTES, Heard, Problem, Transcriber
from bot.newsdesk import NewsDesk
from bot.publishing import Publisher
from bot.service import CoachService
from bot.writing import Writer

log = logging.getLogger(__name__)
Audio = Callable[[], Awaitable[bytes]]  # fetches the voice note just received (in memory only)


async def listen(transcriber: Transcriber | None, audio: Audio | None, language: str) -> Heard:
    """Fetch a voice note into memory, have it transcribed, and let the audio go: it is never written anywhere."""
    if transcriber is None or audio is None:
        return Heard(problem=Problem.FAILED)
    try:
        data = await audio()
    except Exception as error:  # Telegram refused or failed the download: the leader may send it again
        log.warning("a voice note could not be downloaded (%s)", type(error).__name__)
        return Heard(problem=Problem.FAILED)
    if len(data) > MAX_BYTES:
        return Heard(problem=Problem.UNREADABLE)
    try:
        return await transcriber.transcribe(bytes(data), language)
    finally:
        del data


async def follow(service: CoachService, desk: NewsDesk, writer: Writer, who: Who, outcome: Outcome, clock: Clock,
                 *, read_news: bool = True, transcriber: Transcriber | None = None,
                 audio: Audio | None = None, publisher: Publisher | None = None) -> AsyncIterator[Outcome]:
    """The outcomes that follow from an outcome's effects (and from theirs), to render as they come.

    Both front ends read a sector's news at once (`read_news`); without it, it waits for the next refresh, and
    a feed the leader adds is still read. `audio` fetches the voice note the outcome answers, for `transcriber`.
    """
    for effect in outcome.effects:
        if isinstance(effect, ProbeFeed):
            problem = await desk.probe(effect.url, "", clock())
            state = desk.state_of(effect.url)
            name = state.title if state is not None and problem is None else ""
            probed = service.handle(who, FeedProbed(effect.url, name, problem=problem), clock())
            yield probed
            async for more in follow(service, desk, writer, who, probed, clock, read_news=read_news,
                                     publisher=publisher):
                yield more
        elif isinstance(effect, WritePost):
            post = await writer.write(effect.request)
            yield service.handle(who, PostWritten(effect.ref, post.linkedin, post.x, post.writer), clock())
        elif isinstance(effect, WriteComment):
            text, by = await writer.write_comment(effect.request)
            yield service.handle(who, CommentWritten(effect.ref, text, by), clock())
        elif isinstance(effect, Transcribe):
            heard = await listen(transcriber, audio, effect.language)
            after = service.handle(who, Transcribed(heard), clock())
            yield after
            async for more in follow(service, desk, writer, who, after, clock, read_news=read_news,
                                   publisher=publisher):
                yield more
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
            yield service.news_ready(who.user_id, clock(), told=bool(unread))
