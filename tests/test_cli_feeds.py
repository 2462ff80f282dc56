"""`coachbot suggest` and `coachbot feeds check`, run as a newcomer would, against feeds served locally."""

from __future__ import annotations

import json
import os
import socket
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


def write_feed(folder: Path, name: str = "today.xml", age: timedelta = timedelta(0)) -> None:
    """An RSS feed whose items were published in the last hours (before `age` ago), whatever today is."""
    now = datetime.now(UTC) - age
    items = "".join(
        f"<item><title>{title.replace('&', '&amp;').replace('<', '&lt;')}</title>"
        f"<link>https://news.example.org/{n}?utm_source=rss</link>"
        f"<description>{title.replace('&', '&amp;').replace('<', '&lt;')}. Details follow.</description>"
        f"<pubDate>{format_datetime(now - timedelta(hours=n + 1))}</pubDate></item>"
        for n, title in enumerate(TITLES)
    )
    (folder / name).write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Today</title>'
                                      f"{items}</channel></rss>")


def run_cli(tmp_path: Path, server: FeedServer, *args: str) -> subprocess.CompletedProcess[str]:
    feeds = {"Today": server.url("feeds/today.xml"), "Broken": server.url("status/500")}
    return run_with_feeds(tmp_path, feeds, *args)


def run_with_feeds(tmp_path: Path, feeds: dict[str, str], *args: str,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`coachbot ARGS` with one sector whose feeds are these (name: address), in a bare environment."""
    sectors = {"sectors": [{"id": "technology", "label": {"en": "Technology", "fr": "Technologie"},
                            "keywords": {"en": ["LinkedIn", "AI", "supply chain"], "fr": ["IA"]},
                            "feeds": [{"url": url, "name": name, "lang": "en"} for name, url in feeds.items()]}]}
    (tmp_path / "feeds.yaml").write_text(yaml.safe_dump(sectors))
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COACHBOT_FEEDS": str(tmp_path / "feeds.yaml"),
                   "COACHBOT_DATA_DIR": str(tmp_path / "data"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=environment,
                          cwd=ROOT, timeout=120)


def closed_port() -> int:
    """A loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    assert result.returncode == table.returncode == 1, result.stderr  # a feed fails
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["Today"]["status"] == "ok" and rows["Today"]["items"] == 4
    assert rows["Today"]["age"] == "newest item 1 hour ago" and not rows["Today"]["stale"]
    assert datetime.fromisoformat(rows["Today"]["newest"]) < datetime.now(UTC)
    assert rows["Broken"]["status"] == "error" and "500" in rows["Broken"]["error"]
    assert rows["Broken"]["newest"] is None and rows["Broken"]["age"] == "no items"
    assert "Today  (newest item 1 hour ago)" in table.stdout
    assert "2 feeds, 1 failing\n" in table.stdout and "every feed failed" not in table.stdout


def test_feeds_check_exits_zero_when_every_feed_answers_and_shows_a_stale_one(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    write_feed(folder)
    write_feed(folder, "quiet.xml", age=timedelta(days=215))
    with FeedServer(folder) as server:
        feeds = {"Today": server.url("feeds/today.xml"), "Quiet": server.url("feeds/quiet.xml")}
        table = run_with_feeds(tmp_path, feeds, "feeds", "check")
        result = run_with_feeds(tmp_path, feeds, "feeds", "check", "--json")
    assert table.returncode == result.returncode == 0, table.stderr
    assert "Quiet  (nothing for 7 months)" in table.stdout
    assert "2 feeds, 0 failing, 1 with nothing new for a month or more" in table.stdout
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["Quiet"]["stale"] and rows["Quiet"]["age"] == "nothing for 7 months"


def test_feeds_check_says_why_a_document_is_not_a_feed(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    write_feed(folder)
    (folder / "moved.html").write_text("<html><head><title>Document Moved</title></head><body>here</body></html>")
    (folder / "empty.xml").write_text("")
    with FeedServer(folder) as server:
        feeds = {"Today": server.url("feeds/today.xml"), "Moved": server.url("feeds/moved.html"),
                 "Empty": server.url("feeds/empty.xml")}
        result = run_with_feeds(tmp_path, feeds, "feeds", "check")
    assert result.returncode == 1
    assert "Moved  not a feed: a web page" in result.stdout and "Empty  empty document" in result.stdout
    assert "3 feeds, 2 failing" in result.stdout and "every feed failed" not in result.stdout


def test_when_every_feed_fails_one_line_says_the_network_is_the_likely_cause(tmp_path):
    port = closed_port()
    feeds = {"One": f"http://127.0.0.1:{port}/a.xml", "Two": f"http://127.0.0.1:{port}/b.xml"}
    table = run_with_feeds(tmp_path, feeds, "feeds", "check")
    result = run_with_feeds(tmp_path, feeds, "feeds", "check", "--json")
    assert table.returncode == result.returncode == 1
    assert "2 feeds, 2 failing" in table.stdout
    assert "every feed failed; likely cause: no network connection" in table.stdout
    assert len(json.loads(result.stdout)) == 2  # the JSON stays whole: the cause goes to standard error
    assert "likely cause: no network connection" in result.stderr and "Traceback" not in result.stderr


def test_when_every_feed_fails_through_a_proxy_the_proxy_is_named_but_not_its_password(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    write_feed(folder)
    proxy = f"http://user:s3cret@127.0.0.1:{closed_port()}"
    with FeedServer(folder) as server:
        result = run_with_feeds(tmp_path, {"Today": server.url("feeds/today.xml")}, "feeds", "check",
                                env={"HTTP_PROXY": proxy})
    assert result.returncode == 1
    assert "likely cause: the proxy set in HTTP_PROXY" in result.stdout
    assert "s3cret" not in result.stdout + result.stderr


def test_when_no_host_name_resolves_the_cause_is_dns(tmp_path):
    feeds = {"One": "http://news.coachbot-test.invalid/rss", "Two": "https://feeds.coachbot-test.invalid/atom"}
    result = run_with_feeds(tmp_path, feeds, "feeds", "check")
    assert result.returncode == 1
    assert "likely cause: host names do not resolve" in result.stdout


def test_an_unknown_sector_is_named_with_the_known_ones(tmp_path):
    with FeedServer(tmp_path) as server:
        result = run_cli(tmp_path, server, "suggest", "--sector", "astrology")
    assert result.returncode == 2
    assert "technology" in result.stderr and "Traceback" not in result.stderr
