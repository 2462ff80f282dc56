"""How long recording a "Done" takes with 100, 1,000 and 10,000 leaders stored.

For each size, a data directory holds that many onboarded leaders. A hundred of them, spread over the
directory, then do what a leader does, through the real path (`CoachService.handle`, built as
`bot.app.build_service` builds it, with `feed_workers=0`): `/today` (not timed), then the press on "Done" for
the lesson it shows (timed with `time.perf_counter`). They do it on three days in a row, so every size gets
300 samples, each one a lesson really recorded, consecutive samples by different leaders. The sizes take turns
sample by sample, so that a noisy neighbour slows them all alike. The same is then timed for the raw store
write (`LeaderStore.put`), with its fsync and without, to show what the fsync costs.

Targets: flat (median at the largest size within 1.5 times the median at 100) and a median under 2 ms.

The directories are written with the store's own code (`LeaderStore.put`) but with fsync skipped, for the
setup only, then flushed once with `os.sync()` so that their writing does not weigh on the timed writes. They
live under the system's temporary folder (TMPDIR chooses another disk) and are removed at the end.

Run: .venv/bin/python bench/bench_record.py [--quick]   (--quick: 100 and 1,000 leaders, 100 samples each)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.adapters.storage import LeaderStore  # noqa: E402
from bot.app import build_service  # noqa: E402
from bot.core.actions import LessonDone  # noqa: E402
from bot.core.events import Command, Press, Who  # noqa: E402
from bot.core.model import Leader  # noqa: E402
from bot.core.replies import Reply  # noqa: E402
from bot.service import CoachService  # noqa: E402
from bot.settings import Settings  # noqa: E402

SIZES = (100, 1_000, 10_000)
QUICK_SIZES = (100, 1_000)
SMOKE_SIZES = (100, 200)
SAMPLE_LEADERS = 100  # leaders who record lessons, spread over the stored ones
DAYS = 3  # each of them records one lesson a day: SAMPLE_LEADERS * DAYS samples per size
QUICK_DAYS = 1
FIRST_ID = 100_000
MONDAY_6 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 in Paris: the first day of samples
ONBOARDING = ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology")
RATIO_TARGET = 1.5
MEDIAN_TARGET = 0.002  # seconds


def machine() -> str:
    """The CPU model, its cores, the Python version and the temporary folder's file system, on one line."""
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    model = models[0] if models else platform.processor() or "unknown CPU"
    temp = Path(tempfile.gettempdir())
    return (f"machine: {model}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
            f"Python {platform.python_version()}, temporary files in {temp} ({file_system(temp)})")


def file_system(path: Path) -> str:
    """The type of the file system holding `path` (fsync costs nothing on tmpfs), from /proc/mounts."""
    place = path.resolve()
    best, kind = "", "unknown"
    for line in Path("/proc/mounts").read_text(encoding="utf-8").splitlines():
        mount, mount_kind = line.split()[1:3]
        if place.is_relative_to(mount) and len(mount) > len(best):
            best, kind = mount, mount_kind
    return kind


@contextlib.contextmanager
def fsync_skipped() -> Iterator[None]:
    """Make `os.fsync` do nothing meanwhile: writes take their usual path without waiting for the disk."""
    real = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = real


def lesson_shown(replies: Sequence[Reply]) -> str:
    """The id of the lesson whose "Done" button the replies show (the lesson `/today` shows)."""
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                if isinstance(button.action, LessonDone):
                    return button.action.lesson_id
    raise AssertionError("no lesson with a Done button among the replies")


def onboarded_leader(service: CoachService, user_id: int, now: datetime) -> Leader:
    """A leader onboarded through the coach itself (/start, then the buttons), as the store keeps them."""
    who = Who(user_id, user_id, "en")
    outcome = service.coach.handle(None, who, Command("start"), now)
    for data in ONBOARDING:
        outcome = service.coach.handle(outcome.leader, who, Press(data), now)
    leader = outcome.leader
    assert leader is not None and leader.onboarded, "onboarding did not complete"
    return leader


def fill(store: LeaderStore, template: Leader, count: int) -> float:
    """Store `count` copies of `template` under ids from FIRST_ID, fsync skipped; return the seconds taken."""
    started = time.perf_counter()
    with fsync_skipped():
        for number in range(count):
            user_id = FIRST_ID + number
            store.put(template.with_(user_id=user_id, chat_id=user_id))
    os.sync()
    return time.perf_counter() - started


@dataclass
class Stand:
    """One data directory with its service, the leaders who record lessons and the times measured there."""

    size: int
    service: CoachService
    store: LeaderStore
    samplers: tuple[int, ...]
    done: list[float] = field(default_factory=list)
    put: list[float] = field(default_factory=list)
    put_unsynced: list[float] = field(default_factory=list)


