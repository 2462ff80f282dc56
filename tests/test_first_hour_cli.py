"""`coachbot suggest` as README shows it: without --sector it takes the sector chosen in `coachbot chat` (or
lists the sectors), and offline it says that every feed failed and exits non-zero, as `feeds check` does."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.conftest import ROOT
from tests.support.feed_server import FeedServer
from tests.support.local_feeds import rss, sectors_file
from tests.test_chat import chat


def suggest(data: Path, feeds: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "suggest", *extra], capture_output=True, text=True,
                          timeout=120, cwd=data.parent,
                          env={"COACHBOT_DATA_DIR": str(data), "COACHBOT_FEEDS": str(feeds), "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(ROOT)})


def test_without_a_sector_the_sectors_are_listed(tmp_path):
    result = suggest(tmp_path / "data", sectors_file(tmp_path / "feeds.yaml"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "coachbot suggest --sector technology" in result.stderr and "transport" in result.stderr


def test_offline_every_feed_failing_is_said_and_the_status_is_not_zero(tmp_path):
    offline = sectors_file(tmp_path / "feeds.yaml")
    chat(["/start", "1", "1", "3", "1", "finance"], tmp_path / "data", feeds=offline)  # the chat's sector
    result = suggest(tmp_path / "data", offline)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "every feed of Finance failed" in result.stderr and "likely cause" in result.stderr


def test_the_chat_sector_and_language_are_the_defaults(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "bank.xml").write_text(rss("Bank Weekly", [("Banks and AI: the first audits", timedelta(hours=1))]))
    with FeedServer(root) as server:
        feeds = sectors_file(tmp_path / "feeds.yaml", lambda sector, n: server.url(
            "/feeds/bank.xml" if sector == "finance" else f"/status/404?{sector}-{n}"))
        chat(["/start", "2", "1", "3", "1", "finance"], tmp_path / "data", feeds=feeds)  # French, Finance
        result = suggest(tmp_path / "data", feeds, "--json")
    assert result.returncode == 0, result.stderr
    assert "Banks and AI: the first audits" in result.stdout and '"language": "fr"' in result.stdout
