"""The nightly backup of `coachbot run`: one archive at a set hour of server time, the newest kept, and a copy
sent to the operators' chats when Telegram accepts its size.

The archive is written in a worker thread (each leader's file read under that leader's lock, see bot/backup.py),
so the bot goes on answering meanwhile. The next run is computed from the server's local time each night, so a
change of daylight-saving time keeps the hour.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext

from bot.backup import BACKUPS, Backup, BackupError, LeaderLock, describe, newest_taken, prune, take_backup

log = logging.getLogger(__name__)

SEND_LIMIT = 50 * 1024 * 1024  # bytes: Telegram's limit for a bot's sendDocument
JOB_NAME = "nightly backup"


def local_now() -> datetime:
    """The server's local time, aware."""
    return datetime.now().astimezone()


def next_run(at: time, now: datetime) -> datetime:
    """The next instant the server's clock shows `at` after `now` (an aware local time)."""
    day = now.date()
    for _ in range(3):
        moment = datetime.combine(day, at).astimezone()  # read with the server's own rules (DST included)
        if moment > now:
            return moment
        day += timedelta(days=1)
    return now + timedelta(days=1)


class NightlyBackup:
    """Takes the nightly archive, keeps the newest `keep`, and sends it to the operators."""

    def __init__(self, data_dir: Path, *, at: time, keep: int, operators: frozenset[int] = frozenset(),
                 lock: LeaderLock | None = None, clock: Callable[[], datetime] = local_now,
                 send_limit: int = SEND_LIMIT, on_taken: Callable[[datetime], None] | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.folder = self.data_dir / BACKUPS
        self.at, self.keep, self.operators = at, keep, operators
        self.lock = lock
        self.clock = clock
        self.send_limit = send_limit
        self.on_taken = on_taken
        self.last_taken: datetime | None = None

    def start(self, application: Application) -> None:
        """Schedule the next run, and tell when the newest archive was taken (from its name: nothing is read at
        start; every archive is checked at the next backup)."""
        self.last_taken = newest_taken(self.folder)
        if self.last_taken is not None and self.on_taken is not None:
            self.on_taken(self.last_taken)
        self._schedule(application)

    def _schedule(self, application: Application) -> None:
        if application.job_queue is None:
            raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
        when = next_run(self.at, self.clock())
        application.job_queue.run_once(self._job, when=when, name=JOB_NAME,
                                       job_kwargs={"misfire_grace_time": None, "coalesce": True})
        log.info("next backup at %s", when.isoformat(timespec="minutes"))

    async def _job(self, context: CallbackContext) -> None:
        try:
            await self.run(context.bot)
        finally:
            self._schedule(context.application)

    async def run(self, bot: Bot) -> Backup | None:
        """Take one archive now, prune the old ones, send it to the operators; None if it failed (logged)."""
        try:
            backup = await asyncio.to_thread(take_backup, self.data_dir, self.folder, lock=self.lock)
            removed = await asyncio.to_thread(prune, self.folder, self.keep)
        except (BackupError, OSError) as error:
            log.error("the nightly backup failed: %s", error)
            return None
        self.last_taken = backup.created
        if self.on_taken is not None:
            self.on_taken(backup.created)
        log.info("backup written: %s (%d older removed)", describe(backup), len(removed),
                 extra={"backup": backup.path.name, "backup_bytes": backup.path.stat().st_size,
                        "leaders": backup.counts.get("leaders", 0), "removed": len(removed)})
        size = backup.path.stat().st_size
        for chat_id in sorted(self.operators):
            if size > self.send_limit:
                log.warning("the backup (%d bytes) is over Telegram's %d-byte limit; not sent to operator chat %s",
                            size, self.send_limit, chat_id)
                continue
            try:
                with backup.path.open("rb") as handle:
                    await bot.send_document(chat_id, document=handle, filename=backup.path.name,
                                            caption=describe(backup)[:1024], disable_notification=True)
            except TelegramError as error:
                log.warning("could not send the backup to operator chat %s: %s", chat_id, error)
        return backup
