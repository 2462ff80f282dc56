"""The sectors of the project's feeds file, with their feeds moved to loopback, for tests that run the real
`coachbot` commands: nothing is read from the internet, and a test chooses what each feed answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from tests.conftest import FEEDS

# A port nothing listens on: every feed fails at once, as when the machine is offline.
CLOSED = "http://127.0.0.1:9"


def sectors_file(path: Path, url_for: Callable[[str, int], str] = lambda sector, n: f"{CLOSED}/{sector}/{n}.xml"
                 ) -> Path:
    """Write a copy of the feeds file whose feed addresses are `url_for(sector_id, index)`; return its path."""
    data = yaml.safe_load(FEEDS.read_text(encoding="utf-8"))
    for sector in data["sectors"]:
        for index, feed in enumerate(sector["feeds"]):
            feed["url"] = url_for(sector["id"], index)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def rss(title: str, items: list[tuple[str, timedelta]], *, site: str = "https://walk.example",
        now: datetime | None = None) -> str:
    """An RSS 2.0 feed whose items (title, age) were published that long before `now` (default: this instant)."""
    moment = now or datetime.now(UTC)
    entries = "".join(
        f"<item><title>{escape(name)}</title><link>{site}/{n}</link>"
        f"<description>{escape(name)}. What it means for leaders.</description>"
        f"<pubDate>{format_datetime(moment - ago)}</pubDate></item>"
        for n, (name, ago) in enumerate(items, 1)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{site}/</link><language>en</language>{entries}</channel></rss>")
