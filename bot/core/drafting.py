"""The draft post for a suggested item, and the links that open it on LinkedIn and X.

A draft frames the item with one template of the leader's language (`content/drafts/<lang>.yaml`, read by the
caller): a takeaway, a question to the network, or a link to what the leader learns this week. It claims
nothing the item does not say: templates only place the title, the source, the first sentence of the summary,
the week's theme and at most two hashtags made of the topics the item matched. It is plain text (the caller
escapes it) and fits in a post on X together with the link.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.news import Item, clip, percent_encode
from bot.core.suggest import Suggestion, same_story, title_words

X_LIMIT = 280
X_URL_WEIGHT = 23
MAX_HASHTAGS = 2
HASHTAG_LIMIT = 30  # characters after the "#"; a longer topic makes no hashtag
SOURCE_LIMIT = 60
THEME_LIMIT = 80
FIELDS = ("title", "source", "summary_sentence", "theme", "hashtags")
# When a draft is too long for X, the hashtags go first; then the summary sentence, the title, the theme and
# the source are shortened in this order: first down to their floor (as X counts: 60 is about 60 Latin letters
# or 30 Chinese characters), then further if need be.
SHORTENED_IN_TURN = ("summary_sentence", "title", "theme", "source")
FLOORS: Mapping[str, int] = {"summary_sentence": 60, "title": 60}
NO_FLOORS: Mapping[str, int] = {name: 1 for name in SHORTENED_IN_TURN}
# Words before a full stop that does not end a sentence (folded): "M. Macron", "Dr. Smith".
ABBREVIATIONS = frozenset({"m", "mm", "mme", "mmes", "mlle", "mr", "mrs", "ms", "dr", "pr", "st", "jr", "sr",
                           "inc", "ltd", "corp", "vs", "cf"})

# X counts the code points of these ranges as 1 and every other one as 2 (twitter-text, configuration v3). An
# emoji sequence, which X counts as 2 in all, is counted here code point by code point: never less than X.
_HEAVY = re.compile(r"[^\x00-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
# X shortens every web address to a 23-character link. Addresses without a scheme ("example.com") are linked
# only when X knows their ending, so they count as the larger of 23 and their own length.
_ADDRESS_END = r"[^\s<>\"'.,;:!?)\]}»…’”]"
_WEB_ADDRESS = re.compile(
    rf"(?P<scheme>https?://)[^\s<>\"]*{_ADDRESS_END}"
    rf"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{{2,63}}\b(?:/[^\s<>\"]*{_ADDRESS_END})?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<!\S)(?P<word>\S*?)[.!?…]+[\"'»”’)]*(?=\s|$)")
_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu)['’](?=\w)", re.IGNORECASE)
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_SPACE_RUN = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")
_FIELD = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class DraftTemplates:
    """The templates of one language, by angle."""

    takeaway: tuple[str, ...]
    question: tuple[str, ...]
    lesson: tuple[str, ...]


# --- X and LinkedIn -----------------------------------------------------------------------------------------


def _plain_weight(text: str) -> int:
    return len(text) + len(_HEAVY.findall(text))


def x_weight(text: str) -> int:
    """X's character count: a URL counts 23, code points outside X's weight-1 ranges count 2."""
    text = unicodedata.normalize("NFC", text)
    weight = 0
    for address in _WEB_ADDRESS.finditer(text):
        own = _plain_weight(address.group())
        weight += X_URL_WEIGHT if address.group("scheme") else max(X_URL_WEIGHT, own)
    return weight + _plain_weight(_WEB_ADDRESS.sub("", text))


def fits_x(draft: str, link: str) -> bool:
    """Whether the draft, a space and the link make a post within X's 280, as X counts them."""
    return x_weight(f"{draft} {link}") <= X_LIMIT


def linkedin_share_url(link: str) -> str:
    """LinkedIn's page to share a link (it carries only the URL: the leader pastes the draft)."""
    return f"https://www.linkedin.com/sharing/share-offsite/?url={percent_encode(link)}"


def x_intent_url(draft: str, link: str) -> str:
    """X's page to post the draft with its link."""
    return f"https://x.com/intent/post?text={percent_encode(draft)}&url={percent_encode(link)}"


def hashtags(topics: Sequence[str], limit: int = MAX_HASHTAGS) -> tuple[str, ...]:
    """At most `limit` hashtags made of topics: "supply chain" is #SupplyChain, "cybersécurité" is
    #Cybersécurité; letters and digits only, elisions dropped ("chaîne d'approvisionnement" is
    #ChaîneApprovisionnement)."""
    tags: dict[str, str] = {}
    for topic in topics:
        if len(tags) >= limit:
            break
        parts = _NOT_LETTER_OR_DIGIT.split(_ELISION.sub(" ", unicodedata.normalize("NFC", topic)))
        tag = "".join(part[:1].upper() + part[1:] for part in parts)
        if any(char.isalpha() for char in tag) and len(tag) <= HASHTAG_LIMIT:
            tags.setdefault(tag.casefold(), f"#{tag}")
    return tuple(tags.values())


