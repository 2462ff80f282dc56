"""Outgoing Bot API calls kept under Telegram's limits, with interactive replies ahead of scheduled sends.

Telegram accepts about 30 messages a second from a bot overall and about one a second in a chat, and answers 429
with `retry_after` beyond that. Every message-sending call waits for its turn here: turns are spaced to the
overall rate and, in each chat, to the per-chat rate. Replies to what a leader just did go before the morning's
scheduled messages (marked `BULK`), so a leader's command is answered within a second even while ten thousand
lessons are going out. A 429 that slips through pauses every send for its `retry_after`; timeouts and server
errors are retried a few times with growing pauses; a refusal (400, 403) is final.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

if TYPE_CHECKING:
    from bot.adapters.metrics import Metrics

log = logging.getLogger(__name__)

BULK = "bulk"
# The calls that put a message in a chat (sending or changing one): they count against the limits.
MESSAGE_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendChatAction", "copyMessage",
    "forwardMessage", "editMessageText", "editMessageCaption", "editMessageReplyMarkup",
})
INTERACTIVE, SCHEDULED = 0, 1
# Sends leave a little under the overall limit: the network delays some more than others, and two that left
# a turn apart may arrive closer together.
SAFETY = 0.97


class PacedRateLimiter(BaseRateLimiter[str]):
    """Spaces message sends to an overall and a per-chat rate; `rate_limit_args=BULK` marks scheduled sends."""

    def __init__(self, *, overall_per_second: float = 30.0, per_chat_per_second: float = 1.0,
                 interactive_burst: int = 3, max_retries: int = 3, network_retries: int = 3,
                 first_pause: float = 0.5, metrics: Metrics | None = None) -> None:
        self.overall_gap = 1.0 / (overall_per_second * SAFETY)
        self.chat_gap = 1.0 / per_chat_per_second
        self.interactive_burst = interactive_burst
        self.max_retries = max_retries
        self.network_retries = network_retries
        self.first_pause = first_pause
        self.metrics = metrics
        # One queue per priority, each ordered by the instant the send's chat is ready.
        self._queues: tuple[list[tuple[float, int, asyncio.Future[None]]], ...] = ([], [])
        self._order = itertools.count()
        self._chat_next: dict[int | str, float] = {}
        self._next_turn = 0.0
        self._paused_until = 0.0
        self._arrived: asyncio.Event | None = None
        self._pacer: asyncio.Task[None] | None = None

    async def initialize(self) -> None:
        """Start giving turns."""
        if self._pacer is None:
            self._arrived = asyncio.Event()
            self._pacer = asyncio.create_task(self._give_turns(), name="message pacer")

    async def shutdown(self) -> None:
        """Stop giving turns; callers still waiting go at once."""
        if self._pacer is not None:
            self._pacer.cancel()
            try:
                await self._pacer
            except asyncio.CancelledError:
                pass
            self._pacer = None
        for queue in self._queues:
            for _, _, turn in queue:
                if not turn.done():
                    turn.set_result(None)
            queue.clear()

    @property
    def waiting(self) -> int:
        """How many sends wait for their turn."""
        return sum(len(queue) for queue in self._queues)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Run one Bot API call in its turn, retrying what is worth retrying."""
        counted = endpoint in MESSAGE_METHODS
        priority = SCHEDULED if rate_limit_args == BULK else INTERACTIVE
        limited = network = 0
        while True:
            if counted:
                await self._turn(priority, data.get("chat_id"))
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as error:
                if self.metrics is not None:
                    self.metrics.throttled()
                if limited >= self.max_retries:
                    raise
                limited += 1
                if self.metrics is not None:
                    self.metrics.retried("rate_limited")
                retry = error.retry_after
                wait = retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
                self._pause(wait)
                log.warning("%s: Telegram asked to wait %.1f s (retry %d of %d)", endpoint, wait, limited,
                            self.max_retries)
                priority = INTERACTIVE  # it already waited its turn once
            except BadRequest:
                raise
            except NetworkError as error:
                if endpoint == "getUpdates" or network >= self.network_retries:
                    raise
                network += 1
                if self.metrics is not None:
                    self.metrics.retried("network")
                pause = self.first_pause * 2 ** (network - 1)
                log.warning("%s failed (%s); retry %d of %d in %.1f s", endpoint, error, network,
                            self.network_retries, pause)
                await asyncio.sleep(pause)
            else:
                if counted and self.metrics is not None:
                    self.metrics.reply_sent(endpoint)
                return result

    def _pause(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._paused_until = max(self._paused_until, loop.time() + seconds)
        if self._arrived is not None:
            self._arrived.set()

    async def _turn(self, priority: int, chat_id: object) -> None:
        if self._pacer is None:
            await self.initialize()
        loop = asyncio.get_running_loop()
        now = loop.time()
        ready = now
        if isinstance(chat_id, int | str):
            # Each chat's sends are spaced by chat_gap; a reply may run a few ahead of that spacing (a short
            # burst, which Telegram tolerates), a scheduled send never.
            spaced = self._chat_next.get(chat_id, now)
            burst = self.interactive_burst if priority == INTERACTIVE else 1
            ready = max(now, spaced - (burst - 1) * self.chat_gap)
            self._chat_next[chat_id] = max(spaced, now) + self.chat_gap
        turn: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._queues[priority], (ready, next(self._order), turn))
        assert self._arrived is not None
        self._arrived.set()
        await turn

    async def _give_turns(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._arrived is not None
        while True:
            heads = [queue for queue in self._queues if queue]
            if not heads:
                self._arrived.clear()
                await self._arrived.wait()
                continue
            now = loop.time()
            opening = max(self._next_turn, self._paused_until)
            # The first queue (interactive first) whose head's chat is ready takes the next turn.
            chosen = next((queue for queue in heads if queue[0][0] <= max(now, opening)), None)
            start = opening if chosen is not None else max(opening, min(queue[0][0] for queue in heads))
            if start > now:
                self._arrived.clear()
                try:  # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation
                    async with asyncio.timeout(start - now):
                        await self._arrived.wait()
                except TimeoutError:
                    pass
                continue
            if chosen is None:
                continue
            _, _, turn = heapq.heappop(chosen)
            if turn.done():
                continue
            turn.set_result(None)
            # Turns keep their cadence: waking a little late does not push every later turn back (the timer's
            # lateness would otherwise add up to a tenth of the rate), and after a quiet time they start afresh.
            cadence = self._next_turn if self._next_turn > now - self.overall_gap else now
            self._next_turn = cadence + self.overall_gap
            if len(self._chat_next) > 50_000:  # forget chats whose next turn has long passed
                self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