def record_done(stand: Stand, user_id: int, now: datetime) -> None:
    """/today for this leader, then the press on "Done" for its lesson, timed."""
    who = Who(user_id, user_id, "en")
    shown = stand.service.handle(who, Command("today"), now)
    lesson_id = lesson_shown(shown.replies)
    started = time.perf_counter()
    outcome = stand.service.handle(who, Press(f"done:{lesson_id}"), now)
    stand.done.append(time.perf_counter() - started)
    assert outcome.leader is not None and lesson_id in outcome.leader.done_ids, "the lesson was not recorded"


def write_back(stand: Stand, user_id: int, now: datetime) -> None:
    """Write this leader back to the store as it is, timed."""
    leader = stand.store.get(user_id)
    assert leader is not None
    started = time.perf_counter()
    stand.store.put(leader)
    stand.put.append(time.perf_counter() - started)


def write_back_unsynced(stand: Stand, user_id: int, now: datetime) -> None:
    """The same write with fsync skipped, timed."""
    leader = stand.store.get(user_id)
    assert leader is not None
    with fsync_skipped():
        started = time.perf_counter()
        stand.store.put(leader)
        stand.put_unsynced.append(time.perf_counter() - started)


def take_turns(stands: Sequence[Stand], days: int, sample: Callable[[Stand, int, datetime], None]) -> None:
    """For each day, each sampling leader, each size in turn: one sample."""
    for day in range(days):
        now = MONDAY_6 + timedelta(days=day)
        for position in range(SAMPLE_LEADERS):
            for stand in stands:
                sample(stand, stand.samplers[position], now)


def report(label: str, stands: Sequence[Stand], pick: Callable[[Stand], list[float]]) -> float:
    """Print median and p95 per size; return the ratio of the largest size's median to the smallest's."""
    print(f"{label}:")
    for stand in stands:
        samples = pick(stand)
        p95 = statistics.quantiles(samples, n=100, method="inclusive")[94]
        print(f"  {stand.size:>6,} leaders: median {statistics.median(samples) * 1000:6.2f} ms, "
              f"p95 {p95 * 1000:6.2f} ms ({len(samples)} samples)")
    ratio = statistics.median(pick(stands[-1])) / statistics.median(pick(stands[0]))
    print(f"  ratio median({stands[-1].size:,}) / median({stands[0].size:,}): {ratio:.2f}")
    return ratio


def verdict(met: bool) -> str:
    """How a figure compares with its target."""
    return "target met" if met else "TARGET MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 leaders, 100 samples each")
    parser.add_argument("--smoke", action="store_true", help="100 and 200 leaders, 100 samples each")
    options = parser.parse_args()
    sizes, days = (QUICK_SIZES, QUICK_DAYS) if options.quick else (SIZES, DAYS)
    if options.smoke:
        sizes, days = SMOKE_SIZES, QUICK_DAYS
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-record-") as temp:
        stands = []
        for size in sizes:
            settings = Settings(data_dir=Path(temp) / str(size), feeds_path=ROOT / "feeds.yaml")
            service, _ = build_service(settings, feed_workers=0)
            store = service.store
            assert isinstance(store, LeaderStore)
            seconds = fill(store, onboarded_leader(service, FIRST_ID, MONDAY_6 - timedelta(days=1)), size)
            print(f"setup: {size:,} onboarded leaders written in {seconds:.2f} s (fsync skipped for setup)")
            spread = tuple(FIRST_ID + position * size // SAMPLE_LEADERS for position in range(SAMPLE_LEADERS))
            stands.append(Stand(size, service, store, spread))

        take_turns(stands, days, record_done)
        take_turns(stands, days, write_back)
        take_turns(stands, days, write_back_unsynced)

    print()
    ratio = report('"Done" recorded (CoachService.handle)', stands, lambda stand: stand.done)
    report("store write (LeaderStore.put)", stands, lambda stand: stand.put)
    report("store write without fsync (for comparison only)", stands, lambda stand: stand.put_unsynced)
    largest = stands[-1]
    median = statistics.median(largest.done)
    print()
    print(f'judged by: "Done" ratio {ratio:.2f} (target within {RATIO_TARGET}): '
          f"{verdict(ratio <= RATIO_TARGET)}; median at {largest.size:,} leaders {median * 1000:.2f} ms "
          f"(target under {MEDIAN_TARGET * 1000:.0f} ms): {verdict(median < MEDIAN_TARGET)}")


if __name__ == "__main__":
    main()
