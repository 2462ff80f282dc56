"""Backups while the bot works: how long a backup and a restore of N leaders take, and what a backup costs the
"Done" presses recorded meanwhile (each a read-decide-write under the leader's lock, as the service does).

Judged by ratios within one run: recording a press during a backup against recording it alone (target: p50 at
most ×2, so a nightly backup never holds commands up), and the time for 10× the leaders (target: at most ×15, a
backup that grows with the data, not faster).

Run: .venv/bin/python bench/bench_backup.py [--leaders 10000] [--quick] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.adapters.storage import LeaderStore  # noqa: E402
from bot.backup import restore, take_backup  # noqa: E402
from bot.core import codec  # noqa: E402
from bot.core.model import Leader, Taste  # noqa: E402


def fill(data: Path, leaders: int) -> LeaderStore:
    store = LeaderStore(data)
    for user_id in range(1, leaders + 1):
        leader = Leader(user_id, user_id, onboarded=True, taste=Taste(interests=("topic",) * 20))
        path = data / "leaders" / f"{user_id}.json"
        path.write_text(json.dumps({"leader": {"1": codec.leader_to_dict(leader)}}))
        os.chmod(path, 0o600)
    return store


def presses(store: LeaderStore, locks: dict[int, threading.Lock], leaders: int, stop: threading.Event,
            count: int) -> list[float]:
    """Record `count` presses (or until stop), one after the other; each one's seconds."""
    took = []
    for n in range(count):
        if stop.is_set():
            break
        user_id = 1 + (n * 7919) % leaders
        started = time.perf_counter()
        with locks[user_id]:
            leader = store.get(user_id)
            assert leader is not None
            store.put(leader.with_(nudge_turn=leader.nudge_turn + 1))
        took.append(time.perf_counter() - started)
    return took


def measure(leaders: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        store = fill(data, leaders)
        os.sync()  # the files just written are on disk before anything is timed
        locks = {user_id: threading.Lock() for user_id in range(1, leaders + 1)}
        alone = presses(store, locks, leaders, threading.Event(), 200)
        stop, during = threading.Event(), []
        presser = threading.Thread(target=lambda: during.extend(presses(store, locks, leaders, stop, 10**9)))
        presser.start()
        started = time.perf_counter()
        backup = take_backup(data, lock=lambda user_id: locks[user_id])
        backup_seconds = time.perf_counter() - started
        stop.set()
        presser.join()
        started = time.perf_counter()
        restore(backup.path, Path(folder) / "restored")
        restore_seconds = time.perf_counter() - started
        return {"leaders": leaders, "backup_s": backup_seconds, "restore_s": restore_seconds,
                "size_mb": backup.path.stat().st_size / 1e6, "alone_p50_ms": statistics.median(alone) * 1000,
                "during_p50_ms": statistics.median(during) * 1000 if during else 0.0,
                "during_max_ms": max(during) * 1000 if during else 0.0, "presses_during": len(during)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leaders", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 leaders")
    parser.add_argument("--smoke", action="store_true", help="100 leaders, judged on running only")
    args = parser.parse_args()
    big = 100 if args.smoke else 1_000 if args.quick else args.leaders
    small = max(big // 10, 10)
    results = [measure(small), measure(big)]
    for r in results:
        print(f"{r['leaders']:>6} leaders: backup {r['backup_s']:.2f} s ({r['size_mb']:.1f} MB), restore "
              f"{r['restore_s']:.2f} s; a press alone p50 {r['alone_p50_ms']:.1f} ms, during the backup p50 "
              f"{r['during_p50_ms']:.1f} ms (max {r['during_max_ms']:.0f} ms, {r['presses_during']} presses)")
    growth = results[1]["backup_s"] / max(results[0]["backup_s"], 1e-9)
    slowdown = results[1]["during_p50_ms"] / max(results[1]["alone_p50_ms"], 1e-9)
    print(f"backup time for 10x the leaders: x{growth:.1f} (target <= x15); a press during a backup: "
          f"x{slowdown:.2f} of one alone (target <= x2)")
    return 0 if args.smoke or (growth <= 15 and slowdown <= 2) else 1


if __name__ == "__main__":
    raise SystemExit(main())
