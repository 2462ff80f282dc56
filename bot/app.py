"""The composition root: builds the coach, its storage and its front ends from one Settings object."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot import logs
from bot.adapters.content_files import load_content
from bot.adapters.feeds import FeedFetcher, FeedParser, read_feed
from bot.adapters.parsing import ParsePool
from bot.adapters.storage import DIR_MODE, FeedStore, LeaderStore, UpdateLedger, write_atomically
from bot.adapters.words import Words
from bot.clock import Clock, utc_now
from bot.core.events import Connected
from bot.core.model import Leader
from bot.core.replies import msg
from bot.core.router import Coach
from bot.core.speech import Transcriber
from bot.newsdesk import NewsDesk
from bot.publishing import LinkedInPublisher, SignInRefused, forget_leader
from bot.service import CoachService, NoScheduler, WakeScheduler
from bot.settings import Settings, SettingsError
from bot.writing import Writer

if TYPE_CHECKING:  # the terminal chat never loads python-telegram-bot (nor the web server)
    from telegram.ext import Application
    from telegram.request import BaseRequest

    from bot.adapters.inbox import Inbox
    from bot.adapters.telegram import TelegramFrontend
    from bot.adapters.web import ExtraRoute, WebServer

log = logging.getLogger(__name__)

# Telegram's limits: about 30 messages a second overall, about one a second in a chat.
OVERALL_PER_SECOND = 30.0
PER_CHAT_PER_SECOND = 1.0
FEED_TIMEOUT = 15.0  # seconds a feed may take to arrive (and again to be parsed, from when its parse starts)
FEED_CONCURRENCY = 32  # feeds fetched at once: waiting on the network overlaps, parsing stays in the workers
RECEIVING_WITHIN = 90.0  # seconds: polling answers at least every 10 s; past this, updates are not being received


def build_service(settings: Settings, *, feed_workers: int = 1, feed_timeout: float = FEED_TIMEOUT,
                  scheduler: WakeScheduler | None = None,
                  feed_parse: FeedParser = read_feed,
                  publisher: LinkedInPublisher | None = None) -> tuple[CoachService, NewsDesk]:
    """The coach with its content, storage and news desk, for any front end.

    Feeds are parsed by `feed_parse` in `feed_workers` processes (0: in threads), away from the event loop. With a
    `publisher`, posts offer to be published on LinkedIn (the Telegram front end, when LinkedIn is configured).
    """
    content = load_content(settings.content_dir, settings.feeds_path)
    coach = Coach(content, allow_private_feeds=settings.allow_private_feeds, listening=settings.listening,
                  publishing=publisher is not None)
    store = LeaderStore(settings.data_dir)
    # The operator's feeds in `feed_workers` processes; leaders' own feeds in one worker of their own (the
    # fetcher starts it on first use). Both stop with the fetcher.
    parsers = ParsePool(feed_parse, workers=feed_workers, budget=feed_timeout) if feed_workers else None
    fetcher = FeedFetcher(allow_private=settings.allow_private_feeds, parsers=parsers, timeout=feed_timeout,
                          concurrency=FEED_CONCURRENCY, parse=feed_parse)
    desk = NewsDesk(content.sectors, FeedStore(settings.data_dir), fetcher, store.all)
    def forget(leader: Leader) -> None:
        desk.forget(leader)
        if publisher is not None:  # a LinkedIn token, pending sign-ins
            publisher.forget(leader.user_id)
        else:
            forget_leader(settings.data_dir, leader.user_id)

    service = CoachService(coach, store, scheduler or NoScheduler(), news=desk.items_for, forget=forget,
                           feed_states=desk.states_for)
    return service, desk


def build_transcriber(settings: Settings) -> Transcriber | None:
    """What turns voice notes into words, in this order: an OpenAI-compatible endpoint of its own
    (COACHBOT_STT_URL and COACHBOT_STT_MODEL), a faster-whisper model on disk (COACHBOT_WHISPER_MODEL), or nothing.
    A model folder that cannot be used stops the start with a SettingsError saying why."""
    if settings.stt_configured:
        from bot.adapters.llm import EndpointTranscriber

        return EndpointTranscriber(url=settings.stt_url, model=settings.stt_model, key=settings.stt_key)
    if settings.whisper_model is not None:
        from bot.adapters.whisper import WhisperModelError, WhisperTranscriber

        try:
            return WhisperTranscriber(settings.whisper_model)
        except WhisperModelError as error:
            raise SettingsError(str(error)) from None
    return None


def build_publisher(settings: Settings) -> LinkedInPublisher | None:
    """LinkedIn for leaders who connect it (None when the operator has not configured it)."""
    if not settings.linkedin_configured:
        return None
    from bot.adapters.linkedin import LinkedInClient
    from bot.adapters.vault import TokenVault
    from bot.publishing import SignIns

    client = LinkedInClient(settings.linkedin_client_id, settings.linkedin_secret,
                            f"{settings.public_url}/linkedin/callback", version=settings.linkedin_version,
                            oauth_url=settings.linkedin_oauth_url, api_url=settings.linkedin_api_url)
    return LinkedInPublisher(client, TokenVault(settings.data_dir, settings.secret_key), SignIns(settings.data_dir))


def webhook_secret(settings: Settings) -> str:
    """The secret token given to setWebhook (derived from the bot's token: the same across restarts)."""
    return hashlib.sha256(b"coachbot webhook|" + settings.token.encode()).hexdigest()


def storage_writes(data_dir: Path) -> bool:
    """Whether the data directory takes a write now (a small file, written as leaders' files are)."""
    try:
        Path(data_dir).mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        write_atomically(Path(data_dir) / "health", f"{time.time():.0f}\n".encode())
    except OSError as error:
        log.error("the data directory cannot be written: %s", error.strerror or error)
        return False
    return True


def _web(settings: Settings, application: Application, frontend: TelegramFrontend, inbox: Inbox,
         publisher: LinkedInPublisher | None, clock: Clock, extra_routes: Iterable[ExtraRoute]) -> WebServer:
    """The bot's small web server: /healthz, the LinkedIn callback, the webhook; started with the bot."""
    from bot.adapters.inbox import WebhookReceiver
    from bot.adapters.web import Callback, WebServer, build_web_app

    server: WebServer

    async def health() -> Mapping[str, bool]:
        if settings.webhook:
            receiving = application.running and server.running
        else:
            last = inbox.received_at
            receiving = last is not None and time.monotonic() - last < RECEIVING_WITHIN
        return {"receiving": receiving, "storage": await asyncio.to_thread(storage_writes, settings.data_dir)}

    callback: Callback | None = None
    if publisher is not None:
        words = frontend.renderer.words
        signed_in = publisher

        async def linkedin_callback(params: Mapping[str, str]) -> tuple[int, str, str]:
            def page(key: str, language: str | None) -> str:
                if language is not None:
                    return words.plain(msg(key), language)
                return "\n".join(words.plain(msg(key), lang) for lang in ("en", "fr"))

            try:
                user_id, until = await signed_in.complete(params.get("code", ""), params.get("state", ""),
                                                          params.get("error", ""), clock())
            except SignInRefused as refused:
                log.info("a LinkedIn sign-in was refused: %s", refused)
                if refused.user_id is None:
                    return 400, "LinkedIn", page("web_refused", None)
                await frontend.tell(refused.user_id, Connected(None))
                return 400, "LinkedIn", page("web_failed", frontend.service.language(refused.user_id, None))
            await frontend.tell(user_id, Connected(until))
            return 200, "LinkedIn", page("web_connected", frontend.service.language(user_id, None))

        callback = linkedin_callback
    receiver = WebhookReceiver(application, inbox, webhook_secret(settings)) if settings.webhook else None
    app = build_web_app(health=health, linkedin_callback=callback, webhook=receiver, extra_routes=extra_routes)
    server = WebServer(app, settings.http_host, settings.web_port or 0)
    return server


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
    feed_parse: FeedParser = read_feed,
    running: int | None = None,
    fetch_ahead: int | None = None,
    extra_routes: Iterable[ExtraRoute] = (),
) -> Application:
    """The Telegram application, wired: handlers, scheduler, rate limiter, start-up tasks."""
    from telegram.ext import Application
    from telegram.request import HTTPXRequest

    from bot.adapters.inbox import FETCH_AHEAD, Inbox, InboxRequest
    from bot.adapters.metrics import CountedTranscriber, Metrics, metrics_routes
    from bot.adapters.nightly import NightlyBackup
    from bot.adapters.pacing import PacedRateLimiter
    from bot.adapters.telegram import JobQueueScheduler, TelegramFrontend
    from bot.adapters.telegram_render import TelegramRenderer
    from bot.adapters.updates import RUNNING, ChatOrderedProcessor, CoachApplication

    logs.install_redaction(settings.secrets)  # before anything can log the token
    scheduler = JobQueueScheduler()
    publisher = build_publisher(settings)
    service, desk = build_service(settings, feed_workers=feed_workers, feed_timeout=feed_timeout,
                                  scheduler=scheduler, feed_parse=feed_parse, publisher=publisher)
    writer = Writer.from_settings(settings, service.coach.content)
    transcriber = build_transcriber(settings)
    metrics = Metrics()
    writer.metrics = desk.metrics = metrics
    if transcriber is not None:
        transcriber = CountedTranscriber(transcriber, metrics)
    # Fetched updates are kept on disk until handled; the ledger's watermark stops below the first in hand.
    inbox: Inbox
    ledger = UpdateLedger(settings.data_dir, floor=lambda: inbox.lowest())
    inbox = Inbox(settings.data_dir, ledger, ahead=FETCH_AHEAD if fetch_ahead is None else fetch_ahead)
    frontend = TelegramFrontend(service, scheduler, TelegramRenderer(Words(service.coach.content.catalog)),
                                ledger, desk, writer, allowed_users=settings.allowed_users, clock=clock,
                                refresh_every=timedelta(minutes=settings.feed_refresh_minutes), inbox=inbox,
                                transcriber=transcriber, publisher=publisher,
                                metrics=metrics)
    web: WebServer | None = None

    metrics.watch_inbox(lambda: len(inbox))
    nightly = NightlyBackup(settings.data_dir, at=settings.backup_hour, keep=settings.backup_keep,
                            operators=settings.operators, lock=service.holding, on_taken=metrics.backup_taken)

    async def start(application: Application) -> None:
        await frontend.start(application)
        nightly.start(application)
        if web is not None:
            await web.start()

    async def stop(application: Application) -> None:
        if web is not None:
            await web.stop()
        await frontend.stop(application)
        if publisher is not None:
            await publisher.aclose()

    builder = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.api_url)
        .base_file_url(_file_url(settings.api_url))
        .rate_limiter(PacedRateLimiter(overall_per_second=overall_per_second,
                                       per_chat_per_second=per_chat_per_second, metrics=metrics))
        .post_init(start)
        .post_shutdown(stop)
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
    if settings.web_port is not None:
        routes = [*extra_routes, *metrics_routes(metrics.registry)]  # and /metrics, for Prometheus
        web = _web(settings, application, frontend, inbox, publisher, clock, routes)
        application.bot_data["web"] = web
    application.bot_data["nightly"] = nightly
    application.bot_data["metrics"] = metrics
    return application


async def serve_webhook(application: Application, settings: Settings, stop: asyncio.Event) -> None:
    """Webhook mode: Telegram pushes updates to <public url>/telegram (with the secret token) until `stop`."""
    from telegram import Update

    from bot.adapters.web import WEBHOOK_PATH

    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await application.bot.set_webhook(f"{settings.public_url}{WEBHOOK_PATH}",
                                          secret_token=webhook_secret(settings), allowed_updates=Update.ALL_TYPES,
                                          max_connections=1)  # one at a time: each chat's updates in order
        log.info("receiving updates by webhook")
        await stop.wait()
        await application.stop()
    finally:
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()

