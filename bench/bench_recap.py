"""The busiest hour: thousands of leaders whose weekly recap (a message and its picture) is due at the same
minute, while a few leaders send commands and press buttons.

The data directory holds --leaders leaders in one time zone, each with a realistic history of 1 to 12 weeks
(three lesson days a week, most lessons done, a few posts shared), whose recap moment is this very minute and
whose lesson days leave out today (only the recap is due). The real Application polls an in-process stand-in of
the Bot API that answers each call after --latency seconds (Telegram: about 45 ms) and enforces Telegram's real
limits: 30 messages a second overall and one a second per chat (a short burst of replies tolerated), answering
429 beyond them. Meanwhile --actors other leaders each go round /help, /today, a press on "Tell me more" (the
lesson is edited in place), /stats (their own picture), /roadmap and /recap, waiting for each answer, then
reading it for --think seconds on average (2 to 6 s by default: twenty leaders then ask about five times a
second, and their replies take a quarter of the limit). The stand-in keeps a one-pixel stand-in of each picture
it receives (Telegram keeps them, not us), so the memory measured is the bot's and the stand-in's bookkeeping.

Printed: recaps delivered and the rate of messages while they went out, against the limit (target: at least
0.95 of it); the time until the last one; 429 answers (target 0); recaps lost (recorded as sent in the
leader's file but not received) or doubled (target 0), and any not sent yet when the run stopped; the reply
latency of the actors, p50 and p99 (target p99 under 1 s); the CPU seconds of the run and the peak memory of the
process; and what one picture costs to draw, measured in the same run.

Run: .venv/bin/python bench/bench_recap.py [--leaders 10000] [--quick | --smoke]   (--quick: 1,000; --smoke: 30)
Exit status 0 when the run went through (whatever the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_fanout import LimitedBotApi  # noqa: E402
from bench.bench_record import fsync_skipped, machine  # noqa: E402
from bot.adapters.content_files import load_content  # noqa: E402
from bot.adapters.heatmap import render_heatmap  # noqa: E402
from bot.adapters.storage import LeaderStore  # noqa: E402
from bot.adapters.words import Words  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.core.features.stats import chart  # noqa: E402
from bot.core.model import Leader, LessonEvent, LessonKind, PostEvent, Schedule, ScheduleChange  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi, RecordingRequest  # noqa: E402

LEADERS, QUICK_LEADERS, SMOKE_LEADERS = 10_000, 1_000, 30
ACTORS, SMOKE_ACTORS = 20, 3
THINK = 4.0  # seconds an acting leader reads an answer before the next, on average
STALL = 60.0  # seconds without a recap sent after which the run stops
OVERALL = 30.0  # Telegram's limits
PER_CHAT = 1.0
SAFETY = 0.97  # the pacer's share of the overall limit
LATENCY = 0.045
FIRST_LEADER = 10_000_000  # LimitedBotApi counts chats from here as scheduled sends
FIRST_ACTOR = 5_000_000
RATIO_TARGET = 0.95
P99_TARGET = 1.0
FEEDS_FILE = """\
sectors:
  - id: technology
    label: {en: Technology, fr: Technologie}
    keywords: {en: [AI, cloud, software], fr: [IA, cloud, logiciel]}
    feeds: []
"""
# A valid PNG of one pixel: what the stand-in keeps instead of each picture it receives.
DOT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class RecapBotApi(LimitedBotApi):
    """Telegram's limits and latency; pictures are checked, counted and replaced by a dot before being kept."""

    def __init__(self, latency: float) -> None:
        super().__init__(OVERALL, PER_CHAT)
        self.latency = latency
        self.picture_bytes: list[int] = []

    def handle(self, token, method, params, files=None):  # type: ignore[no-untyped-def]
        if method == "sendPhoto" and files:
            kept = {}
            for part, (name, content) in files.items():
                assert content.startswith(b"\x89PNG\r\n\x1a\n"), "a picture that is not a PNG"
                self.picture_bytes.append(len(content))
                kept[part] = (name, DOT_PNG)
            files = kept
        return super().handle(token, method, params, files)


