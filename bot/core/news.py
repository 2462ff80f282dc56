"""News items as the project knows them, and the hygiene of what comes from feeds: plain text and safe links.

Whatever a feed sends (HTML, entities escaped once or twice, control characters, a 1 MB summary, a
`javascript:` link), an `Item` holds plain text of bounded length and an absolute http(s) link. Every function
here runs in time linear in its input.

Tags are stripped by a small linear scanner rather than `html.parser`, which takes quadratic time on malformed
input such as "<a<a<a..." in Python 3.11 (7 s for 100 KB); `html.unescape` decodes the entities.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

TITLE_LIMIT = 200
SUMMARY_LIMIT = 500
LINK_LIMIT = 2000
ELLIPSIS = "…"


@dataclass(frozen=True)
class Item:
    """One article from a feed, as the project knows it: plain text only, a safe link."""

    title: str  # plain text, entities decoded, whitespace folded, at most TITLE_LIMIT characters
    link: str  # an absolute http(s) URL only
    source: str  # the feed's display name
    summary: str = ""  # plain text, at most SUMMARY_LIMIT characters
    published: datetime | None = None  # aware, UTC
    language: str | None = None  # "fr", "en" or None
    feed_url: str = ""
    undated: bool = False  # the feed gave no usable date: `published` is when the item was first seen


# --- plain text ---------------------------------------------------------------------------------------------

# Tags that a reader sees as a break between words; other tags (<b>, <a>, <span>...) join their neighbours.
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
     "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "ol", "p", "pre", "section",
     "table", "td", "th", "tr", "ul"}
)
_HIDDEN_TAGS = ("script", "style")
# Every element name of HTML, old and new. In text escaped twice, only these are taken for markup: the rest
# ("&lt;objc/runtime.h&gt;", "&lt;T&gt;", "&lt;email@example.com&gt;") is text that the feed escaped on purpose.
_HTML_TAGS = _BLOCK_TAGS | frozenset(
    {"a", "abbr", "acronym", "area", "audio", "b", "base", "basefont", "bdi", "bdo", "big", "blink", "body",
     "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "data", "datalist", "del",
     "details", "dfn", "dialog", "dir", "em", "embed", "fieldset", "font", "form", "frame", "frameset", "head",
     "html", "i", "iframe", "input", "ins", "kbd", "label", "legend", "link", "main", "map", "mark", "marquee",
     "menu", "meta", "meter", "nav", "nobr", "noscript", "object", "optgroup", "option", "output", "param",
     "picture", "progress", "q", "rp", "rt", "ruby", "s", "samp", "script", "select", "small", "source", "span",
     "strike", "strong", "style", "sub", "summary", "sup", "svg", "tbody", "template", "textarea", "tfoot",
     "thead", "time", "title", "track", "tt", "u", "var", "video", "wbr"}
)
# A tag runs from "<" to the next ">", unless another "<" comes first: each character is read at most twice.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>")
_DECLARATION = re.compile(r"<[!?][^<>]*>")
_HIDDEN_END = re.compile(r"</(?:script|style)", re.IGNORECASE)
_MARKUP_LEFT = re.compile(r"<[a-zA-Z/!?]|&#?[a-zA-Z0-9]+;")
# Control characters that are not whitespace, lone surrogates, invisible format characters (soft hyphen,
# zero-width space, bidirectional overrides, byte order mark) and the replacement character of broken
# encodings. Zero-width joiners stay: emoji need them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufffd\ud800-\udfff]"
)
_SPACES = re.compile(r"\s+")
_NO_BREAK_SPACES = ("\u00a0", "\u202f")
_TRAILING = " ,;:-–—(«“\"'\u00a0\u202f"


def _strip_tags(raw: str, budget: int, *, html_only: bool = False) -> tuple[str, bool]:
    """The text between the tags, without comments, CDATA markers and <script>/<style> contents, read until
    `budget` characters of text are found; and whether all of `raw` was read. With `html_only`, only HTML's
    own elements are tags: "<objc/runtime.h>" stays as text."""
    parts: list[str] = []
    found, position, end = 0, 0, len(raw)
    while position < end and found < budget:
        opening = raw.find("<", position, position + budget - found)
        if opening < 0:
            parts.append(raw[position : position + budget - found])
            position += len(parts[-1])
            found += len(parts[-1])
            continue
        parts.append(raw[position:opening])
        found += opening - position
        if raw.startswith("<!--", opening):
            closing = raw.find("-->", opening + 4)
            position = end if closing < 0 else closing + 3
        elif raw.startswith("<![CDATA[", opening):
            closing = raw.find("]]>", opening + 9)
            parts.append(raw[opening + 9 : end if closing < 0 else closing])
            found += len(parts[-1])
            position = end if closing < 0 else closing + 3
        elif (tag := _TAG.match(raw, opening)) and not (html_only and tag.group(2).lower() not in _HTML_TAGS):
            name = tag.group(2).lower()
            position = tag.end()
            if name in _BLOCK_TAGS:
                parts.append(" ")
            if name in _HIDDEN_TAGS and not tag.group(1):
                hidden_end = _HIDDEN_END.search(raw, position)
                closing = raw.find(">", hidden_end.end()) if hidden_end else -1
                position = end if closing < 0 else closing + 1
        elif declaration := _DECLARATION.match(raw, opening):
            position = declaration.end()
        else:
            parts.append("<")
            found += 1
            position = opening + 1
    return "".join(parts), position >= end


def _fold_spaces(text: str) -> str:
    """Runs of whitespace become one space; a lone no-break space (French typography) stays."""
    return _SPACES.sub(lambda m: m.group() if m.group() in _NO_BREAK_SPACES else " ", text).strip()


def clip(text: str, limit: int) -> str:
    """Cut plain text to at most `limit` characters on a word boundary, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    head = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: leave it out, unless it is the only one
        parts = head.rsplit(None, 1)
        head = parts[0] if len(parts) == 2 else head
    return (head.rstrip(_TRAILING) or head) + ELLIPSIS


