"""The composition root: builds the coach, its storage and its front ends from one Settings object."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot import logs
from bot.adapters.content_files import load_content
from bot.adapters.feeds import FeedFetcher, read_feed
from bot.adapters.parsing import ParsePool
from bot.adapters.storage import FeedStore, LeaderStore, UpdateLedger
from bot.adapters.words import Words
from bot.clock import Clock, utc_now
from bot.core.router import Coach
from bot.newsdesk import NewsDesk
from bot.service import CoachService, NoScheduler, WakeScheduler
from bot.settings import Settings
from bot.writing import Writer

if TYPE_CHECKING:  # the terminal chat never loads python-telegram-bot
    from telegram.ext import Application
    from telegram.request import BaseRequest

# Telegram's limits: about 30 messages a second overall, about one a second in a chat.
OVERALL_PER_SECOND = 30.0
PER_CHAT_PER_SECOND = 1.0
FEED_TIMEOUT = 15.0  # seconds a feed may take to arrive (and again to be parsed, from when its parse starts)
FEED_CONCURRENCY = 32  # feeds fetched at once: waiting on the network overlaps, parsing stays in the workers


def build_service(settings: Settings, *, feed_workers: int = 1, feed_timeout: float = FEED_TIMEOUT,
                  scheduler: WakeScheduler | None = None) -> tuple[CoachService, NewsDesk]:
    """The coach with its content, storage and news desk, for any front end.

    Feeds are parsed in `feed_workers` processes (0: in threads), away from the event loop.
    """
    content = load_content(settings.content_dir, settings.feeds_path)
    coach = Coach(content, allow_private_feeds=settings.allow_private_feeds)
    store = LeaderStore(settings.data_dir)
    # The operator's feeds in `feed_workers` processes; leaders' own feeds in one worker of their own (the
    # fetcher starts it on first use). Both stop with the fetcher.
    parsers = ParsePool(read_feed, workers=feed_workers, budget=feed_timeout) if feed_workers else None
    fetcher = FeedFetcher(allow_private=settings.allow_private_feeds, parsers=parsers, timeout=feed_timeout,
                          concurrency=FEED_CONCURRENCY)
    desk = NewsDesk(content.sectors, FeedStore(settings.data_dir), fetcher, store.all)
    service = CoachService(coach, store, scheduler or NoScheduler(), news=desk.items_for, forget=desk.forget,
                           feed_states=desk.states_for)
    return service, desk


def _file_url(api_url: str) -> str:
    base, _, _ = api_url.rstrip("/").rpartition("/")
    return f"{base}/file/bot"


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Clock = utc_now,
    overall_per_second: float = OVERALL_PER_SECOND,
    per_chat_per_second: float = PER_CHAT_PER_SECOND,
    feed_workers: int = 1,
    feed_timeout: float = FEED_TIMEOUT,
    running: int | None = None,
    fetch_ahead: int | None = None,
) -> Application:
    """The Telegram application, wired: handlers, scheduler, rate limiter, start-up tasks."""
    from telegram.ext import Application
    from telegram.request import HTTPXRequest

    from bot.adapters.inbox import FETCH_AHEAD, Inbox, InboxRequest
    from bot.adapters.pacing import PacedRateLimiter
    from bot.adapters.telegram import JobQueueScheduler, TelegramFrontend
    from bot.adapters.telegram_render import TelegramRenderer
    from bot.adapters.updates import RUNNING, ChatOrderedProcessor, CoachApplication

    logs.install_redaction(settings.secrets)  # before anything can log the token
    scheduler = JobQueueScheduler()
    service, desk = build_service(settings, feed_workers=feed_workers, feed_timeout=feed_timeout,
                                  scheduler=scheduler)
    writer = Writer.from_settings(settings, service.coach.content)
    # Fetched updates are kept on disk until handled; the ledger's watermark stops below the first in hand.
    inbox: Inbox
    ledger = UpdateLedger(settings.data_dir, floor=lambda: inbox.lowest())
    inbox = Inbox(settings.data_dir, ledger, ahead=FETCH_AHEAD if fetch_ahead is None else fetch_ahead)
    frontend = TelegramFrontend(service, scheduler, TelegramRenderer(Words(service.coach.content.catalog)),
                                ledger, desk, writer, allowed_users=settings.allowed_users, clock=clock,
                                refresh_every=timedelta(minutes=settings.feed_refresh_minutes), inbox=inbox)
    builder = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.api_url)
        .base_file_url(_file_url(settings.api_url))
        .rate_limiter(PacedRateLimiter(overall_per_second=overall_per_second,
                                       per_chat_per_second=per_chat_per_second))
        .post_init(frontend.start)
        .post_shutdown(frontend.stop)
        # Chats handled at once, each in order; a stop that does not wait for the backlog.
        .application_class(CoachApplication)
        .concurrent_updates(ChatOrderedProcessor(RUNNING if running is None else running))
    )
    if request is not None:
        builder = builder.request(request)
    polling = get_updates_request or request or HTTPXRequest(connection_pool_size=1)
    builder = builder.get_updates_request(InboxRequest(polling, inbox))  # each batch kept before confirmed
    application = builder.build()
    frontend.install(application)
    application.bot_data["frontend"] = frontend
    return application