def history(user_id: int, today: date, lesson_ids: list[str], rng: random.Random, *, recap: bool) -> Leader:
    """A leader of 1 to 12 weeks: three lesson days a week other than today, about 75% of lessons done, a post
    now and then; recap today at this minute (or none)."""
    weeks = 1 + user_id % 12
    since = today - timedelta(weeks=weeks) + timedelta(days=rng.randrange(7))
    others = [day for day in range(7) if day != today.weekday()]
    days = frozenset(rng.sample(others, 3))
    events, posts = [], []
    day = since
    while day < today and len(events) < len(lesson_ids):
        at = datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)
        if day.weekday() in days and rng.random() < 0.75:
            events.append(LessonEvent(lesson_ids[len(events)], LessonKind.DONE, at, day))
        if rng.random() < 0.08:
            posts.append(PostEvent(f"post-{user_id}-{len(posts)}", at, day))
        day += timedelta(days=1)
    now = datetime.now(UTC)
    return Leader(
        user_id, user_id, language="en" if user_id % 2 else "fr", timezone="UTC", onboarded=True, awaiting=None,
        schedule=Schedule(clock_time(8, 0), days), sector="technology",
        created_at=datetime(since.year, since.month, since.day, 8, tzinfo=UTC),
        schedule_log=(ScheduleChange(since, days),), events=tuple(events), posts=tuple(posts),
        recap_day=today.weekday(), recap_at=clock_time(now.hour, now.minute) if recap else None,
    )


def prepare(data: Path, feeds: Path, leaders: int, actors: int) -> tuple[float, Leader]:
    """Store the leaders and the actors (fsync skipped for the setup); the seconds taken, and one leader."""
    started = time.perf_counter()
    feeds.write_text(FEEDS_FILE, encoding="utf-8")
    content = load_content(ROOT / "content", feeds)
    lesson_ids = [lesson.id for lesson in content.courses["en"].lessons]
    today = datetime.now(UTC).date()
    rng = random.Random(27)
    store = LeaderStore(data)
    sample = None
    with fsync_skipped():
        for number in range(leaders):
            leader = history(FIRST_LEADER + number, today, lesson_ids, rng, recap=True)
            store.put(leader)
            if number == 11:
                sample = leader  # twelve weeks of history
        for number in range(actors):
            store.put(history(FIRST_ACTOR + number, today, lesson_ids, rng, recap=False))
    os.sync()
    assert sample is not None or leaders < 12
    return time.perf_counter() - started, sample or history(FIRST_LEADER + 11, today, lesson_ids, rng, recap=True)


def picture_cost(leader: Leader, feeds: Path, count: int) -> float:
    """CPU seconds to draw one leader's recap picture, as the renderer does (the median of `count`)."""
    content = load_content(ROOT / "content", feeds)
    words = Words(content.catalog)
    drawn = chart(leader, datetime.now(UTC).date())
    labels = {key: words.plain(label, "fr") for key, label in drawn.labels}
    title = words.plain(drawn.title, "fr")
    costs = []
    for _ in range(count):
        started = time.process_time()
        render_heatmap(drawn.days, today=drawn.today, labels=labels, title=title)
        costs.append(time.process_time() - started)
    return statistics.median(costs)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def until(check: Callable[[], bool], timeout: float, every: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every)
    return True


def lesson_with_more(api: FakeBotApi, chat_id: int) -> tuple[int, str, int] | None:
    """The newest message with a "Tell me more" button: (message id, its data, its edits so far)."""
    for message in reversed(api.messages(chat_id)):
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if (button.get("callback_data") or "").startswith("more:"):
                    return message.message_id, button["callback_data"], message.edits
    return None


async def actor(api: FakeBotApi, user_id: int, done: asyncio.Event, latencies: list[float],
                missed: list[str], think: float) -> None:
    """One leader going round commands and a press, waiting for each answer, then reading it a while."""
    steps = ("/help", "/today", "press", "/stats", "/roadmap", "/recap")
    turn = user_id % len(steps)
    rng = random.Random(user_id)
    await asyncio.sleep(rng.uniform(0, think))
    while not done.is_set():
        step = steps[turn % len(steps)]
        turn += 1
        asked = time.monotonic()
        if step == "press":
            found = lesson_with_more(api, user_id)
            if found is None:
                continue
            message_id, data, edits = found

            def edited(message_id: int = message_id, edits: int = edits) -> bool:
                return any(m.message_id == message_id and m.edits > edits for m in api.messages(user_id))

            api.user_presses(user_id, message_id, data)
            answered = await until(edited, 30)
        else:
            before = len(api.messages(user_id))
            api.user_sends(user_id, step)
            answered = await until(lambda before=before: len(api.messages(user_id)) > before, 30)  # type: ignore[misc]
        if answered:
            latencies.append(time.monotonic() - asked)
        else:
            missed.append(step)
        await asyncio.sleep(rng.uniform(think / 2, think * 1.5))