def _text_of(raw: str, budget: int) -> tuple[str, bool]:
    """Plain text of the first `budget` characters of text in `raw`, and whether all of `raw` was read."""
    stripped, complete = _strip_tags(raw, budget)
    text = html.unescape(stripped)
    if _MARKUP_LEFT.search(text):  # escaped twice: "&amp;eacute;", "&lt;p&gt;" or "&amp;lt;p&amp;gt;"
        text = _strip_tags(html.unescape(text), len(text), html_only=True)[0]
    return _fold_spaces(_INVISIBLE.sub("", text)), complete


def plain_text(raw: str, limit: int) -> str:
    """HTML removed (tags, comments, <script>/<style> with their content), entities decoded (twice-escaped
    too), control characters dropped, whitespace folded, cut on a word boundary with an ellipsis.

    Only the beginning of a long text is read: four times as much as the limit, then four times more while
    entities and spaces fold it below the limit."""
    budget = 4 * limit + 64
    while True:
        text, complete = _text_of(raw, budget)
        if complete or len(text) > limit:
            return clip(text, limit)
        budget *= 4


# --- links --------------------------------------------------------------------------------------------------

_URL = re.compile(
    r"(?P<scheme>https?)://(?P<authority>[^/?#]*)(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?",
    re.IGNORECASE | re.DOTALL,
)
_HOST_PORT = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^\W_](?:[\w.-]*[^\W_])?\.?)(?::(?P<port>\d{1,5}))?")
_UNSAFE_IN_LINK = re.compile(r"[\s\x00-\x1f\x7f\"<>\\`]")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_ESCAPE_OR_NON_ASCII = re.compile(r"%[0-9a-fA-F]{2}|[^\x00-\x7f]")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

