"""How long the bot takes to start with 10,000 leaders stored, and how much memory it holds then.

The data directory holds 10,000 leaders, each onboarded, with a schedule and three lessons done (made by the
coach itself, then copied under other ids). The real bot is started as a process (`python -m bot run`) against
the project's fake Bot API over local HTTP (`tests.support.fake_bot_api`), with a feeds file of one sector and
no feed, so that nothing is fetched. Measured: the time from the process's start to the first getUpdates call
the fake receives, the process's peak and resident memory (VmHWM and VmRSS from /proc/<pid>/status) just then,
the time until every leader's job is rebuilt (the bot polls first and rebuilds the schedule in the background;
it logs "scheduled N leader(s)"), and its peak again once that and the first feed refresh (which lists every
leader) are done. The bot is then stopped with SIGTERM and must exit with status 0. The same is measured with
an empty data directory, run for run in turn, for the ratio of the two.

Every leader's lesson days leave out yesterday, today and tomorrow in the leader's time zone, so that no
lesson or nudge falls due while the benchmark runs: what is measured is the start, not deliveries.

Targets, judged on the median of 3 runs: first getUpdates under 1 s, peak memory under 200 MB (10^6 bytes).

The leaders are written with the store's own code (`LeaderStore.put`) but with fsync skipped, for the setup
only. Everything lives under the system's temporary folder and is removed at the end.

Run: .venv/bin/python bench/bench_startup.py [--quick | --smoke]   (--quick: 1,000 leaders, one run; --smoke: 50)
Exit status 0 when every run went through (whatever the figures), 1 when a bot failed to start or to stop.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_record import fsync_skipped, lesson_shown, machine  # noqa: E402
from bot.adapters.content_files import load_content  # noqa: E402
from bot.adapters.storage import LeaderStore  # noqa: E402
from bot.core.events import Command, Press, Who  # noqa: E402
from bot.core.model import Leader  # noqa: E402
from bot.core.router import Coach  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi, FakeBotApiServer  # noqa: E402

LEADERS = 10_000
QUICK_LEADERS = 1_000
SMOKE_LEADERS = 50
RUNS = 3
FIRST_ID = 100_000
TIMEZONES = ("Europe/Paris", "America/New_York", "Asia/Singapore", "Europe/London")
LESSON_TIMES = ("0630", "0745", "0800", "0915")
LESSONS_DONE = 3
START_TIMEOUT = 60.0  # seconds
SECONDS_TARGET = 1.0
MEMORY_TARGET = 200 * 10**6  # bytes
FEEDS_FILE = """\
sectors:
  - id: technology
    label: {en: Technology, fr: Technologie}
    keywords: {en: [AI, cloud, software], fr: [IA, cloud, logiciel]}
    feeds: []