async def busiest_hour(data: Path, feeds: Path, leaders: int, actors: int, latency: float,
                       think: float) -> dict[str, float]:
    store = LeaderStore(data)
    due = sum(1 for n in range(leaders) if (leader := store.get(FIRST_LEADER + n)) and (leader.events or leader.posts))
    api = RecapBotApi(latency)
    settings = Settings(token=api.token, data_dir=data, feeds_path=feeds)
    app = build_application(settings, request=RecordingRequest(api), overall_per_second=OVERALL,
                            per_chat_per_second=PER_CHAT, feed_workers=0)
    for number in range(leaders):  # each leader once wrote to the bot, so their chat exists
        api.user_sends(FIRST_LEADER + number, "/start")
    for number in range(actors):
        api.user_sends(FIRST_ACTOR + number, "/start")
    with api._condition:  # the chats exist; those first messages are not part of the hour
        api._updates.clear()
    cpu_started, started = time.process_time(), time.monotonic()
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    frontend = app.bot_data["frontend"]
    frontend.desk.refreshed.set()  # no feed to read here
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()

    done = asyncio.Event()
    latencies: list[float] = []
    missed: list[str] = []
    crowd = [asyncio.create_task(actor(api, FIRST_ACTOR + n, done, latencies, missed, think))
             for n in range(actors)]
    expected = 2 * due
    floor = expected / (OVERALL * SAFETY)
    sent, progress = 0, time.monotonic()
    while sent < expected and time.monotonic() - progress < STALL:
        await asyncio.sleep(0.5)
        now_sent = sum(1 for _, scheduled in api.sent_at if scheduled)
        if now_sent > sent:
            sent, progress = now_sent, time.monotonic()
    recap_sends = sorted(t for t, scheduled in api.sent_at if scheduled)
    last = (recap_sends[-1] if recap_sends else time.monotonic()) - started
    done.set()
    await asyncio.gather(*crowd)
    await app.updater.stop()
    await app.stop()
    await app.post_shutdown(app)  # type: ignore[misc]
    await app.shutdown()
    cpu = time.process_time() - cpu_started

    per_chat: Counter[tuple[str, str]] = Counter()
    for call in api.calls:
        chat = str(call.params.get("chat_id", ""))
        if call.ok and call.method in ("sendMessage", "sendPhoto") and chat.isdigit() and int(chat) >= FIRST_LEADER:
            per_chat[(chat, call.method)] += 1
    texts = sum(1 for (_, method) in per_chat if method == "sendMessage")
    pictures = sum(1 for (_, method) in per_chat if method == "sendPhoto")
    doubled = sum(n - 1 for n in per_chat.values() if n > 1)
    first, final = (recap_sends[0], recap_sends[-1]) if recap_sends else (0.0, 0.0)
    window = [t for t, _ in api.sent_at if first <= t <= final]
    span = final - first
    rate = (len(window) - 1) / span if span > 0 else float("nan")
    today = datetime.now(UTC).date()
    # A leader who has done nothing at all yet gets no recap (the product's rule): recorded, with nothing to send.
    recorded = {str(FIRST_LEADER + n) for n in range(leaders)
                if (leader := store.get(FIRST_LEADER + n)) is not None and leader.recapped_on == today
                and (leader.events or leader.posts)}
    received = {chat for (chat, method) in per_chat if method == "sendMessage"} & {
        chat for (chat, method) in per_chat if method == "sendPhoto"}
    return {
        "expected": due, "texts": texts, "pictures": pictures, "recorded": len(recorded),
        "lost": len(recorded - received), "unsent": due - len(recorded), "doubled": doubled,
        "refused": api.refused, "refusals": f"{dict(api.refusals)} " if api.refusals else "",
        "span": span, "rate": rate, "ratio": rate / OVERALL, "last": last,
        "floor": floor, "others": len(window) - len(recap_sends),
        "p50": percentile(latencies, 0.50), "p99": percentile(latencies, 0.99),
        "max": max(latencies) if latencies else float("nan"), "replies": len(latencies), "missed": len(missed),
        "cpu": cpu, "picture_kb": statistics.mean(api.picture_bytes) / 1000 if api.picture_bytes else 0.0,
    }