# Query parameters that only say who sent the reader, never which story it is.
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
     "mc_eid", "ref", "ref_src", "ref_url", "xtor", "xtref", "_ga", "_gl", "mkt_tok", "cmpid", "cmp", "ocid",
     "smid", "ito", "ncid", "sr_share", "s_cid", "spm", "oly_enc_id", "oly_anon_id", "vero_id", "vero_conv",
     "__s", "_hsenc", "_hsmi", "hsctatracking"}
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_")


def percent_encode(text: str, safe: str = "") -> str:
    """Text with every character but the unreserved ones (and those in `safe`) percent-encoded as UTF-8."""
    return "".join(
        char if char in _UNRESERVED or char in safe else "".join(f"%{byte:02X}" for byte in char.encode())
        for char in text
    )


def safe_link(raw: str | None) -> str | None:
    """An http(s) URL without credentials or whitespace, at most 2,000 chars; anything else
    (javascript:, data:, relative, ftp) is None."""
    link = (raw or "").strip()
    if not link or len(link) > LINK_LIMIT or _UNSAFE_IN_LINK.search(link):
        return None
    url = _URL.fullmatch(link)
    host_port = _HOST_PORT.fullmatch(url.group("authority")) if url else None
    if not host_port or (host_port.group("port") and not 0 < int(host_port.group("port")) <= 65535):
        return None
    return link


def _tracking(parameter: str) -> bool:
    name = parameter.split("=", 1)[0].lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def without_tracking(link: str) -> str:
    """The same link without its tracking parameters (utm_*, fbclid, xtor...), in the query or in a fragment
    made of parameters ("#xtor=RSS-3208"); everything else, order and case included, is kept."""
    match = _URL.fullmatch(link)
    if not match:
        return link
    head = link[: match.start("query") - 1] if match.group("query") is not None else None
    if head is None:
        head = link[: match.start("fragment") - 1] if match.group("fragment") is not None else link
    query = [p for p in (match.group("query") or "").split("&") if p and not _tracking(p)]
    fragment = match.group("fragment")
    if fragment and "=" in fragment:
        kept = [p for p in fragment.split("&") if p and not _tracking(p)]
        fragment = "&".join(kept) if kept else None
    return head + (f"?{'&'.join(query)}" if query else "") + (f"#{fragment}" if fragment else "")


def _canonical_escape(match: re.Match[str]) -> str:
    found = match.group()
    return found.upper() if found.startswith("%") else percent_encode(found)


def _canonical_escapes(text: str) -> str:
    """Percent escapes in capitals, and characters outside ASCII percent-encoded, as browsers send them."""
    return _ESCAPE_OR_NON_ASCII.sub(_canonical_escape, text)


def normalise_url(url: str) -> str:
    """The same story's URL, whatever the tracking: lowercase scheme and host, no default port, no fragment,
    no utm_*/fbclid/gclid/... parameters, remaining parameters sorted, no trailing slash.

    Text that is not an http(s) URL comes back stripped but otherwise unchanged."""
    url = url.strip()
    match = _URL.fullmatch(url)
    host_port = _HOST_PORT.fullmatch(match.group("authority")) if match else None
    if not match or not host_port:
        return url
    scheme = match.group("scheme").lower()
    host = host_port.group("host").lower().rstrip(".")
    port = host_port.group("port")
    address = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _canonical_escapes(match.group("path")).rstrip("/")
    parameters = [p for p in (match.group("query") or "").split("&") if p and not _tracking(p)]
    query = "&".join(sorted(_canonical_escapes(p) for p in parameters))
    return f"{scheme}://{address}{path}" + (f"?{query}" if query else "")


# --- folding ------------------------------------------------------------------------------------------------

_MARKS = re.compile(r"[\u0300-\u036f]")
_WORD = re.compile(r"[^\W_]+")


def unaccent(text: str) -> str:
    """Text without its accents (é is e, ç is c), case kept."""
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """The words of a text (letters and digits), without accents, case kept."""
    return _WORD.findall(unaccent(text))


def fold(text: str) -> str:
    """Text for comparison: its words without accents, case folded, separated by single spaces."""
    return " ".join(words(text)).casefold()
