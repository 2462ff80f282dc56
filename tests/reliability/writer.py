"""A writer that records lessons done in a loop, printing each one once it is stored (acknowledged).

Run as `python -m tests.reliability.writer DATA_DIR START`; the crash-safety test kills it at random moments.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.adapters.storage import LeaderStore
from bot.core.model import Leader, LessonEvent

LEADER = 77


def main() -> None:
    store = LeaderStore(Path(sys.argv[1]))
    number = int(sys.argv[2])
    print("ready", flush=True)
    while True:
        leader = store.get(LEADER) or Leader(LEADER, LEADER, onboarded=True, awaiting=None)
        event = LessonEvent(f"lesson-{number}", "done", datetime.now(UTC), date(2026, 11, 23))
        store.put(leader.with_(events=(*leader.events, event)))
        print(number, flush=True)
        number += 1


if __name__ == "__main__":
    main()