def verdict(met: bool) -> str:
    return "target met" if met else "TARGET MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=LEADERS)
    parser.add_argument("--actors", type=int, default=ACTORS, help="leaders sending commands meanwhile")
    parser.add_argument("--latency", type=float, default=LATENCY, help="seconds each Bot API call takes")
    parser.add_argument("--think", type=float, default=THINK, help="seconds an acting leader reads, on average")
    parser.add_argument("--quick", action="store_true", help="1,000 leaders")
    parser.add_argument("--smoke", action="store_true", help="30 leaders, 3 actors, to see that it runs")
    options = parser.parse_args()
    leaders, actors = options.leaders, options.actors
    if options.quick:
        leaders = QUICK_LEADERS
    if options.smoke:
        leaders, actors = SMOKE_LEADERS, SMOKE_ACTORS
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-recap-") as folder:
        data, feeds = Path(folder) / "data", Path(folder) / "feeds.yaml"
        seconds, sample = prepare(data, feeds, leaders, actors)
        print(f"setup: {leaders:,} leaders with 1 to 12 weeks of history, recap due this minute, and {actors} "
              f"leaders acting meanwhile, written in {seconds:.1f} s (fsync skipped for the setup)")
        drawing = picture_cost(sample, feeds, 5 if options.smoke else 50)
        r = asyncio.run(busiest_hour(data, feeds, leaders, actors, options.latency, options.think))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"limits: {OVERALL:.0f} messages/s overall, {PER_CHAT:.0f}/s per chat; {options.latency * 1000:.0f} ms "
          f"per Bot API call")
    print(f"recaps: {r['texts']:,} texts and {r['pictures']:,} pictures for the {r['expected']:,} leaders who have "
          f"done something so far (of {leaders:,}; the others get none) (pictures of "
          f"{r['picture_kb']:.0f} kB), the last {r['last']:.1f} s after the start")
    print(f"rate while they went out: {r['rate']:.2f} messages/s over {r['span']:.1f} s ({r['others']} replies "
          f"among them) = {r['ratio']:.3f} of the limit (target >= {RATIO_TARGET}): "
          f"{verdict(r['ratio'] >= RATIO_TARGET)}; at the pacer's {SAFETY:.0%} the {2 * r['expected']:,} "
          f"messages need {r['floor']:.0f} s at least")
    print(f"429 answers: {r['refused']} {r['refusals']}(target 0); recaps lost: {r['lost']}, doubled: "
          f"{r['doubled']} (target 0): {verdict(r['refused'] == 0 and r['lost'] == 0 and r['doubled'] == 0)}; "
          f"{r['recorded']:,} recorded as sent, {r['unsent']:,} not sent yet when the run stopped")
    print(f"replies to the {actors} acting leaders: {r['replies']} answered ({r['missed']} not within 30 s), "
          f"p50 {r['p50'] * 1000:.0f} ms, p99 {r['p99'] * 1000:.0f} ms, max {r['max'] * 1000:.0f} ms "
          f"(target p99 < {P99_TARGET * 1000:.0f} ms): {verdict(r['p99'] < P99_TARGET and r['missed'] == 0)}")
    print(f"CPU: {r['cpu']:.1f} s for the run (bot and stand-in, one process) = "
          f"{r['cpu'] / max(r['last'], 1e-9):.2f} cores on average, the machine's load {os.getloadavg()[0]:.1f} "
          f"on {len(os.sched_getaffinity(0))} cores; peak memory {peak / 10**6:.0f} MB; "
          f"one picture {drawing * 1000:.1f} ms of CPU ({leaders:,} pictures: {drawing * leaders:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
