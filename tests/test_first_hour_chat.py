"""A newcomer's first hour in `coachbot chat`, as a piped script: the README's one-liner reaches the first
lesson, the sector's news is read at once (from a loopback publisher), a button keeps its number while its
message changes, a "Not relevant" can be taken back, the terminal says "type", not "tap", and a file is imported
with `/feeds import FILE`."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.feed_server import FeedServer
from tests.support.local_feeds import rss, sectors_file
from tests.test_chat import chat

README_LINE = re.compile(r"printf '([^']*)' \| \.venv/bin/coachbot chat")


@pytest.fixture
def publisher(tmp_path):
    """The technology sector's first feed is "Walk Industry News", with ten recent articles; the other feeds
    answer 404."""
    root = tmp_path / "site"
    root.mkdir()
    titles = ["Robots in the warehouse", "Cloud bills fall", "AI in the boardroom", "Chips again",
              "Data centres and water", "A startup round in Lyon", "Cyber insurance costs", "Open source in banks",
              "Quantum pilots", "Software budgets for 2027"]
    (root / "walk.xml").write_text(rss("Walk Industry News", [(title, timedelta(minutes=40 + 30 * n))
                                                              for n, title in enumerate(titles)]), encoding="utf-8")
    with FeedServer(root) as server:
        yield sectors_file(tmp_path / "feeds.yaml", lambda sector, n: server.url(
            "/feeds/walk.xml" if (sector, n) == ("technology", 0) else f"/status/404?{sector}-{n}"))


def stored(data: Path) -> dict:
    return json.loads((data / "leaders" / "1.json").read_text())["leader"]["1"]


def test_the_readme_one_liner_reaches_the_first_lesson_and_reads_like_a_transcript(tmp_path, publisher):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    script = README_LINE.search(readme).group(1).encode().decode("unicode_escape")
    out = chat(script.splitlines(), tmp_path / "data", feeds=publisher)
    assert "Today's action" in out  # the first lesson
    assert "> /start" in out and "\n> 3\n" in out  # piped answers are echoed
    assert "I am reading your sector's news now" in out
    assert "Your first suggestions" in out and "Cloud bills fall" in out  # the news was read at once


def test_a_button_keeps_its_number_and_not_relevant_can_be_taken_back(tmp_path, publisher):
    data = tmp_path / "data"
    # A leader who posts now and then (6), with posts from today (1): the suggestions bring posts to write.
    out = chat(["/start", "1", "1", "3", "1", "1", "6", "1", "/suggest", "3", "13", "3", "4"], data,
               feeds=publisher)
    shown = out.split("> /suggest", 1)[1]
    assert "  3. 1 · Not relevant" in shown and "  4. 1 · Another" in shown and "  7. 2 · Not relevant" in shown
    after_irrelevant, after_undo, again, after_another = shown.split("\n> ")[1:5]
    assert "  13. 1 · ↩️ Undo" in after_irrelevant and "  4. 1 · Another" in after_irrelevant
    assert "  3. 1 · Not relevant" not in after_irrelevant and "  7. 2 · Not relevant" in after_irrelevant
    assert "Taken back" in after_undo and "  3. 1 · Not relevant" in after_undo  # the same numbers again
    assert "  13. 1 · ↩️ Undo" in again
    batch = [o for o in stored(data)["offers"] if o["batch"] == stored(data)["offers"][-1]["batch"]]
    # 4 was "1 · Another" all along: the first suggestion was replaced, the second never marked "Not relevant".
    assert [o["status"] for o in batch] == ["replaced", "offered", "offered", "offered"]
    assert "Chips again" in after_another or "Robots" in after_another


def test_the_terminal_speaks_of_typing_and_imports_a_file(tmp_path, publisher):
    opml = tmp_path / "mine.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
                    '<outline type="rss" text="Walk" xmlUrl="https://walk.example/feed.xml"/></body></opml>')
    out = chat(["/start", "1", "Paris", "3", "mon", "tech", "6", "1", "/feeds", f"/feeds import {opml}",
                "/feeds import /nowhere.opml", "/suggest", "2", "/help", "/settings"], tmp_path / "data",
               feeds=publisher)
    assert "Tap" not in out and "tap " not in out and "Send me" not in out and "send an OPML" not in out
    assert "/feeds export, /feeds import FILE (an OPML file)" in out  # in /help
    assert "Type the number of what you would like to change." in out  # in /settings
    assert "Type the number of a city" in out
    assert stored(tmp_path / "data")["sector"] == "technology"  # "tech" chose Technology
    assert "/feeds import FILE" in out
    assert "https://walk.example/feed.xml" in json.dumps(stored(tmp_path / "data")["own_feeds"])
    assert "I cannot read the file /nowhere.opml" in out
    assert "select its text to copy all of it" in out


def test_a_typed_word_that_begins_two_choices_chooses_neither(tmp_path, publisher):
    out = chat(["/start", "1", "1", "3", "1", "t"], tmp_path / "data", feeds=publisher)
    assert "I do not know that sector" in out  # "t": Technology or Transport
