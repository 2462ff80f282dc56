"""Updates of different chats handled at once, those of one chat in order (python-telegram-bot's update seam).

Each reply waits for its chat's pace (one message a second), so handling updates one after the other let the
slowest chat set everyone's pace. Here every chat has its own line: an update starts when the one before it in
the same chat is done, and at most `running` updates (so at most `running` chats) are handled at the same time,
taking turns in the order they arrived, so a chat that floods holds one place at a time and gets its replies in
turn while the others are answered. A button press that has to wait is answered at once (the spinner stops),
before its turn. At a stop, nothing new starts: what is running finishes, what waits stays in the inbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseUpdateProcessor

log = logging.getLogger(__name__)

RUNNING = 64  # updates handled at the same time; pacing, not this, sets how fast replies go out
UNBOUNDED = 1_000_000  # python-telegram-bot's own semaphore: the bounds that matter are ours


def chat_key(update: Update) -> object:
    """The line an update waits in: its chat, else its user, else its own."""
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return ("update", update.update_id)


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat, `running` at most at once; stops taking at a stop."""

    def __init__(self, running: int = RUNNING) -> None:
        super().__init__(max_concurrent_updates=UNBOUNDED)
        self.running = running
        self.stopping = False
        self._slots = asyncio.Semaphore(running)
        self._tails: dict[object, asyncio.Future[None]] = {}
        self._in_hand: set[int] = set()
        self._answered: set[str] = set()

    async def initialize(self) -> None:
        """Ready to take updates (the bound is made on the running event loop)."""
        self.stopping = False
        self._slots = asyncio.Semaphore(self.running)

    async def shutdown(self) -> None:
        """Nothing to release: the updates still waiting returned at the stop."""

    def stop_taking(self) -> None:
        """From now on nothing new starts (what waits is left for the next start); what runs finishes."""
        self.stopping = True

    @property
    def in_hand(self) -> int:
        """Updates running or waiting their turn."""
        return len(self._in_hand)

    def leave_unanswered(self, query_id: str) -> None:
        """A press kept from before a stop or a crash: answering it now would be refused (answered, or too old)."""
        self._answered.add(query_id)

    def answered_early(self, query_id: str) -> bool:
        """Whether this button press was already answered (the spinner stopped) while it waited its turn."""
        if query_id in self._answered:
            self._answered.discard(query_id)
            return True
        return False

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handling after the chat's previous update, within the bound."""
        if not isinstance(update, Update):
            await coroutine
            return
        update_id = update.update_id
        if self.stopping or update_id in self._in_hand:  # a stop; or fetched again while still in hand
            _close(coroutine)
            return
        self._in_hand.add(update_id)
        key = chat_key(update)
        previous = self._tails.get(key)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = mine
        started = False
        try:
            query = update.callback_query
            if query is not None and (previous is not None or self._slots.locked()):
                await self._answer_early(query)
            if previous is not None:
                await asyncio.shield(previous)
            async with self._slots:
                if not self.stopping:
                    started = True
                    await coroutine
        finally:
            if not started:
                _close(coroutine)
            mine.set_result(None)
            if self._tails.get(key) is mine:
                del self._tails[key]
            self._in_hand.discard(update_id)

    async def _answer_early(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except TelegramError as error:
            log.info("could not answer a button press early: %s", error)
            return
        self._answered.add(query.id)


class CoachApplication(Application):  # type: ignore[type-arg]
    """python-telegram-bot's Application, stopping promptly: the processor stops taking before the queue joins."""

    async def stop(self) -> None:
        """Stop: updates still waiting stay in the inbox for the next start; the running ones finish."""
        processor = self.update_processor
        if isinstance(processor, ChatOrderedProcessor):
            processor.stop_taking()
        await super().stop()
