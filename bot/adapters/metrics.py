"""What the running bot counts, for Prometheus (`prometheus-client`, a registry of the bot's own).

Nothing about a leader is ever a label or a value: no id, no chat, no text, no feed address; only kinds of things
and how many. `metrics_routes(registry)` gives the Starlette route serving `/metrics` in Prometheus' text format,
for the bot's web server to mount.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.core.speech import Heard, Transcriber

# Seconds between a lesson's scheduled minute and its delivery.
DELAY_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600)


class Metrics:
    """The bot's counters and gauges, in a registry of their own."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter("coachbot_updates_handled", "Telegram updates handled", registry=r)
        self.replies = Counter("coachbot_replies_sent", "Messages sent or edited, by Bot API method",
                               ["method"], registry=r)
        self.rate_limited = Counter("coachbot_telegram_429", "Calls Telegram answered with 429 (too many requests)",
                                    registry=r)
        self.retries = Counter("coachbot_telegram_retries", "Bot API calls tried again, by reason", ["reason"],
                               registry=r)
        self.lessons = Counter("coachbot_lessons_delivered", "Daily lessons delivered", registry=r)
        self.lesson_delay = Histogram("coachbot_lesson_delay_seconds",
                                      "Seconds from a lesson's scheduled minute to its delivery",
                                      buckets=DELAY_BUCKETS, registry=r)
        self.feeds_read = Counter("coachbot_feeds_read", "Feeds read, by outcome (ok, not-modified, error...)",
                                  ["status"], registry=r)
        self.feeds_failing = Gauge("coachbot_feeds_failing", "Feeds that failed at the last refresh", registry=r)
        self.model_calls = Counter("coachbot_model_calls", "Posts asked of the model writer, by result "
                                   "(model: its post was used; fallback: the composer wrote it)", ["result"],
                                   registry=r)
        self.transcriptions = Counter("coachbot_transcription_calls", "Voice notes sent to the transcription "
                                      "service, by result (ok, fallback)", ["result"], registry=r)
        self.inbox_depth = Gauge("coachbot_inbox_depth", "Updates fetched and not handled yet", registry=r)
        self.backup_age = Gauge("coachbot_backup_age_seconds", "Seconds since the newest backup (NaN: none yet)",
                                registry=r)
        self._backup_at: float | None = None
        self.backup_age.set_function(self._age)
        self.inbox_depth.set_function(lambda: 0)

    # --- what happens ----------------------------------------------------------------------------------------

    def update_handled(self) -> None:
        """One Telegram update went through the handlers."""
        self.updates.inc()

    def reply_sent(self, method: str) -> None:
        """A message went out (or was edited) with this Bot API method."""
        self.replies.labels(method).inc()

    def throttled(self) -> None:
        """Telegram answered 429."""
        self.rate_limited.inc()

    def retried(self, reason: str) -> None:
        """A call is tried again: "rate_limited" or "network"."""
        self.retries.labels(reason).inc()

    def lesson_delivered(self, delay_seconds: float | None) -> None:
        """A daily lesson went out, `delay_seconds` after its scheduled minute (None: not known)."""
        self.lessons.inc()
        if delay_seconds is not None:
            self.lesson_delay.observe(max(delay_seconds, 0.0))

    def feeds_refreshed(self, statuses: Iterable[str]) -> None:
        """A refresh read feeds with these outcomes."""
        failing = 0
        for status in statuses:
            self.feeds_read.labels(status).inc()
            failing += status == "error"
        self.feeds_failing.set(failing)

    def model_call(self, used: bool) -> None:
        """The model was asked for a post: its post was used, or the composer wrote it instead."""
        self.model_calls.labels("model" if used else "fallback").inc()

    def transcription_call(self, ok: bool) -> None:
        """A voice note was sent for transcription: transcribed, or not (the leader was asked to type)."""
        self.transcriptions.labels("ok" if ok else "fallback").inc()

    def watch_inbox(self, depth: Callable[[], int]) -> None:
        """The inbox's depth is read when the metrics are."""
        self.inbox_depth.set_function(lambda: float(depth()))

    def backup_taken(self, when: datetime) -> None:
        """The newest backup was taken at `when`."""
        self._backup_at = when.timestamp()

    def _age(self) -> float:
        return math.nan if self._backup_at is None else max(time.time() - self._backup_at, 0.0)

    def text(self) -> bytes:
        """Everything, in Prometheus' text format."""
        return generate_latest(self.registry)


class CountedTranscriber:
    """A transcriber whose calls are counted: transcribed, or not (the leader was asked to type)."""

    def __init__(self, inner: Transcriber, metrics: Metrics) -> None:
        self.inner, self.metrics = inner, metrics

    async def transcribe(self, audio: bytes, language: str) -> Heard:
        """The inner transcriber's answer, counted."""
        heard = await self.inner.transcribe(audio, language)
        self.metrics.transcription_call(heard.problem is None)
        return heard


def metrics_routes(registry: CollectorRegistry) -> list[BaseRoute]:
    """The Starlette route of `/metrics` (Prometheus' text format) for the bot's web server."""

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", metrics, methods=["GET"])]
