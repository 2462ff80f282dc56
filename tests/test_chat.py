"""`coachbot chat`: the coach in a terminal, driven by a piped script of lines as a newcomer would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.support.local_feeds import sectors_file


def chat(lines: list[str], data_dir: Path, *extra: str, feeds: Path | None = None) -> str:
    """The transcript of `coachbot chat` fed these lines; the sectors' feeds are on loopback (by default on a
    port where nothing answers, as when the machine is offline)."""
    feeds = feeds or sectors_file(data_dir.parent / "offline-feeds.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", *extra],
        input="\n".join(lines) + "\n",
        capture_output=True, text=True, timeout=60, cwd=data_dir.parent,
        env={"COACHBOT_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
             "COACHBOT_FEEDS": str(feeds)},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_onboarding_lesson_and_done_in_the_terminal_then_again_after_restart(tmp_path):
    data = tmp_path / "data"
    out = chat(["/start", "1", "Europe/Paris", "2", "1", "1", "1", "1"], data)
    assert "1. English" in out and "2. Français" in out
    assert "Today's action" in out
    assert "✅ Done. Next lesson: " in out
    stored = json.loads((data / "leaders" / "1.json").read_text())["leader"]["1"]
    assert stored["events"][0]["lesson"] == "welcome"
    assert stored["schedule"]["at"] == "07:30"

    again = chat(["/start", "/roadmap"], data)
    assert "Welcome back" in again
    assert "One lesson done out of 42" in again


def test_bad_input_in_the_terminal_gets_an_answer(tmp_path):
    out = chat(["/today", "hello", "/start", "9", "/remind 25:99", "/quit", "/help"], tmp_path / "data")
    assert "/start to begin" in out
    assert "Choose a number from 1 to 2." in out
    assert "Your coach, one minute a day" not in out  # nothing after /quit is read


def test_the_terminal_speaks_french_when_asked(tmp_path):
    out = chat(["/start"], tmp_path / "data", "--language", "fr")
    assert "Bonjour" in out


def test_export_is_written_to_a_file_whose_path_is_printed(tmp_path):
    data = tmp_path / "data"
    out = chat(["/start", "1", "1", "3", "1", "1", "/export"], data)
    line = next(x for x in out.splitlines() if x.strip().startswith("[") and x.strip().endswith(".json]"))
    path = Path(line.strip()[1:-1])
    assert json.loads(path.read_text())["leader"]["user_id"] == 1


def test_stats_in_the_terminal_writes_the_picture_to_a_file(tmp_path):
    out = chat(["/start", "1", "1", "3", "2", "1", "1", "1", "/stats"], tmp_path / "data")
    assert "Habit strength" in out
    line = next(x for x in out.splitlines() if x.strip().endswith(".png]"))
    assert Path(line.strip()[1:-1]).read_bytes().startswith(b"\x89PNG")


def test_delete_in_the_terminal_removes_the_files_written_for_the_leader(tmp_path):
    data = tmp_path / "data"
    chat(["/start", "1", "Europe/Paris", "2", "1", "1", "/export", "/stats"], data)
    assert len(list((data / "files").iterdir())) == 2
    out = chat(["/delete", "1"], data)
    assert "forgotten everything" in out
    assert list((data / "files").iterdir()) == []
    assert not (data / "leaders" / "1.json").exists()
