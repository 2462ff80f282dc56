"""The Telegram front end: turns updates into the core's events, and hands the outcome to the renderer.

Handlers stay thin: parse the update, call the service, render the outcome. Jobs of python-telegram-bot's
JobQueue carry each leader's next wake-up; they are derived from storage, never the other way round.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from telegram import BotCommand, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackContext,
    CallbackQueryHandler,
    ContextTypes,
    Job,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters.inbox import Inbox
from bot.adapters.metrics import Metrics
from bot.adapters.pacing import BULK
from bot.adapters.storage import UpdateLedger
from bot.adapters.telegram_render import TelegramRenderer
from bot.adapters.updates import ChatOrderedProcessor
from bot.clock import Clock, utc_now
from bot.core.events import Event, Other, Press, Upload, VoiceNote, Who, read_line
from bot.core.replies import Outcome, msg
from bot.core.speech import Transcriber
from bot.effects import Audio, follow
from bot.newsdesk import NewsDesk
from bot.publishing import Publisher
from bot.service import CoachService
from bot.writing import Writer

log = logging.getLogger(__name__)

JOB_PREFIX = "wake:"
DELIVERY_WORKERS = 64  # leaders served at once; pacing, not this, sets the sending rate
FIRST_REFRESH_WAIT = 120.0  # seconds deliveries wait at start for the feeds to be read once
MAX_UPLOAD = 1_000_000  # bytes of a file a leader sends (an OPML list)
COMMAND_THREADS = 8  # threads deciding and recording commands (each mostly waits for its fsync)
RESTORE_BATCH = 250  # jobs made at once on the event loop while the schedule is rebuilt at start (~10 ms)


def _who(update: Update) -> Who | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return Who(user.id, chat.id, user.language_code)


def _buttons_of(message: object) -> frozenset[str] | None:
    """The callback data of every button of the message a press came from (None: too old to be shown)."""
    if not isinstance(message, Message):
        return None
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return frozenset(button.callback_data for row in rows for button in row
                     if isinstance(button.callback_data, str))


class JobQueueScheduler:
    """Keeps one named JobQueue job per leader, at the instant of their next wake-up; a job that fires puts its
    leader in the `due` queue, which the delivery workers take from.

    The jobs are indexed here by leader: asking the JobQueue for a job by name scans every job, which made
    scheduling 10,000 leaders at start quadratic.

    At start, the jobs read from storage arrive in batches (`restore`) while leaders may already act: a leader
    scheduled anew meanwhile (by a command or a delivery, computed from what was just stored) keeps that job,
    and the batch's, read earlier, is dropped for them.
    """

    def __init__(self) -> None:
        self.job_queue: JobQueue | None = None
        self.due: asyncio.Queue[int] = asyncio.Queue()
        self._queued: set[int] = set()
        self.fired: dict[int, datetime] = {}  # leader -> the instant their job was scheduled for, once it fired
        self._jobs: dict[int, Job] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._restoring = False
        self._touched: set[int] = set()  # leaders scheduled anew while the restore runs

    def bind(self, job_queue: JobQueue, loop: asyncio.AbstractEventLoop) -> None:
        """Keep jobs in this job queue, and change them on this event loop's thread only (deliveries decide in
        worker threads)."""
        self.job_queue = job_queue
        self._loop, self._loop_thread = loop, threading.get_ident()
        self.due = asyncio.Queue()
        self._queued.clear()

    def take(self, user_id: int) -> None:
        """A delivery worker took this leader from the queue."""
        self._queued.discard(user_id)

    def schedule(self, user_id: int, when: datetime | None) -> None:
        """Replace the leader's job by one at `when` (None: no job)."""
        if self._loop is not None and threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self._schedule, user_id, when)
        else:
            self._schedule(user_id, when)

    def begin_restore(self) -> None:
        """Jobs read from storage are about to arrive (`restore`); note who is scheduled anew meanwhile."""
        self._restoring = True
        self._touched.clear()

    def restore(self, batch: Sequence[tuple[int, datetime | None]]) -> None:
        """Make the jobs read from storage (on the event loop), except for leaders scheduled anew since."""
        for user_id, when in batch:
            if user_id not in self._touched:
                self._schedule(user_id, when, restoring=True)

    def end_restore(self) -> None:
        """Every job read from storage has arrived."""
        self._restoring = False
        self._touched.clear()

    async def _fire(self, context: CallbackContext) -> None:
        job = context.job
        if job is not None and isinstance(job.data, int) and job.data not in self._queued:
            self._queued.add(job.data)
            run_date = getattr(job.job.trigger, "run_date", None)
            if isinstance(run_date, datetime):
                self.fired[job.data] = run_date
            self.due.put_nowait(job.data)

    def _schedule(self, user_id: int, when: datetime | None, *, restoring: bool = False) -> None:
        job_queue = self.job_queue
        if job_queue is None:
            raise RuntimeError("the scheduler is used before the application started")
        if self._restoring and not restoring:
            self._touched.add(user_id)
        previous = self._jobs.pop(user_id, None)
        # A job that already fired has left the scheduler by itself.
        if previous is not None and job_queue.scheduler.get_job(previous.job.id) is not None:
            previous.schedule_removal()
        if when is not None:
            # No misfire grace limit: a job that runs late still runs; the core decides whether it is too late.
            self._jobs[user_id] = job_queue.run_once(
                self._fire, when=when, name=f"{JOB_PREFIX}{user_id}", data=user_id,
                job_kwargs={"misfire_grace_time": None, "coalesce": True},
            )