"""
SCHEDULED = re.compile(r"scheduled (\d+) leader")


def quiet_days(timezone: str, now: datetime) -> str:
    """The weekdays (as a days: button's code) other than yesterday, today and tomorrow in that time zone."""
    today = now.astimezone(ZoneInfo(timezone)).weekday()
    return "".join(str(day) for day in range(7) if (day - today) % 7 not in (6, 0, 1))


def seasoned_leader(coach: Coach, user_id: int, timezone: str, at: str, now: datetime) -> Leader:
    """A leader onboarded three weeks ago by the coach itself, with LESSONS_DONE lessons done since."""
    who = Who(user_id, user_id, "en")
    joined = now - timedelta(days=21)
    outcome = coach.handle(None, who, Command("start"), joined)
    days = quiet_days(timezone, now)
    for data in ("lang:en", f"tz:{timezone}", f"time:{at}", f"days:{days}", "sec:technology"):
        outcome = coach.handle(outcome.leader, who, Press(data), joined)
    leader = outcome.leader
    assert leader is not None and leader.onboarded, "onboarding did not complete"
    day: date = joined.date()
    while len(leader.done_ids) < LESSONS_DONE:
        day += timedelta(days=1)
        if day.weekday() in leader.schedule.days:
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
            shown = coach.handle(leader, who, Command("today"), noon)
            lesson_id = lesson_shown(shown.replies)
            leader = coach.handle(shown.leader, who, Press(f"done:{lesson_id}"), noon).leader
            assert leader is not None
    wake = coach.next_wake(leader, now)
    assert wake is None or wake > now + timedelta(hours=1), "something would fall due during the run"
    return leader


def fill(data_dir: Path, feeds_path: Path, count: int) -> float:
    """Store `count` copies of a few seasoned leaders under other ids (fsync skipped); return the seconds."""
    started = time.perf_counter()
    coach = Coach(load_content(ROOT / "content", feeds_path))
    now = datetime.now(UTC)
    templates = [seasoned_leader(coach, FIRST_ID, zone, at, now) for zone in TIMEZONES for at in LESSON_TIMES]
    store = LeaderStore(data_dir)
    with fsync_skipped():
        for number in range(count):
            user_id = FIRST_ID + number
            store.put(templates[number % len(templates)].with_(user_id=user_id, chat_id=user_id))
    os.sync()
    return time.perf_counter() - started


@contextlib.contextmanager
def quiet_disconnects() -> Iterator[None]:
    """Meanwhile, local HTTP servers ignore a client gone before its answer (the bot's last long poll, at
    SIGTERM) instead of printing a traceback; other errors are reported as usual."""
    report = http.server.ThreadingHTTPServer.handle_error

    def handle_error(server: http.server.ThreadingHTTPServer, request: object, address: object) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            report(server, request, address)  # type: ignore[arg-type]

    http.server.ThreadingHTTPServer.handle_error = handle_error  # type: ignore[method-assign]
    try:
        yield
    finally:
        http.server.ThreadingHTTPServer.handle_error = report  # type: ignore[method-assign]


def cpu_seconds(pid: int) -> float:
    """The CPU time the process used so far (user and system), from /proc/<pid>/stat: a figure the machine's
    load changes far less than the time on the clock."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> tuple[int, int]:
    """The process's peak and resident memory in bytes (VmHWM and VmRSS)."""
    lines = Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines()
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return int(fields["VmHWM"].split()[0]) * 1024, int(fields["VmRSS"].split()[0]) * 1024


@dataclass(frozen=True)
class Run:
    """What one start of the bot gave."""

    seconds: float
    cpu: float  # CPU seconds of the bot until then
    peak: int
    resident: int
    rebuilt: float | None  # seconds from the start until every job was made
    peak_after_refresh: int | None
    scheduled: int | None


class BotFailed(Exception):
    """The bot did not start, or did not stop cleanly; the message holds the end of its log."""


def wait_until(check: Callable[[], bool], process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    """Poll `check` every 2 ms until it holds; BotFailed if the process ends or START_TIMEOUT passes first."""
    deadline = time.perf_counter() + START_TIMEOUT
    while not check():
        if process.poll() is not None or time.perf_counter() > deadline:
            tail = log.read_text(errors="replace")[-3000:]
            raise BotFailed(f"no {what} (exit status {process.poll()}); the bot's log ends with:\n{tail}")
        time.sleep(0.002)


def start_once(data_dir: Path, feeds_path: Path, log: Path) -> Run:
    """Start the bot, time its first getUpdates, read its memory, stop it with SIGTERM."""
    api = FakeBotApi()
    with FakeBotApiServer(api) as server, log.open("wb") as output:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": server.base_url,
            "COACHBOT_DATA_DIR": str(data_dir),
            "COACHBOT_FEEDS": str(feeds_path),
            "COACHBOT_LOG_LEVEL": "INFO",
        }
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=log.parent,
                                   stdout=output, stderr=subprocess.STDOUT)
        try:
            # A long poll is recorded in `calls` only when it returns: watch for it waiting instead.
            wait_until(lambda: api.is_long_polling or bool(api.calls_to("getUpdates")), process, log,
                       "getUpdates call")
            seconds = time.perf_counter() - started
            cpu = cpu_seconds(process.pid)
            peak, resident = memory(process.pid)
            try:
                wait_until(lambda: SCHEDULED.search(log.read_text(errors="replace")) is not None, process, log,
                           "schedule rebuilt")
                rebuilt: float | None = time.perf_counter() - started
            except BotFailed:
                rebuilt = None
            try:
                wait_until(lambda: "feeds refreshed" in log.read_text(errors="replace"), process, log,
                           "feed refresh logged")
                peak_after_refresh: int | None = memory(process.pid)[0]
            except BotFailed:
                peak_after_refresh = None
            process.send_signal(signal.SIGTERM)
            try:
                exit_status = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                raise BotFailed("the bot did not stop within 30 s of SIGTERM") from None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    output_text = log.read_text(errors="replace")
    if exit_status != 0:
        raise BotFailed(f"the bot exited with status {exit_status} after SIGTERM:\n{output_text[-3000:]}")
    found = SCHEDULED.search(output_text)
    scheduled = int(found.group(1)) if found else None
    return Run(seconds, cpu, peak, resident, rebuilt, peak_after_refresh, scheduled)


