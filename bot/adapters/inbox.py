"""A small durable inbox: every update fetched from Telegram is on disk before Telegram is told it was received.

Telegram forgets an update when the next getUpdates confirms it (its offset goes past it). The bot may hold many
fetched updates at once (a leader's backlog waits for that chat's pace), so a stop or a crash would lose all of
them. Here each fetched batch is written atomically (`data/inbox/<first id>-<n>.json`) before python-telegram-bot
sees it, hence before the next poll can confirm it; an entry leaves once its update is handled (the file goes when
all of its updates have); at start, what is left is handled first. Together with the update ledger, each command
is handled at least once and, as far as the ledger can tell, once.

`InboxRequest` wraps python-telegram-bot's request object for getUpdates: it stores the batch before returning it,
and before a long poll it waits while too many updates are in hand (a bounded fetch-ahead).
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.adapters.storage import DIR_MODE, UpdateLedger, write_atomically

log = logging.getLogger(__name__)

FETCH_AHEAD = 1_000  # updates in hand (fetched, not handled) above which polling waits


class Inbox:
    """The fetched updates not handled yet, one atomic file per fetched batch."""

    def __init__(self, data_dir: Path, ledger: UpdateLedger, *, ahead: int = FETCH_AHEAD) -> None:
        self.folder = Path(data_dir) / "inbox"
        self.ledger = ledger
        self.ahead = ahead
        self._where: dict[int, Path] = {}  # update id in hand -> its batch file
        self._left: dict[Path, set[int]] = {}  # batch file -> the ids in it not handled yet
        self._names = itertools.count()
        self._freed: asyncio.Event | None = None
        self.received_at: float | None = None  # time.monotonic() of the last answer from Telegram with updates

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, update_id: object) -> bool:
        return update_id in self._where

    def lowest(self) -> int | None:
        """The lowest update id in hand (None: nothing is); the ledger asks from its writing thread."""
        ids = list(self._where)  # one step under the GIL (int keys): safe beside the event loop's changes
        return min(ids) if ids else None

    def drain(self) -> list[dict[str, Any]]:
        """At start: the updates kept by an earlier run and not handled, oldest first (spent files removed)."""
        self.folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        found: dict[int, dict[str, Any]] = {}
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith(".") and path.name.endswith(".tmp"):  # cut short by a crash: never confirmed
                path.unlink(missing_ok=True)
                continue
            if path.suffix != ".json":
                continue
            try:
                updates = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(updates, list):
                    raise ValueError("not a list")
            except (OSError, ValueError) as error:
                log.error("an inbox file is unreadable (%s); set aside", type(error).__name__)
                path.rename(path.with_suffix(".unreadable"))
                continue
            left = self._register(path, updates)
            for update in updates:
                if isinstance(update, dict) and update.get("update_id") in left:
                    found.setdefault(update["update_id"], update)
        if found:
            log.info("%d update(s) kept from before the stop are handled first", len(found))
        return [found[update_id] for update_id in sorted(found)]

    def store(self, updates: list[Any]) -> None:
        """Keep a fetched batch on disk (atomically) before it is handed on; OSError if it cannot be."""
        fresh = [
            update for update in updates
            if isinstance(update, dict) and isinstance(update.get("update_id"), int)
            and update["update_id"] not in self._where and not self.ledger.handled(update["update_id"])
        ]
        if not fresh:
            return
        self.folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        path = self.folder / f"{fresh[0]['update_id']:012d}-{os.getpid()}-{next(self._names)}.json"
        write_atomically(path, json.dumps(fresh, ensure_ascii=False).encode())
        self._register(path, fresh)

    def done(self, update_id: int) -> None:
        """The update was handled: its entry leaves (and its file, once all of the batch is handled)."""
        path = self._where.pop(update_id, None)
        if path is None:
            return
        left = self._left.get(path)
        if left is not None:
            left.discard(update_id)
            if not left:
                del self._left[path]
                try:
                    path.unlink(missing_ok=True)
                except OSError as error:  # drained again at the next start, then skipped by the ledger
                    log.warning("could not remove a spent inbox file: %s", error.strerror or error)
        if self._freed is not None and len(self._where) < self.ahead:
            self._freed.set()

    async def room(self) -> None:
        """Wait while too many fetched updates are in hand."""
        while len(self._where) >= self.ahead:
            if self._freed is None:
                self._freed = asyncio.Event()
            self._freed.clear()
            await self._freed.wait()

    def _register(self, path: Path, updates: list[Any]) -> set[int]:
        left = {
            update["update_id"] for update in updates
            if isinstance(update, dict) and isinstance(update.get("update_id"), int)
            and not self.ledger.handled(update["update_id"]) and update["update_id"] not in self._where
        }
        if not left:
            path.unlink(missing_ok=True)
            return left
        self._left[path] = left
        for update_id in left:
            self._where[update_id] = path
        return left


class InboxRequest(BaseRequest):
    """python-telegram-bot's request object for getUpdates, keeping each fetched batch in the inbox first."""

    def __init__(self, inner: BaseRequest, inbox: Inbox) -> None:
        self.inner = inner
        self.inbox = inbox

    @property
    def read_timeout(self) -> float | None:
        """The wrapped request's default read timeout."""
        return self.inner.read_timeout

    async def initialize(self) -> None:
        """Initialize the wrapped request."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped request down."""
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Pass the call on; a getUpdates batch is stored before it is returned (so before it is confirmed)."""
        polling = url.rstrip("/").rpartition("/")[2].lower() == "getupdates"
        if polling and request_data is not None:
            if str(request_data.json_parameters.get("timeout", "0")) not in ("", "0"):
                await self.inbox.room()  # a long poll waits for room; the last poll at a stop never waits
        status, body = await self.inner.do_request(url, method, request_data, read_timeout, write_timeout,
                                                   connect_timeout, pool_timeout)
        if polling and status == 200:
            self.inbox.received_at = time.monotonic()
            try:
                payload = json.loads(body)
            except ValueError:
                return status, body
            updates = payload.get("result") if isinstance(payload, dict) and payload.get("ok") else None
            if isinstance(updates, list) and updates:
                try:
                    self.inbox.store(updates)
                except OSError as error:
                    # Not returned, so not confirmed: Telegram keeps the batch and the next poll tries again.
                    log.error("cannot keep fetched updates (%s); fetching again later", error.strerror or error)
                    raise NetworkError("cannot keep the fetched updates") from None
        return status, body


class WebhookReceiver:
    """Updates pushed by Telegram (webhook mode), kept in the inbox before Telegram is answered 200.

    A request without the secret token given to setWebhook is refused (403) and changes nothing. An update
    is written to the inbox before the answer, so a crash after it loses nothing (Telegram sends again what got
    no 200, and what is already in hand or handled is not handled twice); it then joins the same queue as
    polled updates, so each chat's updates are handled in order, as in polling mode.
    """

    def __init__(self, application: Application, inbox: Inbox, secret: str) -> None:  # type: ignore[type-arg]
        self.application = application
        self.inbox = inbox
        self._secret = secret

    async def __call__(self, secret: str | None, body: bytes) -> int:
        """Take one pushed update; the HTTP status to answer."""
        if secret is None or not hmac.compare_digest(secret.encode(), self._secret.encode()):
            log.warning("a webhook request without the right secret token was refused")
            return 403
        try:
            payload = json.loads(body)
        except ValueError:
            return 400
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return 400
        self.inbox.received_at = time.monotonic()
        update_id = payload["update_id"]
        if update_id in self.inbox or self.inbox.ledger.handled(update_id):
            return 200  # sent again: already kept, or handled
        try:
            self.inbox.store([payload])
        except OSError as error:  # not answered 200: Telegram sends it again later
            log.error("cannot keep a pushed update (%s)", error.strerror or error)
            return 503
        update = Update.de_json(payload, self.application.bot)
        if update is not None:
            await self.application.update_queue.put(update)
        return 200
