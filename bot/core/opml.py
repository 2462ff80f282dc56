"""OPML, the feed-list format of feed readers: reading a leader's list, writing it back out.

Only plain OPML is read: a document that declares a DOCTYPE or entities is refused before parsing (entity
expansion is a classic way to make a parser eat all memory), and so is one over MAX_BYTES.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

MAX_BYTES = 1_000_000
MAX_FEEDS = 500
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class OpmlError(ValueError):
    """The file is not an OPML feed list that can be read."""


def read_opml(content: bytes) -> list[tuple[str, str]]:
    """The feeds listed in an OPML document: (address, title), in document order, without duplicates."""
    if len(content) > MAX_BYTES:
        raise OpmlError("too large")
    if _DECLARATION.search(content):
        raise OpmlError("declarations are not accepted")
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        raise OpmlError("not well-formed XML") from None
    if root.tag.lower() != "opml":
        raise OpmlError("not OPML")
    feeds: dict[str, str] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in feeds:
            feeds[url] = (outline.get("title") or outline.get("text") or "").strip()
        if len(feeds) >= MAX_FEEDS:
            break
    return list(feeds.items())


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
