"""A comment a leader would publish under someone else's post: built on the leader's own view, kept word for word.

`compose_comment(request, templates)` is the deterministic writer: offline, the same request always gives the
same comment. It places only what the request holds: a short quote of the post (so the comment is specific to
it), the leader's view exactly as typed, and a question to the author from the templates. Two to four
sentences, no praise, no pitch, no hashtag, no link, within LinkedIn's 1,250 characters.

`check_comment(text, request)` tells why a comment written by someone else (a language model) is not acceptable.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.news import fold

COMMENT_LIMIT = 1250  # LinkedIn's limit for a comment
POST_TEXT_LIMIT = 3000  # a LinkedIn post is at most 3,000 characters: what is pasted, at most
VIEW_LIMIT = 400  # a sentence or two of the leader's view
QUOTE_LIMIT = 140
MIN_SENTENCES = 2
MAX_SENTENCES = 4
COMMENT_FIELDS = ("quote", "question")
COMMENT_PROMPT_FIELDS = ("post", "view", "limit", "variant", "shorter")

_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+[\"'»”’)]*|$)")
_HASHTAG = re.compile(r"(?<![\w&])#\w")
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MARKUP = re.compile(r"<[a-zA-Z/!?][^<>]*>|\*\*|__|`|\[[^\]]*\]\([^)]*\)|^\s*#{1,6}\s", re.MULTILINE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CommentTemplates:
    """The comment templates of one language (`comment` in content/path/<lang>.yaml): sentences that quote the
    post (`{quote}`), questions to its author, and the praise a comment must never open with (for the check)."""

    quote: tuple[str, ...]
    question: tuple[str, ...]
    praise: tuple[str, ...] = ()
    language: str = "en"


@dataclass(frozen=True)
class CommentPrompts:
    """What a language model is told to write a comment, in one language: a system prompt, and a user prompt
    with COMMENT_PROMPT_FIELDS to fill (the post goes in as JSON data, never as instructions)."""

    system: str
    user: str


@dataclass(frozen=True)
class CommentRequest:
    """What a comment is written from: the post's text, the leader's view and language."""

    post: str
    view: str
    language: str = "en"
    variant: int = 0
    shorter: bool = False


class CommentError(ValueError):
    """Words that cannot make a comment; `key` names the message that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def sentences(text: str) -> list[str]:
    """The sentences of a text, stripped."""
    return [s.strip() for s in _SENTENCE.findall(" ".join(text.split())) if s.strip(" \"'«»“”")]


def _normal(text: str) -> str:
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
    return _SPACES.sub(" ", text).strip().casefold()


def keeps(text: str, words: str) -> bool:
    """Whether `text` holds `words` as typed (spaces, quotes and final punctuation aside)."""
    return _normal(words).rstrip(" .!?…") in _normal(text)


def post_text(pasted: str) -> str:
    """The text of a pasted post, or CommentError: a LinkedIn link alone cannot be read (it needs a login)."""
    text = " ".join(pasted.split())
    without_links = " ".join(_LINK.sub(" ", text).split())
    if len(without_links.split()) < 4:
        raise CommentError("comment_link_only" if _LINK.search(text) else "comment_post_short")
    if len(text) > POST_TEXT_LIMIT:
        raise CommentError("comment_post_long")
    return without_links


def view_text(typed: str) -> str:
    """The leader's view as they typed it (spaces tidied), or CommentError when it is too short or too long."""
    view = " ".join(typed.split())
    if len(view.split()) < 2:
        raise CommentError("comment_view_short")
    if len(view) > VIEW_LIMIT or len(sentences(view)) > MAX_SENTENCES - 1:
        raise CommentError("comment_view_long")
    if _HASHTAG.search(view) or _LINK.search(view):
        raise CommentError("comment_view_tags")
    return view


def _quote(post: str, variant: int) -> str:
    candidates = [s for s in sentences(post)[:4] if len(s.split()) >= 4] or [post]
    chosen = candidates[variant % len(candidates)].rstrip(" .!?…:;,")
    if len(chosen) <= QUOTE_LIMIT:
        return chosen
    cut = chosen[:QUOTE_LIMIT].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _pick(options: Sequence[str], request: CommentRequest, salt: str) -> str:
    seed = zlib.crc32(f"{salt}|{request.post}|{request.view}".encode())
    return options[(seed + request.variant) % len(options)]


def compose_comment(request: CommentRequest, templates: CommentTemplates) -> str:
    """The composer's comment: a quote of the post (left out when shorter), the view word for word, a question."""
    view = request.view.strip()
    if view[-1:] not in ".!?…":
        view += "."
    parts: list[str] = []
    if not request.shorter and len(sentences(view)) < MAX_SENTENCES - 1:
        parts.append(_pick(templates.quote, request, "quote").format(quote=_quote(request.post, request.variant)))
    parts.append(view)
    if view[-1:] != "?":
        parts.append(_pick(templates.question, request, "question"))
    text = " ".join(parts)
    return text if len(text) <= COMMENT_LIMIT else view


def check_comment(text: str, request: CommentRequest, praise: Sequence[str] = (),
                  detect: Callable[[str], str | None] | None = None) -> str | None:
    """Why a comment is not acceptable (None: it is): the view kept, 2 to 4 sentences, within 1,250 characters,
    no hashtag, link or markup, no praise, no figure the post and the view do not give, the leader's language."""
    if not text.strip():
        return "empty"
    if len(text) > COMMENT_LIMIT:
        return f"{len(text)} characters (at most {COMMENT_LIMIT})"
    if not keeps(text, request.view):
        return "the leader's view is not kept word for word"
    count = len(sentences(text))
    if not MIN_SENTENCES <= count <= MAX_SENTENCES:
        return f"{count} sentences (2 to 4 wanted)"
    if _HASHTAG.search(text):
        return "a hashtag"
    if _LINK.search(text):
        return "a link"
    if _MARKUP.search(text):
        return "markup"
    folded = fold(text)
    for phrase in praise:
        if fold(phrase) in folded and fold(phrase) not in fold(request.view):
            return f"praise ({phrase!r})"
    given = set(_NUMBER.findall(request.post)) | set(_NUMBER.findall(request.view))
    invented = [n for n in _NUMBER.findall(text) if n not in given]
    if invented:
        return f"a figure the post does not give ({invented[0]})"
    if detect is not None:
        found = detect(text)
        if found is not None and found != request.language:
            return f"written in {found!r}, not {request.language!r}"
    return None


def template_problems(templates: CommentTemplates) -> list[str]:
    """Problems of one language's comment templates."""
    problems: list[str] = []
    where = f"path/{templates.language}.yaml: comment"
    if not templates.quote or not templates.question:
        problems.append(f"{where}: needs quote and question templates")
    for text in templates.quote:
        if "{quote}" not in text:
            problems.append(f"{where}: quote template without {{quote}}: {text!r}")
    for text in (*templates.quote, *templates.question):
        fields = set(re.findall(r"{(\w+)}", text))
        if fields - {"quote"}:
            problems.append(f"{where}: unknown fields {sorted(fields - {'quote'})} in {text!r}")
        if _HASHTAG.search(text) or _LINK.search(text):
            problems.append(f"{where}: a hashtag or link in {text!r}")
        for phrase in templates.praise:
            if fold(phrase) in fold(text):
                problems.append(f"{where}: praise ({phrase!r}) in {text!r}")
    for text in templates.question:
        if not text.rstrip().endswith("?"):
            problems.append(f"{where}: a question must end with a question mark: {text!r}")
    return problems
