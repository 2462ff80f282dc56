"""Morning fan-out: thousands of leaders due in the same minute, each sent a lesson and a suggestions message.

The real Application (handlers, JobQueue, delivery queue, pacer) runs against an in-process stand-in of the Bot
API that enforces Telegram's limits: about OVERALL messages a second overall and about one a second per chat
(both scaled by --scale so that a run lasts about a minute), answering 429 with retry_after above them. Every
leader's lesson time is a minute ago, so all are due at once when the bot starts, as at 08:00.

Printed: messages delivered per second against the limit (target >= 0.95), 429 answers provoked (target 0),
messages lost and duplicated (target 0), and how fast commands from other leaders are answered meanwhile
(target: within a second).

    .venv/bin/python bench/bench_fanout.py [--leaders 10000] [--scale 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from telegram import Update  # noqa: E402

from bot.adapters.storage import FeedStore, LeaderStore  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.core.feedstate import FeedState  # noqa: E402
from bot.core.model import Leader, Schedule, ScheduleChange  # noqa: E402
from bot.core.news import Item  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi, RecordingRequest  # noqa: E402

OVERALL = 30.0
PER_CHAT = 1.0
CHAT_BURST = 3
MESSAGE_METHODS = {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}
FEED_URL = "https://feeds.example.org/technology.xml"


class LimitedBotApi(FakeBotApi):
    """The fake Bot API, refusing with 429 what goes beyond Telegram's limits (sliding one-second window)."""

    def __init__(self, overall: float, per_chat: float) -> None:
        super().__init__()
        self.overall, self.chat_gap = overall, 1.0 / per_chat
        self.recent: deque[float] = deque()
        self.last_in_chat: dict[str, float] = {}
        self.refused = 0
        self.refusals: Counter[str] = Counter()
        self.sent_at: list[tuple[float, bool]] = []  # (when, a morning message rather than a reply)
        self.limit_lock = threading.Lock()

    def handle(self, token, method, params, files=None):  # type: ignore[no-untyped-def]
        if method in MESSAGE_METHODS:
            now = time.monotonic()
            chat = str(params.get("chat_id"))
            with self.limit_lock:
                while self.recent and now - self.recent[0] >= 1.0:
                    self.recent.popleft()
                too_many = len(self.recent) >= self.overall + 1  # one of slack for clock edges
                # Per chat: one message per gap on average, a short burst of CHAT_BURST tolerated (as Telegram does
                # for replies in a private chat), 10% of slack for timing.
                spaced = self.last_in_chat.get(chat, now)
                too_fast = now < spaced - (CHAT_BURST - 1) * self.chat_gap - 0.1 * self.chat_gap
                if too_many or too_fast:
                    self.refused += 1
                    self.refusals[("overall" if too_many else "chat")] += 1
                    body = {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1},
                    }
                    return 429, body
                self.recent.append(now)
                self.last_in_chat[chat] = max(spaced, now) + self.chat_gap
                self.sent_at.append((now, chat.isdigit() and int(chat) >= 10_000_000))
        return super().handle(token, method, params, files)


def prepare(data: Path, leaders: int, feeds: Path) -> datetime:
    """Leaders whose lesson time was a minute ago, and a sector's items already read."""
    now = datetime.now(UTC)
    slot = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    store = LeaderStore(data)
    for n in range(leaders):
        user = 10_000_000 + n
        store.put(
            Leader(
                user,
                user,
                language="en" if n % 2 else "fr",
                timezone="UTC",
                onboarded=True,
                awaiting=None,
                schedule=Schedule(slot.time(), frozenset(range(7))),
                sector="technology",
                created_at=now,
                schedule_log=(ScheduleChange(slot.date() - timedelta(days=1), frozenset(range(7))),),
            )
        )
    items = tuple(
        Item(
            f"AI and cloud: story {i} for leaders",
            f"https://news.example.org/{i}",
            f"Source {i % 7}",
            f"Story {i}. What it means for software teams.",
            now - timedelta(minutes=10 + i),
            "en",
        )
        for i in range(60)
    )
    FeedStore(data).put(FeedState(FEED_URL, items=items, checked_at=now, retry_at=now + timedelta(hours=1)))
    feeds.write_text(
        yaml.safe_dump(
            {
                "sectors": [
                    {
                        "id": "technology",
                        "label": {"en": "Technology", "fr": "Technologie"},
                        "keywords": {"en": ["AI", "cloud"], "fr": ["IA"]},
                        "feeds": [{"url": FEED_URL, "name": "Technology wire", "lang": "en"}],
                    }
                ]
            }
        )
    )
    return slot


