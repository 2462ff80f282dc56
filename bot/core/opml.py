"""OPML, the feed-list format of feed readers: writing a leader's list out (reading one sent from outside is
`bot.adapters.opml`, with defusedxml)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr


def write_opml(feeds: Sequence[tuple[str, str]], title: str) -> bytes:
    """An OPML 2.0 document listing feeds given as (address, title)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    for url, name in feeds:
        lines.append(
            f'    <outline type="rss" text={quoteattr(name)} title={quoteattr(name)} xmlUrl={quoteattr(url)}/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
