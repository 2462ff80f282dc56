"""The composition root: builds the coach, its storage and its front ends from one Settings object."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

from telegram.ext import Application
from telegram.request import BaseRequest, HTTPXRequest

from bot import logs
from bot.adapters.content_files import load_content
from bot.adapters.feeds import FeedFetcher
from bot.adapters.inbox import FETCH_AHEAD, Inbox, InboxRequest
from bot.adapters.pacing import PacedRateLimiter
from bot.adapters.storage import FeedStore, LeaderStore, UpdateLedger
from bot.adapters.telegram import Clock, TelegramFrontend, utc_now
from bot.adapters.updates import RUNNING, ChatOrderedProcessor, CoachApplication
from bot.core.coach import Coach
from bot.newsdesk import NewsDesk
from bot.service import CoachService
from bot.settings import Settings

# Telegram's limits: about 30 messages a second overall, about one a second in a chat.
OVERALL_PER_SECOND = 30.0
PER_CHAT_PER_SECOND = 1.0
FEED_TIMEOUT = 15.0  # seconds a feed may take to arrive (and again to be parsed)
FEED_CONCURRENCY = 32  # feeds fetched at once: waiting on the network overlaps, parsing stays in the workers


def build_service(settings: Settings, *, feed_workers: int = 1,
                  feed_timeout: float = FEED_TIMEOUT) -> tuple[CoachService, NewsDesk]:
    """The coach with its content, storage and news desk, for any front end.

    Feeds are parsed in `feed_workers` processes (0: in threads), away from the event loop.
    """
    content = load_content(settings.content_dir, settings.feeds_path)
    coach = Coach(content, allow_private_feeds=settings.allow_private_feeds)
    store = LeaderStore(settings.data_dir)
    executor = ProcessPoolExecutor(feed_workers) if feed_workers else None
    fetcher = FeedFetcher(allow_private=settings.allow_private_feeds, executor=executor, timeout=feed_timeout,
                          concurrency=FEED_CONCURRENCY)
    desk = NewsDesk(content.sectors, FeedStore(settings.data_dir), fetcher, store.all, executor)
    return CoachService(coach, store, news=desk.items_for), desk


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
    running: int = RUNNING,
    fetch_ahead: int = FETCH_AHEAD,
) -> Application:
    """The Telegram application, wired: handlers, scheduler, rate limiter, start-up tasks."""
    logs.install_redaction(settings.secrets)  # before anything can log the token
    service, desk = build_service(settings, feed_workers=feed_workers, feed_timeout=feed_timeout)
    # [load] Fetched updates are kept on disk until handled; the ledger's watermark stops below the first in hand.
    ledger = UpdateLedger(settings.data_dir)
    inbox = Inbox(settings.data_dir, ledger, ahead=fetch_ahead)
    ledger.floor = inbox.lowest
    frontend = TelegramFrontend(service, service.coach, ledger, desk,
                                allowed_users=settings.allowed_users, clock=clock,
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
        # [load] Chats handled at once, each in order; a stop that does not wait for the backlog.
        .application_class(CoachApplication)
        .concurrent_updates(ChatOrderedProcessor(running))
    )
    if request is not None:
        builder = builder.request(request)
    polling = get_updates_request or request or HTTPXRequest(connection_pool_size=1)
    builder = builder.get_updates_request(InboxRequest(polling, inbox))  # [load] each batch kept before confirmed
    application = builder.build()
    frontend.install(application)
    application.bot_data["frontend"] = frontend
    return application
