"""Reading an OPML feed list a leader uploads, with defusedxml: every document that cannot be read says why.

The one module that reaches defusedxml. The document's encoding is settled here, before any XML parser sees it:
a byte-order mark (UTF-8, UTF-16, UTF-32) wins, else UTF-16 or UTF-32 recognised from the first bytes, else the
encoding the XML declaration names (Shift_JIS, ISO-8859-1, windows-1252... any text encoding Python knows),
else UTF-8. The text is decoded strictly, then parsed as UTF-8 by defusedxml with DTDs, entities and external
references forbidden, so that no declared encoding and no DOCTYPE can reach the parser's own handling.

`read_opml` raises `OpmlError(reason)`, where `reason` is one of REASONS, a message key for the leader:

* "opml_too_big": over MAX_BYTES;
* "opml_not_xml": not XML at all (a picture, a PDF, a compressed file) or XML that is not well-formed;
* "opml_encoding": an encoding no one knows, one that is not text, or bytes that lie about their encoding;
* "opml_entities": a DOCTYPE, an entity declaration or an external reference (refused, never expanded);
* "opml_not_opml": well-formed XML that is not an OPML document (an RSS feed, a web page);
* "opml_no_feeds": an OPML document that lists no feed address.
"""

from __future__ import annotations

import codecs
import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]

MAX_BYTES = 1_000_000
MAX_FEEDS = 500
REASONS = frozenset(
    {"opml_too_big", "opml_not_xml", "opml_encoding", "opml_entities", "opml_not_opml", "opml_no_feeds"}
)
_BOMS = (  # the longer marks first: UTF-32 LE starts with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_STARTS = (  # "<?" without a mark, in the encodings whose bytes are not ASCII's
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
_DECLARATION = re.compile(r"""\A\s*<\?xml\b[^>]*?\?>""")
_DECLARED = re.compile(rb"""\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']{1,40})["']""")
_MARKUP_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


class OpmlError(ValueError):
    """The upload is not an OPML feed list that can be read; `reason` is one of REASONS."""

    def __init__(self, reason: str) -> None:
        assert reason in REASONS, reason
        super().__init__(reason)
        self.reason = reason


def read_opml(content: bytes) -> list[tuple[str, str]]:
    """The feeds an OPML document lists, as (title, address), in document order, without duplicate addresses.

    The title is the outline's `title`, else its `text`, else "". At most MAX_FEEDS.
    """
    if len(content) > MAX_BYTES:
        raise OpmlError("opml_too_big")
    text = _decode(content)
    if _MARKUP_DECLARATION.search(text):
        raise OpmlError("opml_entities")
    root = _parse(_DECLARATION.sub("", text, count=1).encode("utf-8"))
    if _local(root.tag) != "opml":
        raise OpmlError("opml_not_opml")
    feeds: dict[str, str] = {}
    for outline in root.iter():
        if _local(outline.tag) != "outline":
            continue
        attributes = {name.lower(): value for name, value in outline.attrib.items()}
        url = attributes.get("xmlurl", "").strip()
        if url and url not in feeds:
            feeds[url] = (attributes.get("title") or attributes.get("text") or "").strip()
            if len(feeds) >= MAX_FEEDS:
                break
    if not feeds:
        raise OpmlError("opml_no_feeds")
    return [(title, url) for url, title in feeds.items()]


def _decode(content: bytes) -> str:
    """The document as text, from its byte-order mark, its first bytes or its declaration (UTF-8 by default)."""
    for mark, encoding in _BOMS:
        if content.startswith(mark):
            return _strict(content[len(mark) :], encoding)
    for start, encoding in _WIDE_STARTS:
        if content.startswith(start):
            return _strict(content, encoding)
    if not content.lstrip(b" \t\r\n").startswith(b"<"):
        raise OpmlError("opml_not_xml")  # a picture, a PDF, a gzip file posing as OPML
    declared = _DECLARED.match(content)
    if declared is None:
        return _strict(content, "utf-8")
    name = declared.group(1).decode("ascii", "replace").strip()
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        raise OpmlError("opml_encoding") from None
    if encoding.startswith(("utf-16", "utf-32")):
        raise OpmlError("opml_encoding")  # declared wide, but written in single bytes: the declaration lies
    return _strict(content, encoding)


def _strict(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):  # LookupError: a codec that is not a text encoding (base64...)
        raise OpmlError("opml_encoding") from None


def _parse(document: bytes) -> Element:
    try:
        root: Element = defusedxml.ElementTree.fromstring(
            document, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise OpmlError("opml_entities") from None
    except (ParseError, ValueError):
        raise OpmlError("opml_not_xml") from None
    return root


def _local(tag: object) -> str:
    """An element's name without its namespace, in lower case."""
    return str(tag).rpartition("}")[2].lower()
