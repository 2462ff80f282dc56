"""Runs the real Application against the in-process fake Bot API, with a clock the test moves."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.settings import Settings
from tests.conftest import CONTENT_DIR, FEEDS, utc
from tests.support.fake_bot_api import FakeBotApi, RecordingRequest, SentMessage


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


class Harness:
    """One bot (the real handler table) and the user side of the fake Bot API."""

    def __init__(self, data_dir: Path, *, api: FakeBotApi | None = None, now: datetime | None = None,
                 allowed_users: frozenset[int] = frozenset(), feeds_path: Path = FEEDS, feed_workers: int = 0,
                 feed_timeout: float = 15.0, read_feeds: bool = False, allow_private_feeds: bool = False,
                 llm_url: str = "", llm_model: str = "", stt_url: str = "", stt_model: str = "",
                 whisper_model: Path | None = None, **more_settings: object) -> None:
        self.read_feeds = read_feeds  # False: no feed is ever read (the configured ones are on the internet)
        self.api = api or FakeBotApi()
        self.now = now or utc(2026, 11, 23, 6, 0)  # Monday 07:00 in Paris
        settings = Settings(token=self.api.token, data_dir=data_dir, feeds_path=feeds_path, content_dir=CONTENT_DIR,
                            allowed_users=allowed_users, allow_private_feeds=allow_private_feeds,
                            llm_url=llm_url, llm_model=llm_model, stt_url=stt_url, stt_model=stt_model,
                            whisper_model=whisper_model)
        settings = replace(settings, **more_settings)  # type: ignore[arg-type]
        # Telegram's pacing is tested on its own; here it would only slow the conversation down.
        self.app: Application = build_application(settings, request=RecordingRequest(self.api),
                                                  clock=lambda: self.now, overall_per_second=10_000,
                                                  per_chat_per_second=10_000, feed_workers=feed_workers,
                                                  feed_timeout=feed_timeout)

    async def __aenter__(self) -> Harness:
        await self.app.initialize()
        await self.app.post_init(self.app)  # type: ignore[misc]
        await self.app.bot_data["frontend"].scheduled.wait()  # every stored leader has their job
        # No feed is fetched on schedule in these tests (the scheduler is not started), nor at once unless asked
        # for: the desk holds what a test puts in.
        self.desk.refreshed.set()
        if not self.read_feeds:
            self.desk.unread = lambda leader: []
        return self

    @property
    def desk(self):  # noqa: ANN201
        return self.app.bot_data["frontend"].desk

    async def __aexit__(self, *exc: object) -> None:
        await self.app.post_shutdown(self.app)  # type: ignore[misc]
        await self.app.shutdown()

    def feeds_answer(self) -> None:
        """Every feed a leader adds answers as a good feed would (no network here)."""
        async def probe(url: str, name: str, now: datetime) -> None:
            return None

        self.desk.probe = probe

    async def settle(self) -> None:
        """Wait until what follows the last answers (feeds read at once, first suggestions) is done."""
        frontend = self.app.bot_data["frontend"]
        while frontend._background:
            await asyncio.gather(*list(frontend._background), return_exceptions=True)

    async def feed(self, update: dict) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def send(self, user_id: int, text: str, language_code: str | None = "en") -> None:
        await self.feed(self.api.user_sends(user_id, text, language_code=language_code))

    async def voice(self, user_id: int, audio: bytes, *, duration: int) -> None:
        """The user records a voice note; what follows it (download, transcription) is waited for."""
        await self.feed(self.api.user_sends_voice(user_id, audio, duration=duration))
        await self.settle()

    async def press(self, user_id: int, data: str, message_id: int | None = None) -> None:
        if message_id is None:
            message_id = self.message_with(user_id, data).message_id
        await self.feed(self.api.user_presses(user_id, message_id, data))

    async def onboard(self, user_id: int) -> None:
        await self.send(user_id, "/start")
        for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
            await self.press(user_id, data)

    async def posting(self, user_id: int) -> None:
        """After onboarding: "I post now and then", then "posts from today" (the mornings bring posts to write)."""
        await self.press(user_id, "stand:poster")
        await self.press(user_id, "stage:post")

    def button(self, chat_id: int, prefix: str) -> str:
        """The callback data of the newest button to that chat whose data starts with `prefix`."""
        for message in reversed(self.api.messages(chat_id)):
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if (button.get("callback_data") or "").startswith(prefix):
                        return button["callback_data"]
        raise AssertionError(f"no message to {chat_id} has a button starting with {prefix!r}")

    def message_with(self, chat_id: int, data: str) -> SentMessage:
        """The last message to that chat carrying a button with this callback data."""
        for message in reversed(self.api.messages(chat_id)):
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                if any(button.get("callback_data") == data for button in row):
                    return message
        raise AssertionError(f"no message to {chat_id} has a button {data!r}")

    def last(self, chat_id: int) -> SentMessage:
        return self.api.messages(chat_id)[-1]

    def jobs(self, user_id: int) -> list:
        return [job for job in self.app.job_queue.get_jobs_by_name(f"wake:{user_id}") if not job.removed]

    def when(self, user_id: int) -> datetime | None:
        """The instant of the leader's pending job (the scheduler is not started: tests run jobs by hand)."""
        jobs = self.jobs(user_id)
        assert len(jobs) <= 1, jobs
        return jobs[0].job.trigger.run_date if jobs else None

    async def run_job(self, user_id: int) -> None:
        """Fire the leader's job and wait until its delivery is done."""
        (job,) = self.jobs(user_id)
        await job.run(self.app)
        await self.app.bot_data["frontend"].scheduler.due.join()
