"""A writer killed with SIGKILL at random moments, 100 times: the data always opens and keeps every action
acknowledged before the kill."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

from bot.adapters.storage import LeaderStore
from tests.conftest import ROOT
from tests.reliability.writer import LEADER

KILLS = 100


def test_every_acknowledged_action_survives_sigkill(tmp_path):
    chance = random.Random(20261122)
    acknowledged: set[str] = set()
    next_number = 0
    for _ in range(KILLS):
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.writer", str(tmp_path), str(next_number)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(chance.uniform(0.0, 0.05))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate(timeout=30)
        numbers = [int(line) for line in out.split()]
        acknowledged.update(f"lesson-{n}" for n in numbers)
        next_number = (max(numbers) + 1 if numbers else next_number) + 1_000  # a gap marks each run

        leader = LeaderStore(tmp_path).get(LEADER)  # opens every time
        stored = {e.lesson_id for e in (leader.events if leader else ())}
        assert acknowledged <= stored
        # A temporary file cut short by the kill is never taken for data, and is cleared on opening.
        assert [p.name for p in (tmp_path / "leaders").iterdir()] == [f"{LEADER}.json"]
    assert len(acknowledged) > KILLS  # the writer did get work done between the kills
