"""`coachbot suggest` and `coachbot feeds check`, run as a newcomer would, against feeds served locally."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.support.feed_server import FeedServer

TITLES = ["Why chief executives are posting on LinkedIn", "AI agents reach the factory floor",
          "Supply chains: three lessons from this year", "A <b>bold</b> claim & a <script>x</script>"]


def write_feed(folder: Path) -> None:
    """An RSS feed whose items were published in the last hours, whatever today is."""
    now = datetime.now(UTC)
    items = "".join(
        f"<item><title>{title.replace('&', '&amp;').replace('<', '&lt;')}</title>"
        f"<link>https://news.example.org/{n}?utm_source=rss</link>"
        f"<description>{title.replace('&', '&amp;').replace('<', '&lt;')}. Details follow.</description>"
        f"<pubDate>{format_datetime(now - timedelta(hours=n + 1))}</pubDate></item>"
        for n, title in enumerate(TITLES)
    )
    (folder / "today.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Today</title>'
                                      f"{items}</channel></rss>")


def run_cli(tmp_path: Path, server: FeedServer, *args: str) -> subprocess.CompletedProcess[str]:
    feeds = {"sectors": [{"id": "technology", "label": {"en": "Technology", "fr": "Technologie"},
                          "keywords": {"en": ["LinkedIn", "AI", "supply chain"], "fr": ["IA"]},
                          "feeds": [{"url": server.url("feeds/today.xml"), "name": "Today", "lang": "en"},
                                    {"url": server.url("status/500"), "name": "Broken", "lang": "en"}]}]}
    (tmp_path / "feeds.yaml").write_text(yaml.safe_dump(feeds))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COACHBOT_FEEDS": str(tmp_path / "feeds.yaml"),
           "COACHBOT_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_suggest_prints_json_suggestions_with_drafts(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    write_feed(folder)
    with FeedServer(folder) as server:
        result = run_cli(tmp_path, server, "suggest", "--sector", "technology", "--json", "--limit", "2")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    for row in rows:
        assert set(row) == {"title", "link", "source", "published", "score", "draft"}
        assert row["link"].startswith("https://news.example.org/")
        assert datetime.fromisoformat(row["published"]).tzinfo is not None
        assert row["draft"] and row["source"] == "Today"
    assert rows[0]["score"] >= rows[1]["score"]
    assert "2/2" in result.stderr  # the progress bar reached the end


def test_suggest_in_french_and_as_a_list(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    write_feed(folder)
    with FeedServer(folder) as server:
        result = run_cli(tmp_path, server, "suggest", "--sector", "technology", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert "1. " in result.stdout and "https://news.example.org/" in result.stdout


def test_feeds_check_reports_each_feed(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    write_feed(folder)
    with FeedServer(folder) as server:
        result = run_cli(tmp_path, server, "feeds", "check", "--json")
        table = run_cli(tmp_path, server, "feeds", "check")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["Today"]["status"] == "ok" and rows["Today"]["items"] == 4
    assert rows["Broken"]["status"] == "error" and "500" in rows["Broken"]["error"]
    assert "2 feeds, 1 failing" in table.stdout


def test_an_unknown_sector_is_named_with_the_known_ones(tmp_path):
    with FeedServer(tmp_path) as server:
        result = run_cli(tmp_path, server, "suggest", "--sector", "astrology")
    assert result.returncode == 2
    assert "technology" in result.stderr and "Traceback" not in result.stderr
