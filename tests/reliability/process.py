"""Running `coachbot run` as a real process against the fake Bot API served over local HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT
from tests.support.fake_bot_api import FakeBotApi, FakeBotApiServer


def start_bot(server: FakeBotApiServer, data_dir: Path, log_path: Path, **extra: str) -> subprocess.Popen[bytes]:
    """Start the bot as a process talking to the fake; its output goes to `log_path`."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TELEGRAM_BOT_TOKEN": server.api.token,
        "TELEGRAM_API_URL": server.base_url,
        "COACHBOT_DATA_DIR": str(data_dir),
        "COACHBOT_LOG_LEVEL": "DEBUG",
        **extra,
    }
    with log_path.open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT, stdout=log, stderr=log)


def polls(api: FakeBotApi) -> int:
    """How many getUpdates calls the fake has answered so far."""
    return sum(1 for call in api.calls if call.method == "getUpdates")


class SlowAnswers:
    """Makes the fake hold its answer to one method (after doing the work) until released or timed out."""

    def __init__(self, api: FakeBotApi, method: str, *, before: bool = False,
                 only: Callable[[dict], bool] = lambda params: True) -> None:
        self.api, self.method, self.before, self.only = api, method, before, only
        self.reached = threading.Event()
        self.release = threading.Event()
        self._handle: Callable = api.handle
        api.handle = self._slow  # type: ignore[method-assign]

    def _slow(self, token, method, params, files=None):  # type: ignore[no-untyped-def]
        if method != self.method or not self.only(params):
            return self._handle(token, method, params, files)
        if self.before:
            self.reached.set()
            self.release.wait(timeout=30)
            return self._handle(token, method, params, files)
        answer = self._handle(token, method, params, files)
        self.reached.set()
        self.release.wait(timeout=30)
        return answer

    def restore(self) -> None:
        """Answer normally again."""
        self.api.handle = self._handle  # type: ignore[method-assign]
        self.release.set()


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Poll a condition (for things the fake's own wait_for cannot see)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)
