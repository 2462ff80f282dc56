"""An article's page read for `coachbot draft URL` (httpx and html.parser): its title, summary and site name.

Only http(s) addresses; one GET bounded in time (10 s) and size (2 MB), at most 5 redirects; the title is the
page's og:title, else its <title>; the summary its og:description, else its meta description; the source its
og:site_name, else the host name. Only the page's head is parsed (html.parser takes quadratic time on some
malformed input), and the texts go through the same hygiene as feed items (plain text, bounded length).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx

from bot.core.news import Item, plain_text

MAX_BYTES = 2 * 1024 * 1024
HEAD_LIMIT = 128 * 1024  # characters of the page parsed: its head is within them
TIMEOUT = 10.0
MAX_REDIRECTS = 5


class PageError(Exception):
    """The page cannot be read; the message says why (never a stack trace)."""


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.language = ""
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "html":
            self.language = values.get("lang", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            name = (values.get("property") or values.get("name") or "").lower()
            if name and "content" in values:
                self.meta.setdefault(name, values["content"])
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.done:
            self.title += data


def read_page(html: str, url: str) -> Item:
    """The article an HTML page describes, as an item (no date, language from <html lang> if any)."""
    head = _Head()
    text = html[:HEAD_LIMIT]
    for start in range(0, len(text), 4096):
        head.feed(text[start : start + 4096])
        if head.done:
            break
    title = plain_text(head.meta.get("og:title") or head.title, 200)
    if not title:
        raise PageError("the page has no title")
    summary = plain_text(head.meta.get("og:description") or head.meta.get("description") or "", 500)
    source = plain_text(head.meta.get("og:site_name") or "", 80) or (urlsplit(url).hostname or url)
    language = head.language.split("-")[0].lower() or None
    return Item(title=title, link=url, source=source, summary=summary,
                language=language if language in ("en", "fr") else None)


def fetch_page(url: str) -> Item:
    """Fetch an article's page and read it (raises PageError with a clear reason)."""
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
        raise PageError("only http(s) addresses can be read")
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=True, max_redirects=MAX_REDIRECTS,
                          headers={"user-agent": "coachbot (+draft)"}) as client:
            with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise PageError(f"the page answered {response.status_code}")
                final = str(response.url)
                if urlsplit(final).scheme not in ("http", "https"):
                    raise PageError("the page redirected outside http(s)")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise PageError("the page is larger than 2 MB")
                encoding = response.encoding or "utf-8"
    except httpx.TooManyRedirects:
        raise PageError("too many redirects") from None
    except httpx.TimeoutException:
        raise PageError(f"no answer within {TIMEOUT:g} s") from None
    except httpx.HTTPError as error:
        raise PageError(f"cannot read the page ({type(error).__name__})") from None
    try:
        text = bytes(body).decode(encoding, errors="replace")
    except LookupError:
        text = bytes(body).decode("utf-8", errors="replace")
    return read_page(text, url)
