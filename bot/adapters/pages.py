"""An article's page read for `coachbot draft URL` (the standard library's urllib and html.parser): its title,
summary and site name. (httpx stays in bot/adapters/feeds.py alone, as tests/test_architecture.py requires.)

Only http(s) addresses, redirects included; one GET bounded in time (10 s) and size (2 MB), at most 5
redirects; the title is the
page's og:title, else its <title>; the summary its og:description, else its meta description; the source its
og:site_name, else the host name. Only the page's head is parsed (html.parser takes quadratic time on some
malformed input), and the texts go through the same hygiene as feed items (plain text, bounded length).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlsplit

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


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed within http(s) only, at most MAX_REDIRECTS."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise PageError("the page redirected outside http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_page(url: str, timeout: float = TIMEOUT) -> Item:
    """Fetch an article's page and read it (raises PageError with a clear reason)."""
    if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
        raise PageError("only http(s) addresses can be read")
    opener = urllib.request.build_opener(_Redirects())
    request = urllib.request.Request(url, headers={"User-Agent": "coachbot (+draft)"})
    try:
        with opener.open(request, timeout=timeout) as response:
            if response.status != 200:
                raise PageError(f"the page answered {response.status}")
            body = response.read(MAX_BYTES + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as error:
        raise PageError(f"the page answered {error.code}") from None
    except TimeoutError:
        raise PageError(f"no answer within {timeout:g} s") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise PageError(f"cannot read the page ({type(reason).__name__})") from None
    if len(body) > MAX_BYTES:
        raise PageError("the page is larger than 2 MB")
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    return read_page(text, url)