# --- the draft ----------------------------------------------------------------------------------------------


def summary_sentence(item: Item) -> str:
    """The first sentence of the item's summary; empty when there is none or it only repeats the title."""
    summary = item.summary.strip()
    sentence = summary
    for end in _SENTENCE_END.finditer(summary):
        word = end.group("word")
        abbreviated = len(word) <= 1 or "." in word or word.casefold() in ABBREVIATIONS
        if abbreviated and end.group()[len(word)] == ".":
            continue
        sentence = summary[: end.end()]
        break
    return "" if same_story(title_words(sentence), title_words(item.title)) else sentence


def template_fields(template: str) -> set[str]:
    """The `{names}` a draft template uses."""
    return set(_FIELD.findall(template))


def _render(template: str, values: Mapping[str, str]) -> str:
    """The template filled in, without the blank space an empty field leaves."""
    lines = (_SPACE_RUN.sub(" ", line).strip() for line in template.format_map(values).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _floor_length(text: str, floor: int | None) -> int:
    """How many characters of `text` weigh about `floor` as X counts (all of them without a floor)."""
    weight = _plain_weight(text)
    if floor is None or weight <= floor:
        return len(text)
    return max(1, len(text) * floor // weight)


def _longest_fitting(template: str, values: Mapping[str, str], name: str, low: int, link: str) -> str | None:
    """The template with the field `name` cut to the longest length from `low` up that fits X, or None."""
    full = values[name]

    def rendered(limit: int) -> str:
        return _render(template, {**values, name: clip(full, limit)})

    if not fits_x(rendered(low), link):
        return None
    high = len(full)
    while low < high:
        middle = (low + high + 1) // 2
        if fits_x(rendered(middle), link):
            low = middle
        else:
            high = middle - 1
    return rendered(low)


def _fit(template: str, values: Mapping[str, str], tags: Sequence[str], link: str,
         floors: Mapping[str, int]) -> str | None:
    """The template filled in and made short enough for X (fewer hashtags, then shorter fields), or None."""
    for count in range(len(tags), -1, -1):
        text = _render(template, {**values, "hashtags": " ".join(tags[:count])})
        if fits_x(text, link):
            return text
    shortened = {**values, "hashtags": ""}
    used = template_fields(template)
    for name in (name for name in SHORTENED_IN_TURN if name in used):
        lowest = _floor_length(shortened[name], floors.get(name))
        text = _longest_fitting(template, shortened, name, lowest, link)
        if text is not None:
            return text
        shortened[name] = clip(shortened[name], lowest)
    return None


def _in_turn(templates: DraftTemplates, with_lesson: bool) -> list[str]:
    """The templates with the angles interleaved (a takeaway, a question, a lesson, a takeaway...)."""
    angles = [templates.takeaway, templates.question] + ([templates.lesson] if with_lesson else [])
    longest = max(len(angle) for angle in angles)
    return [angle[index] for index in range(longest) for angle in angles if index < len(angle)]


def draft(suggestion: Suggestion, *, templates: DraftTemplates, day: date, theme: str | None = None) -> str:
    """The draft post for a suggestion: one template, chosen from the day and the story so that the wording
    changes from one day to the next, filled with the item and shortened to fit on X with the link.

    The "lesson" angle is used only with a `theme`; templates quoting the summary, only when it has a
    first sentence."""
    item = suggestion.item
    values = {
        "title": item.title,
        "source": clip(item.source, SOURCE_LIMIT),
        "summary_sentence": summary_sentence(item),
        "theme": clip(theme or "", THEME_LIMIT),
        "hashtags": "",
    }
    usable = [
        template
        for template in _in_turn(templates, with_lesson=theme is not None)
        if all(values[name] for name in template_fields(template) & {"summary_sentence", "theme"})
    ]
    if not usable:
        raise ValueError("no draft template can frame this item")
    start = (day.toordinal() + zlib.crc32(suggestion.key.encode("utf-8", "surrogatepass"))) % len(usable)
    in_order = usable[start:] + usable[:start]
    tags = hashtags(suggestion.topics)
    for floors in (FLOORS, NO_FLOORS):
        for template in in_order:
            text = _fit(template, values, tags, item.link, floors)
            if text is not None:
                return text
    raise ValueError("the draft templates are too long for a post on X")