class TelegramFrontend:
    """The handlers and the jobs; replies are drawn by the renderer."""

    def __init__(self, service: CoachService, scheduler: JobQueueScheduler, renderer: TelegramRenderer,
                 ledger: UpdateLedger, desk: NewsDesk, writer: Writer, *, allowed_users: frozenset[int] = frozenset(),
                 clock: Clock = utc_now, refresh_every: timedelta = timedelta(minutes=30),
                 inbox: Inbox | None = None, transcriber: Transcriber | None = None,
                 publisher: Publisher | None = None, metrics: Metrics | None = None) -> None:
        self.service = service
        self.transcriber = transcriber  # None: voice notes get an answer asking for text
        self.publisher = publisher  # publishing on LinkedIn, when configured
        self.application: Application | None = None
        self.metrics = metrics
        self.scheduler = scheduler
        self.renderer = renderer
        self.inbox = inbox  # fetched updates kept on disk until handled
        # Commands decide and write in threads of their own, never queued behind the morning's deliveries.
        self._commands = ThreadPoolExecutor(COMMAND_THREADS, thread_name_prefix="commands")
        self.ledger = ledger
        self.desk = desk
        self.writer = writer
        self.refresh_every = refresh_every
        self._workers: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[None]] = set()
        # Set once the start's background work is done: every stored leader has their job, the menu is published.
        self.scheduled = asyncio.Event()
        self._stopping = threading.Event()
        self.allowed_users = allowed_users
        self.clock = clock

    def install(self, application: Application) -> None:
        """Register the handlers (order matters)."""
        # Group -2 runs first: an update handled before a crash is not handled again.
        application.add_handler(TypeHandler(Update, self.skip_handled), group=-2)
        # Group -1: strangers stop there, before anything is read or stored.
        application.add_handler(TypeHandler(Update, self.guard), group=-1)
        application.add_handler(MessageHandler(filters.TEXT, self.on_text))
        application.add_handler(CallbackQueryHandler(self.on_press))
        application.add_handler(MessageHandler(filters.ALL, self.on_other))
        # Group 1 runs after the handling, even a failed one: the update is done with.
        application.add_handler(TypeHandler(Update, self.mark_handled), group=1)
        application.add_error_handler(self.on_error)

    async def start(self, application: Application) -> None:
        """At start: publish the command menu in both languages and rebuild every leader's job, both in the
        background (polling starts at once)."""
        self.application = application
        if application.job_queue is None:
            raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
        self.scheduler.bind(application.job_queue, asyncio.get_running_loop())
        self._commands = ThreadPoolExecutor(COMMAND_THREADS, thread_name_prefix="commands")
        self._workers = [
            asyncio.create_task(self._deliver(application), name=f"delivery {n}") for n in range(DELIVERY_WORKERS)
        ]
        # Every stored leader's job is rebuilt in the background: polling starts at once, and a leader whose
        # moment came meanwhile is woken as soon as their job is made (the core delivers what is late).
        self.scheduled = asyncio.Event()
        self._stopping.clear()
        self._spawn(self._finish_start(application), "start in the background")
        # Updates fetched before a stop or a crash and not handled go first, before any new poll.
        if self.inbox is not None:
            for kept in self.inbox.drain():
                update = Update.de_json(kept, application.bot)
                if update is None:
                    continue
                processor = application.update_processor
                if update.callback_query is not None and isinstance(processor, ChatOrderedProcessor):
                    processor.leave_unanswered(update.callback_query.id)
                await application.update_queue.put(update)
        application.job_queue.run_repeating(self.on_refresh, interval=self.refresh_every, first=0.5,
                                            name="refresh feeds", job_kwargs={"misfire_grace_time": None,
                                                                              "coalesce": True})

    async def _finish_start(self, application: Application) -> None:
        """What the start leaves to the background: the command menu, and every leader's job."""
        await asyncio.gather(self._publish_menu(application), self._restore_schedule())
        self.scheduled.set()

    async def _publish_menu(self, application: Application) -> None:
        """The command menu, in both languages."""
        words = self.renderer.words
        for language_code, language in ((None, "en"), ("fr", "fr")):
            commands = [BotCommand(name, words.plain(description, language))
                        for name, description in self.service.coach.command_menu()]
            try:
                await application.bot.set_my_commands(commands, language_code=language_code)
            except TelegramError as error:
                log.warning("could not set the command menu (%s): %s", language, error)

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _restore_schedule(self) -> None:
        """Read every stored leader and compute their next wake-up in a thread (files and CPU, off the event
        loop), and make their jobs on the event loop in small batches, so that updates are handled meanwhile."""
        loop = asyncio.get_running_loop()
        scheduler, stopping = self.scheduler, self._stopping
        started = time.perf_counter()

        def hand_over(batch: list[tuple[int, datetime | None]]) -> bool:
            if stopping.is_set():
                return False
            try:
                loop.call_soon_threadsafe(scheduler.restore, batch)
            except RuntimeError:  # the event loop closed: the bot is stopping
                return False
            return True

        def read() -> int:
            count, batch = 0, []
            for user_id, when in self.service.wake_times(self.clock()):
                batch.append((user_id, when))
                count += when is not None
                if len(batch) >= RESTORE_BATCH:
                    if not hand_over(batch):
                        return count
                    batch = []
            if batch:
                hand_over(batch)
            return count

        scheduler.begin_restore()
        try:
            # What the thread handed over is made before its result comes back: both wait in the same queue.
            count = await asyncio.to_thread(read)
        except Exception:
            log.exception("the schedule could not be rebuilt from storage")
            return
        finally:
            scheduler.end_restore()
        log.info("scheduled %d leader(s) in %.2f s", count, time.perf_counter() - started,
                 extra={"leaders_scheduled": count})

    async def on_refresh(self, context: CallbackContext) -> None:
        """Read the feeds in use (scheduled; never at the moment a leader asks)."""
        try:
            await self.desk.refresh(self.clock())
        except Exception:  # the next refresh tries again; suggestions use what was read before
            log.exception("the feed refresh failed")
            self.desk.refreshed.set()

    async def stop(self, application: Application) -> None:
        """At shutdown: stop the delivery workers (what they had not claimed is rebuilt at the next start)."""
        self._stopping.set()
        for task in (*self._workers, *self._background):
            task.cancel()
        await asyncio.gather(*self._workers, *self._background, return_exceptions=True)
        self._workers = []
        self._commands.shutdown(wait=False)  # idle by now: the updates in hand finished at the stop
        await self.desk.close()

    # --- handlers ---------------------------------------------------------------------------------------------

    async def skip_handled(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop an update that was already handled (Telegram sends it again when a crash kept it unconfirmed)."""
        if self.ledger.handled(update.update_id):
            log.info("update %s was already handled; skipped", update.update_id)
            self._done(update.update_id)
            raise ApplicationHandlerStop

    async def mark_handled(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Remember the update as handled (the write in a thread: concurrent ones share one write)."""
        await asyncio.get_running_loop().run_in_executor(self._commands, self.ledger.record, update.update_id)
        if self.inbox is not None:
            self.inbox.done(update.update_id)
        if self.metrics is not None:
            self.metrics.update_handled()

    def _done(self, update_id: int) -> None:
        """Recorded in the ledger, then out of the inbox (a crash in between: skipped at the next start)."""
        self.ledger.record(update_id)
        if self.inbox is not None:
            self.inbox.done(update_id)
        if self.metrics is not None:
            self.metrics.update_handled()

    async def guard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Refuse anyone outside COACHBOT_ALLOWED_USERS, once per message, storing nothing."""
        user = update.effective_user
        if not self.allowed_users or (user is not None and user.id in self.allowed_users):
            return
        language = self.service.language(None, user.language_code if user else None)
        refusal = self.renderer.words.plain(msg("not_allowed"), language)
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(refusal)
            elif update.effective_chat is not None and update.effective_message is not None:
                await context.bot.send_message(update.effective_chat.id, refusal)
        except TelegramError as error:
            log.info("could not answer a stranger: %s", error)
        self._done(update.update_id)
        raise ApplicationHandlerStop

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command or a line of text."""
        message = update.effective_message
        if message is not None and message.text is not None:
            await self._handle(update, context, read_line(message.text))

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An inline button."""
        query = update.callback_query
        if query is not None:
            await self._handle(update, context, Press(query.data or "", _buttons_of(query.message)))

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Files (an OPML list of feeds is imported), stickers, photos, voice notes..."""
        message = update.effective_message
        if message is None:
            return
        voice = message.voice
        if voice is not None:
            file_id = voice.file_id

            async def audio() -> bytes:  # fetched only if the coach asks, into memory, never to disk
                file = await context.bot.get_file(file_id)
                return bytes(await file.download_as_bytearray())

            duration = voice.duration  # python-telegram-bot gives seconds, or a timedelta when asked to
            seconds = int(duration.total_seconds()) if isinstance(duration, timedelta) else int(duration)
            await self._handle(update, context, VoiceNote(seconds, voice.file_size), audio)
            return
        document = message.document
        if document is not None and (document.file_size or 0) <= MAX_UPLOAD:
            file = await context.bot.get_file(document.file_id)
            content = bytes(await file.download_as_bytearray())
            await self._handle(update, context, Upload(document.file_name or "", content[:MAX_UPLOAD]))
            return
        await self._handle(update, context, Other("document" if document else "message"))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (scrubbed of secrets) and tell the leader, without details."""
        log.error("an update could not be handled: %s", context.error, exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None or isinstance(context.error, Forbidden):
            return
        user = update.effective_user
        language = self.service.language(user.id if user else None, user.language_code if user else None)
        text = self.renderer.words.plain(msg("internal_error"), language)
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(text[:200])
            else:
                await context.bot.send_message(update.effective_chat.id, text)
        except TelegramError as error:
            log.warning("could not tell the leader about the failure: %s", error)

    async def _handle(self, update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event,
                      audio: Audio | None = None) -> None:
        who = _who(update)
        if who is None:
            return
        # Deciding reads and writes the leader's file (an fsync): in a thread, so other chats go on meanwhile.
        outcome = await asyncio.get_running_loop().run_in_executor(
            self._commands, self.service.handle, who, event, self.clock())
        query = update.callback_query
        processor = context.application.update_processor
        # A press that had to wait its turn was answered at once, without a toast.
        if query is not None and not (isinstance(processor, ChatOrderedProcessor)
                                      and processor.answered_early(query.id)):
            try:
                await query.answer(self.renderer.toast(outcome.toast, outcome.language))
            except BadRequest as error:  # too old: the press still counts
                log.info("could not answer a button press: %s", error)
        source = query.message if query is not None and isinstance(query.message, Message) else None
        await self.render(context, who.user_id, who.chat_id, outcome, source)
        if outcome.effects:  # reading feeds takes seconds: in the background, the chat stays free
            self._spawn(self._follow(context, who, outcome, audio), f"effects {who.user_id}")

    async def _follow(self, context: CallbackContext, who: Who, outcome: Outcome, audio: Audio | None = None) -> None:
        """Carry out an outcome's effects (read a feed, the news, a voice note) and say what follows."""
        try:
            async for following in follow(self.service, self.desk, self.writer, who, outcome, self.clock,
                                          transcriber=self.transcriber, audio=audio, publisher=self.publisher):
                await self.render(context, who.user_id, who.chat_id, following, None)
        except Exception:  # the leader already has their answer; what follows is a bonus
            log.exception("what follows an answer to leader %s failed", who.user_id)

    async def tell(self, user_id: int, event: Event) -> bool:
        """Something that happened outside Telegram (a sign-in finished in the browser): the coach answers the
        leader in their chat. False when the leader is unknown."""
        application = self.application
        leader = await asyncio.to_thread(self.service.store.get, user_id)
        if application is None or leader is None:
            return False
        who = Who(user_id, leader.chat_id, None)
        outcome = await asyncio.get_running_loop().run_in_executor(
            self._commands, self.service.handle, who, event, self.clock())
        await self.render(CallbackContext(application), user_id, who.chat_id, outcome, None)
        return True

    # --- jobs -------------------------------------------------------------------------------------------------

    async def _deliver(self, application: Application) -> None:
        """One delivery worker: take a due leader, decide and record what is due, send it in its turn.

        Ten thousand leaders due at 08:00 are taken a few at a time, so the decision for each is made (and
        recorded) just before its messages go out, and the event loop stays free for commands meanwhile.
        """
        context = CallbackContext(application)
        # The morning's suggestions come from freshly read feeds, unless reading them takes too long.
        # (asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation.)
        try:
            async with asyncio.timeout(FIRST_REFRESH_WAIT):
                await self.desk.refreshed.wait()
        except TimeoutError:
            log.warning("delivering before the first feed refresh finished")
        due = self.scheduler.due
        while True:
            user_id = await due.get()
            self.scheduler.take(user_id)
            scheduled = self.scheduler.fired.pop(user_id, None)
            lesson: list[bool] = []
            try:
                # Deciding reads and writes the leader's file: in a thread, the event loop stays free.
                outcome = await asyncio.to_thread(self.service.wake, user_id, self.clock(),
                                                  functools.partial(lesson.append, True))
                if outcome.leader is not None and outcome.replies:
                    await self.render(context, user_id, outcome.leader.chat_id, outcome, None, bulk=True)
                if lesson and self.metrics is not None:
                    delay = (self.clock() - scheduled).total_seconds() if scheduled is not None else None
                    self.metrics.lesson_delivered(delay)
            except Exception:  # one leader's failure never stops the others
                log.exception("the delivery to leader %s failed", user_id)
            finally:
                due.task_done()

    async def render(self, context: CallbackContext, user_id: int, chat_id: int, outcome: Outcome,
                     source: Message | None, *, bulk: bool = False) -> None:
        """Send (or edit in place) every reply; a leader who blocked the bot is marked inactive."""
        try:
            for reply in outcome.replies:
                await self.renderer.send(context.bot, chat_id, reply, outcome.language, source,
                                         BULK if bulk else None)
        except Forbidden as error:
            log.info("cannot write to leader %s: %s", user_id, error.message)
            self.service.mark_blocked(user_id, self.clock())

