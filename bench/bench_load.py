"""Under load: leaders onboarding at once, one chat flooding, and normal chats asking meanwhile.

The real Application polls an in-process stand-in of the Bot API that answers each call after --latency seconds
(Telegram: about 45 ms) and refuses a button press answered after --window seconds ("query is too old"), at
Telegram's real limits (30 messages a second, one a second per chat; --scale multiplies them). At the same moment,
--leaders leaders send /start and go through onboarding with the buttons, one chat sends --flood commands at once,
and --normal chats each send /help, wait for the answer, and ask again a second later.

First the flood runs alone beside the normal chats (--flood-seconds), then the rollout starts. Printed: reply
latency percentiles of the normal chats in each phase (target beside the flood: p99 < 1 s; during the rollout
the overall limit is the bound: 200 leaders ask for about 1,200 messages, 40 s of Telegram's 30 a second),
onboarding time per leader (median and p95), presses left spinning (target 0), and how many flood commands were
answered meanwhile (in turn, at that chat's pace).

    .venv/bin/python bench/bench_load.py [--leaders 200] [--flood 300] [--normal 10] [--latency 0.045]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.adapters.storage import LeaderStore  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi, RecordingRequest, SentMessage  # noqa: E402

OVERALL = 30.0
PER_CHAT = 1.0
ONBOARDING = ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology")
FLOODER = 5_000_000
NORMAL = 6_000_000
LEADER = 7_000_000


def with_button(api: FakeBotApi, chat_id: int, data: str) -> SentMessage | None:
    for message in reversed(api.messages(chat_id)):
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            if any(button.get("callback_data") == data for button in row):
                return message
    return None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def until(predicate, every: float, timeout: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every)
    return True


async def rollout(data: Path, args: argparse.Namespace) -> dict[str, float]:
    api = FakeBotApi(latency=args.latency, callback_window=args.window)
    settings = Settings(token=api.token, data_dir=data, feeds_path=ROOT / "feeds.yaml")
    app = build_application(settings, request=RecordingRequest(api), overall_per_second=OVERALL * args.scale,
                            per_chat_per_second=PER_CHAT * args.scale, feed_workers=0, running=args.running)
    store = LeaderStore(data)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    app.bot_data["frontend"].desk.refreshed.set()  # no feed is read here
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()

    onboarded: list[float] = []
    unfinished = 0
    latencies: dict[str, list[float]] = {"flood": [], "rollout": []}
    phase = "flood"
    done = asyncio.Event()

    async def leader(user_id: int) -> None:
        nonlocal unfinished
        started = time.monotonic()
        api.user_sends(user_id, "/start")
        for data_ in ONBOARDING:
            if not await until(lambda: with_button(api, user_id, data_) is not None, 0.2, 120):  # noqa: B023
                unfinished += 1
                return
            message = with_button(api, user_id, data_)
            assert message is not None
            api.user_presses(user_id, message.message_id, data_)
        if await until(lambda: (s := store.get(user_id)) is not None and s.onboarded, 0.25, 120):
            onboarded.append(time.monotonic() - started)
        else:
            unfinished += 1

    async def normal(user_id: int) -> None:
        while not done.is_set():
            before = len(api.messages(user_id))
            asked = time.monotonic()
            api.user_sends(user_id, "/help")
            asked_in = phase
            if await until(lambda: len(api.messages(user_id)) > before, 0.01, 30):  # noqa: B023
                latencies[asked_in].append(time.monotonic() - asked)
            await asyncio.sleep(1.0)

    # First the flood beside the normal chats, then the rollout starts too.
    for _ in range(args.flood):
        api.user_sends(FLOODER, "/help")
    normals = [asyncio.create_task(normal(NORMAL + n)) for n in range(args.normal)]
    await asyncio.sleep(args.flood_seconds)
    phase = "rollout"
    started = time.monotonic()
    await asyncio.gather(*(leader(LEADER + n) for n in range(args.leaders)))
    seconds = time.monotonic() - started
    done.set()
    await asyncio.gather(*normals)
    flood_answered = len(api.messages(FLOODER))
    spinning = api.presses_left_spinning()

    stop_asked = time.monotonic()
    await app.updater.stop()
    await app.stop()
    await app.post_shutdown(app)  # type: ignore[misc]
    await app.shutdown()
    messages = sum(1 for call in api.calls if call.ok and call.method in ("sendMessage", "editMessageText"))
    result = {
        "messages": messages,
        "seconds": seconds,
        "onboarded": len(onboarded),
        "unfinished": unfinished,
        "onboard_p50": statistics.median(onboarded) if onboarded else float("nan"),
        "onboard_p95": percentile(onboarded, 0.95),
        "spinning": spinning,
        "flood_answered": flood_answered,
        "stop": time.monotonic() - stop_asked,
    }
    for name, values in latencies.items():
        result |= {f"{name}_replies": len(values), f"{name}_p50": percentile(values, 0.50),
                   f"{name}_p95": percentile(values, 0.95), f"{name}_p99": percentile(values, 0.99),
                   f"{name}_max": max(values) if values else float("nan")}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=200, help="leaders onboarding at once")
    parser.add_argument("--flood", type=int, default=300, help="commands one chat sends at once")
    parser.add_argument("--normal", type=int, default=10, help="chats asking /help again and again meanwhile")
    parser.add_argument("--latency", type=float, default=0.045, help="seconds each Bot API call takes")
    parser.add_argument("--window", type=float, default=15.0, help="seconds to answer a press before it is too old")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply Telegram's limits")
    parser.add_argument("--flood-seconds", type=float, default=15.0, help="the flood alone, before the rollout")
    parser.add_argument("--running", type=int, default=64, help="updates handled at the same time")
    parser.add_argument("--quick", action="store_true", help="50 leaders, a flood of 100")
    parser.add_argument("--smoke", action="store_true", help="5 leaders, a flood of 10, to see that it runs")
    args = parser.parse_args()
    if args.quick:
        args.leaders, args.flood, args.flood_seconds = 50, 100, 8.0
    if args.smoke:
        args.leaders, args.flood, args.flood_seconds, args.normal = 5, 10, 1.0, 2
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"{args.leaders} leaders onboarding at once, a flood of {args.flood} commands from one chat, "
          f"{args.normal} normal chats; {args.latency * 1000:.0f} ms per call, limits x{args.scale:g}")
    with tempfile.TemporaryDirectory() as folder:
        r = asyncio.run(rollout(Path(folder), args))
    for name, during in (("flood", f"beside the flood ({args.flood_seconds:g} s)"),
                         ("rollout", "during the rollout (and the flood)")):
        print(f"normal chats {during}: {r[name + '_replies']:.0f} replies, latency p50 "
              f"{r[name + '_p50'] * 1000:.0f} ms, p95 {r[name + '_p95'] * 1000:.0f} ms, "
              f"p99 {r[name + '_p99'] * 1000:.0f} ms, max {r[name + '_max'] * 1000:.0f} ms")
    floor = r["messages"] / (OVERALL * args.scale * 0.97)
    print(f"rollout: {r['messages']:.0f} messages sent in all; at the overall limit they need {floor:.0f} s at least")
    print(f"onboarding: {r['onboarded']:.0f} done ({r['unfinished']:.0f} unfinished) in {r['seconds']:.1f} s; "
          f"per leader median {r['onboard_p50']:.1f} s, p95 {r['onboard_p95']:.1f} s")
    print(f"presses left spinning past {args.window:g} s: {r['spinning']:.0f} (target 0)")
    print(f"flood: {r['flood_answered']:.0f} of {args.flood} answered meanwhile (one a second in that chat)")
    print(f"stop with the rest of the flood in hand: {r['stop']:.1f} s")


if __name__ == "__main__":
    main()