async def morning(data: Path, feeds: Path, leaders: int, scale: float) -> dict[str, float]:
    api = LimitedBotApi(OVERALL * scale, PER_CHAT * scale)
    settings = Settings(token=api.token, data_dir=data, feeds_path=feeds)
    app = build_application(
        settings,
        request=RecordingRequest(api),
        overall_per_second=OVERALL * scale,
        per_chat_per_second=PER_CHAT * scale,
        feed_workers=0,
    )
    for n in range(leaders):  # each leader once wrote to the bot, so their chat exists
        api.user_sends(10_000_000 + n, "/start")
    others = list(range(90, 100))  # leaders outside the morning, who send commands meanwhile (in turn)
    for other in others:
        api.user_sends(other, "/start")
    await app.initialize()
    started = time.monotonic()
    await app.post_init(app)  # type: ignore[misc]
    await app.start()  # the JobQueue starts: every leader is due now
    expected = 2 * leaders
    latencies: list[float] = []
    deadline = started + max(120.0, 4 * expected / (OVERALL * scale))
    while time.monotonic() < deadline:
        delivered = sum(
            1
            for c in api.calls
            if c.method == "sendMessage" and c.status == 200 and int(c.params.get("chat_id", 0)) >= 10_000_000
        )
        if delivered >= expected:
            break
        other = others[len(latencies) % len(others)]
        count = len(api.messages(other))
        asked = time.monotonic()
        await app.process_update(Update.de_json(api.user_sends(other, "/help"), app.bot))
        while len(api.messages(other)) == count and time.monotonic() - asked < 10:
            await asyncio.sleep(0.005)
        latencies.append(time.monotonic() - asked)
        await asyncio.sleep(0.5)
    await app.stop()
    await app.post_shutdown(app)  # type: ignore[misc]
    await app.shutdown()

    per_chat = Counter()
    for call in api.calls:
        if call.method == "sendMessage" and call.status == 200 and int(call.params["chat_id"]) >= 10_000_000:
            kind = "lesson" if "🎯" in call.params["text"] else "suggestions"
            per_chat[(call.params["chat_id"], kind)] += 1
    delivered = sum(per_chat.values())
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    lost = expected - len(per_chat)
    # The rate counts every message sent while the morning went out, replies included: they share the limit.
    morning_sends = sorted(t for t, scheduled in api.sent_at if scheduled)
    first, last = morning_sends[0], morning_sends[-1]
    sends = [t for t, _ in api.sent_at if first <= t <= last]
    span = last - first if len(morning_sends) > 1 else float("nan")
    rate = (len(sends) - 1) / span if span else float("nan")
    return {
        "leaders": leaders,
        "expected": expected,
        "delivered": delivered,
        "lost": lost,
        "duplicates": duplicates,
        "refused_429": api.refused,
        "refusals": dict(api.refusals),
        "seconds": span,
        "rate": rate,
        "limit": OVERALL * scale,
        "ratio": rate / (OVERALL * scale),
        "command_p50": statistics.median(latencies) if latencies else float("nan"),
        "command_max": max(latencies) if latencies else float("nan"),
        "commands": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=10.0, help="multiply Telegram's limits (10: ~1 minute)")
    parser.add_argument("--quick", action="store_true", help="1,000 leaders")
    parser.add_argument("--smoke", action="store_true", help="20 leaders, to see that it runs")
    args = parser.parse_args()
    leaders = 1_000 if args.quick else 20 if args.smoke else args.leaders
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        data, feeds = Path(folder) / "data", Path(folder) / "feeds.yaml"
        t = time.monotonic()
        prepare(data, leaders, feeds)
        print(f"prepared {leaders} leaders in {time.monotonic() - t:.1f} s")
        r = asyncio.run(morning(data, feeds, leaders, args.scale))
    print(f"limits: {r['limit']:.0f} messages/s overall, {PER_CHAT * args.scale:.0f}/s per chat (x{args.scale:g})")
    print(f"delivered {r['delivered']}/{r['expected']} messages in {r['seconds']:.1f} s: {r['rate']:.1f}/s")
    print(f"ratio to the limit: {r['ratio']:.3f} (target >= 0.95)")
    print(
        f"429 answers provoked: {r['refused_429']} {r['refusals'] or ''} (target 0); lost: {r['lost']}; "
        f"duplicates: {r['duplicates']}"
    )
    print(
        f"commands from another leader meanwhile: {r['commands']}, reply p50 {r['command_p50'] * 1000:.0f} ms, "
        f"max {r['command_max'] * 1000:.0f} ms (target < 1000 ms)"
    )


if __name__ == "__main__":
    main()
