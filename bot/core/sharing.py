"""A post on its way out: counting characters as X does, and the links and button that carry the text.

`x_weight` counts as X does (a web address 23, wide characters 2) and `fits_x` says whether a draft and its
link fit X's 280. The share links keep the text on the way: `linkedin_compose_url` opens LinkedIn's composer
with the post, within what a Telegram button's address takes; `x_post_url` opens X with the X text; `copy_text`
is what the copy button holds. `clip_words` cuts a text after a word, ended by "…", to fit a limit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.news import percent_encode

if TYPE_CHECKING:
    from bot.core.posts import Post

X_LIMIT = 280
X_URL_WEIGHT = 23
COPY_LIMIT = 256  # Telegram's copy-text button
# The Bot API documents no length for a button's URL; 2,048 characters is what browsers and Telegram's
# clients have long handled, and what we keep every button's address within.
BUTTON_URL_LIMIT = 2048

_HEAVY = re.compile(r"[^\x00-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
_ADDRESS_END = r"[^\s<>\"'.,;:!?)\]}»…’”]"
_WEB_ADDRESS = re.compile(
    rf"(?P<scheme>https?://)[^\s<>\"]*{_ADDRESS_END}"
    rf"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{{2,63}}\b(?:/[^\s<>\"]*{_ADDRESS_END})?",
    re.IGNORECASE,
)


# --- counting as X does -------------------------------------------------------------------------------------


def plain_weight(text: str) -> int:
    """X's count of a text read without web addresses: code points outside X's weight-1 ranges count 2."""
    return len(text) + len(_HEAVY.findall(text))


def x_weight(text: str) -> int:
    """X's character count: a URL counts 23, code points outside X's weight-1 ranges count 2."""
    text = unicodedata.normalize("NFC", text)
    weight = 0
    for address in _WEB_ADDRESS.finditer(text):
        own = plain_weight(address.group())
        weight += X_URL_WEIGHT if address.group("scheme") else max(X_URL_WEIGHT, own)
    return weight + plain_weight(_WEB_ADDRESS.sub("", text))


def fits_x(draft: str, link: str) -> bool:
    """Whether the draft, a space and the link make a post within X's 280, as X counts them."""
    return x_weight(f"{draft} {link}") <= X_LIMIT


def clip_words(text: str, fits: Callable[[str], bool]) -> str:
    """The longest beginning of `text`, cut after a word and ended by "…", that fits (empty if none)."""
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(" ".join(words[:middle]).rstrip(",;:") + "…"):
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]).rstrip(",;:") + "…" if low else ""


# --- sharing ------------------------------------------------------------------------------------------------


def linkedin_compose_url(text: str, limit: int = BUTTON_URL_LIMIT) -> str:
    """LinkedIn's composer opened with the post (`feed/?shareActive=true&text=`: undocumented, used by other
    products since 2025). The whole address stays within `limit` characters (what a Telegram button takes):
    when the encoded post is longer, paragraphs are left out from the end, those holding a link last, then the
    first one is cut after a word and ends with "…". The leader has the whole text in the message anyway."""
    base = "https://www.linkedin.com/feed/?shareActive=true&text="

    def url(body: str) -> str:
        return base + percent_encode(body)

    if len(url(text)) <= limit:
        return url(text)
    paragraphs = text.split("\n\n")
    keep = list(range(len(paragraphs)))
    droppable = [i for i in reversed(keep[1:]) if "http" not in paragraphs[i]]
    droppable += [i for i in reversed(keep[1:]) if "http" in paragraphs[i]]
    for index in droppable:
        keep.remove(index)
        shorter = "\n\n".join(paragraphs[i] for i in keep)
        if len(url(shorter)) <= limit:
            return url(shorter)
    cut = clip_words(paragraphs[0], lambda body: len(url(body)) <= limit)
    return url(cut) if cut else base


def x_post_url(post: Post) -> str:
    """X's page to post the X text (its link inside)."""
    return f"https://x.com/intent/post?text={percent_encode(post.x)}"


def copy_text(post: Post) -> str:
    """What the copy button holds (at most COPY_LIMIT characters): the X text, its body cut after a word when
    the whole is longer, the link always whole at its end (only the link when even that is too long)."""
    if len(post.x) <= COPY_LIMIT:
        return post.x
    room = COPY_LIMIT - len(post.link) - 1
    if room < 2:
        return post.link[:COPY_LIMIT]
    body = clip_words(post.x_body, lambda text: len(text) <= room)
    return f"{body}\n{post.link}" if body else post.link
