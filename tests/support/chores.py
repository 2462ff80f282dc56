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


def do(chore: str, *arguments: object) -> object:
    """Run one of the chores above by name: one worker function for every test."""
    return {"nap": nap, "crash": crash, "fail": fail, "pid": pid, "hog": hog}[chore](*arguments)  # type: ignore[operator]
