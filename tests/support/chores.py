"""Small jobs for the parse pool's tests: importable, so a worker process can run them."""

from __future__ import annotations

import os
import time


def nap(seconds: float) -> float:
    """Sleep, then answer how long."""
    time.sleep(seconds)
    return seconds


def crash() -> None:
    """Die at once, as a worker killed by the system would."""
    os._exit(9)


def fail(message: str) -> None:
    """Raise an error the caller should see as it is."""
    raise ValueError(message)


def pid() -> int:
    """The worker's process id."""
    return os.getpid()


def hog(size: int) -> int:
    """Ask for `size` bytes of memory at once."""
    return len(bytearray(size))


HOLD_MARK = b"<!-- held by the test -->"
HOLD_SECONDS = 120.0  # far past any budget a test sets: a held parse cannot finish in time on any machine


def parse_or_hold(content: bytes, *arguments: object) -> object:
    """The real feed parser, except that a document carrying HOLD_MARK is held for HOLD_SECONDS first: a parse
    slow by construction, whatever the speed of the machine."""
    from bot.adapters.feeds import parse_feed

    if HOLD_MARK in content:
        time.sleep(HOLD_SECONDS)
    return parse_feed(content, *arguments)  # type: ignore[arg-type]


def do(chore: str, *arguments: object) -> object:
    """Run one of the chores above by name: one worker function for every test."""
    return {"nap": nap, "crash": crash, "fail": fail, "pid": pid, "hog": hog}[chore](*arguments)  # type: ignore[operator]