def megabytes(size: int | None) -> str:
    """A size in MB (10^6 bytes), or n/a."""
    return "n/a" if size is None else f"{size / 10**6:.1f} MB"


def seconds_or_na(seconds: float | None) -> str:
    """A duration in seconds, or n/a."""
    return "n/a" if seconds is None else f"{seconds:.2f} s"


def describe(label: str, number: int, run: Run) -> str:
    """One line per run."""
    return (f"  {label:<16} run {number}: first getUpdates after {run.seconds:.2f} s ({run.cpu:.2f} s of CPU); "
            f"then VmHWM "
            f"{megabytes(run.peak)}, VmRSS {megabytes(run.resident)}; every job made after "
            f"{seconds_or_na(run.rebuilt)}; VmHWM after that and the first feed refresh "
            f"{megabytes(run.peak_after_refresh)}; {run.scheduled} leader(s) scheduled; exit 0 on SIGTERM")


def worst_peak(run: Run) -> int:
    """The highest peak seen in a run."""
    return max(run.peak, run.peak_after_refresh or 0)


def verdict(met: bool) -> str:
    """How a figure compares with its target."""
    return "target met" if met else "TARGET MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 leaders, one run")
    parser.add_argument("--smoke", action="store_true", help="50 leaders, one run, to see that it runs")
    options = parser.parse_args()
    leaders, runs = (QUICK_LEADERS, 1) if options.quick else (LEADERS, RUNS)
    if options.smoke:
        leaders, runs = SMOKE_LEADERS, 1
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as temp, quiet_disconnects():
        folder = Path(temp)
        feeds_path = folder / "feeds.yaml"
        feeds_path.write_text(FEEDS_FILE, encoding="utf-8")
        full, empty = folder / "full", folder / "empty"
        seconds = fill(full, feeds_path, leaders)
        print(f"setup: {leaders:,} leaders (onboarded, a schedule, {LESSONS_DONE} lessons done) written in "
              f"{seconds:.1f} s (fsync skipped for the setup)")
        stands = {"empty": (empty, 0), f"{leaders:,} leaders": (full, leaders)}
        results: dict[str, list[Run]] = {label: [] for label in stands}
        try:
            for number in range(1, runs + 1):
                for label, (data_dir, expected) in stands.items():
                    run = start_once(data_dir, feeds_path, folder / f"bot-{len(results[label])}.log")
                    print(describe(label, number, run), flush=True)
                    if run.scheduled not in (None, expected):
                        raise BotFailed(f"{run.scheduled} leaders scheduled at start, {expected} expected")
                    results[label].append(run)
        except BotFailed as error:
            print(f"failed: {error}")
            return 1
    print()
    load = os.getloadavg()[0]
    medians = {label: (statistics.median(r.seconds for r in measured),
                       int(statistics.median(worst_peak(r) for r in measured)))
               for label, measured in results.items()}
    for label, (seconds, peak) in medians.items():
        rebuilt = [r.rebuilt for r in results[label] if r.rebuilt is not None]
        cpu = statistics.median(r.cpu for r in results[label])
        print(f"  {label:<16} median: first getUpdates after {seconds:.2f} s ({cpu:.2f} s of CPU), every job "
              f"made after "
              f"{seconds_or_na(statistics.median(rebuilt) if rebuilt else None)}, peak memory {megabytes(peak)}")
    (base_seconds, base_peak), (seconds, peak) = medians["empty"], medians[f"{leaders:,} leaders"]
    print(f"  ratio {leaders:,} leaders / empty: time {seconds / base_seconds:.2f}, "
          f"peak memory {peak / base_peak:.2f}; the machine's load meanwhile: {load:.1f} on "
          f"{len(os.sched_getaffinity(0))} cores")
    print()
    print(f"judged by (median of {runs}, {leaders:,} leaders): first getUpdates after {seconds:.2f} s "
          f"(target under {SECONDS_TARGET:.0f} s): {verdict(seconds < SECONDS_TARGET)}; "
          f"peak memory {megabytes(peak)} (target under {megabytes(MEMORY_TARGET)}): "
          f"{verdict(peak < MEMORY_TARGET)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
