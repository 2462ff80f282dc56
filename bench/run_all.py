"""Run every benchmark (`bench/bench_*.py`), one after the other, each in a process of its own.

Each one's output is shown as it comes; a table at the end gives each benchmark's exit status and duration.
With `--quick`, the benchmarks that accept `--quick` (smaller sizes, for a fast look) are given it; the others
run as they are. With `--smoke`, every benchmark is given `--smoke` (each must accept it): its tiniest sizes, a
few seconds each and about a minute in all, judged on exit status only, so that a change that breaks a benchmark
is seen in CI (`.ci/run` runs this); each gets SMOKE_TIMEOUT seconds at most. Exit status: 0 when every
benchmark exited 0, else 1. Benchmarks are never part of the tests.

Run: .venv/bin/python bench/run_all.py [--quick | --smoke]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SMOKE_TIMEOUT = 60.0  # seconds one benchmark may take in smoke mode


def accepts_quick(script: Path) -> bool:
    """Whether a benchmark declares a --quick option."""
    return '"--quick"' in script.read_text(encoding="utf-8")


def run(script: Path, quick: bool, smoke: bool = False) -> tuple[int, float]:
    """Run one benchmark from the repository root, its output shown as it comes: (exit status, seconds)."""
    command = [sys.executable, str(script.relative_to(ROOT))]
    if quick and accepts_quick(script):
        command.append("--quick")
    if smoke:
        command.append("--smoke")
    print(f"=== {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    try:
        status = subprocess.run(command, cwd=ROOT, timeout=SMOKE_TIMEOUT if smoke else None).returncode
    except subprocess.TimeoutExpired:
        print(f"=== {script.name}: still running after {SMOKE_TIMEOUT:.0f} s: stopped", flush=True)
        status = 124
    seconds = time.perf_counter() - started
    print(f"=== {script.name}: exit status {status} after {seconds:.1f} s\n", flush=True)
    return status, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="pass --quick to the benchmarks that accept it")
    size.add_argument("--smoke", action="store_true", help="every benchmark at its tiniest, to see that it runs")
    options = parser.parse_args()
    results = {script.name: run(script, options.quick, options.smoke)
               for script in sorted(BENCH_DIR.glob("bench_*.py"))}
    width = max([len("benchmark"), *(len(name) for name in results)])
    print(f"{'benchmark':<{width}}  exit status  seconds")
    for name, (status, seconds) in results.items():
        print(f"{name:<{width}}  {status:>11}  {seconds:>7.1f}")
    return 0 if all(status == 0 for status, _ in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
