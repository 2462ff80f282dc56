"""Telegram HTML: escaping, a small Markdown subset rendered to it, its validation, and plain text from it.

Telegram's HTML mode accepts a handful of tags and wants `<`, `>` and `&` escaped everywhere else. Every
dynamic string goes through `escape`; lesson Markdown goes through `markdown_to_html`, which escapes first and
then adds only the tags it knows.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MAX_MESSAGE = 4096
MAX_CAPTION = 1024

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
     "tg-spoiler", "span", "tg-emoji"}
)


class Html(str):
    """A string already in Telegram HTML: the message catalog inserts it as it is."""

    __slots__ = ()


def escape(text: str) -> str:
    """Escape a plain string for Telegram HTML."""
    return html.escape(text, quote=False)


_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[_*](?=\S)(.+?)(?<=\S)[_*](?![\w*])")


def _inline(text: str) -> str:
    out = escape(text)
    out = _LINK.sub(lambda m: f'<a href="{m.group(2).replace(chr(34), "&quot;")}">{m.group(1)}</a>', out)
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _ITALIC.sub(r"<i>\1</i>", out)


def markdown_to_html(text: str) -> str:
    """Render the lesson Markdown subset (paragraphs, "- " bullets, **bold**, _italic_, links) to Telegram HTML."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        rendered = []
        for line in lines:
            if line.startswith(("- ", "* ")):
                rendered.append("• " + _inline(line[2:].strip()))
            else:
                rendered.append(_inline(line))
        joined = "\n".join(rendered) if any(r.startswith("• ") for r in rendered) else " ".join(rendered)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"unsupported tag <{tag}>")
        if tag == "a" and not any(k == "href" and v for k, v in attrs):
            self.errors.append("link without href")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.errors.append("unescaped < or >")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.errors.append(f"unsupported entity &{name};")
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))


def html_problems(text: str) -> list[str]:
    """What Telegram would refuse in this HTML (empty when it is valid)."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    problems = list(checker.errors)
    if checker.stack:
        problems.append(f"unclosed <{checker.stack[-1]}>")
    if re.search(r"&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)", text):
        problems.append("unescaped &")
    return problems


def html_to_text(text: str) -> str:
    """What a reader sees of a Telegram HTML text: tags dropped, entities decoded."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return "".join(checker.text)


def shorten(text: str, limit: int) -> str:
    """Cut plain text to at most `limit` characters, on a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)].rsplit(" ", 1)[0] or text[: max(limit - 1, 0)]
    return cut + "…"


def telegram_length(text: str) -> int:
    """A Telegram HTML text's length as Telegram counts it: its visible text, in UTF-16 code units."""
    return len(html_to_text(text).encode("utf-16-le", "surrogatepass")) // 2


_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def _open_tags_after(line: str, stack: list[str]) -> list[str]:
    for match in _TAG.finditer(line):
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name)]
        else:
            stack.append(name)
    return stack


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """A Telegram HTML text cut into messages of at most `limit` characters each, between lines that close every
    tag they open (a list is split between its items, never inside a link or a quote). A single line longer than
    the limit is shortened to fit."""
    if telegram_length(text) <= limit:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    block: list[str] = []  # lines that belong together (an open tag spans them)
    stack: list[str] = []

    def flush_block() -> None:
        nonlocal current
        joined = "\n".join(block)
        if telegram_length(joined) > limit:  # one block too long on its own: keep its start, as plain text
            joined = escape(shorten(html_to_text(joined), limit))
        if current and telegram_length("\n".join([*current, joined])) > limit:
            chunks.append("\n".join(current).strip("\n"))
            current = []
        current.append(joined)
        block.clear()

    for line in text.split("\n"):
        block.append(line)
        stack = _open_tags_after(line, stack)
        if not stack:
            flush_block()
    if block:
        flush_block()
    if current:
        chunks.append("\n".join(current).strip("\n"))
    return [chunk for chunk in chunks if chunk.strip()]
