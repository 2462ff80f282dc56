"""A post a leader would publish, built around the leader's take: what the article says, and its link.

`compose(request, templates)` is the deterministic writer: offline, no third party, the same request always
gives the same post. It places only what the request holds: the leader's take word for word (never rewritten,
never cut on LinkedIn), the article's title, the first sentence of its summary, the source's name, a question
that follows from the kind of article (`article_kind`: a figure, a decision, a how-to, a trend), the link and
at most two hashtags. Around a take, each template is an angle, a different post (the take first, the fact
first, a lesson, a question to peers, a contrarian line); without a take it frames the article with one of
several sober templates a leader could post with one edit. Either way the first lines (what LinkedIn shows
before "...see more") hold the take, or the fact (`visible_first`). "Shorter" is a length, applied to whichever
angle is asked. The LinkedIn text is a few short paragraphs with the link; the X text fits X's 280 characters
(as X counts them) with the link at its end, and keeps the take whole, or its last sentence.

When the article is in another language than the leader's, the post says so once, after the source's name
("in Les Echos (in French)"), and hashtags come only from the topics the caller gives, which are in the
leader's language (`topics_for`). A French article quoted in a French post gets French typography
(`french_typography`). The leader's style (`model.Style`: a question or not, hashtags or not, a sign-off)
shapes the post when the request carries it.

`check_post(post, request)` tells why a post written by someone else (a language model) is not acceptable,
invented figures included (`invented_figures`). Counting as X does and the share links are
`bot.core.sharing`'s.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.model import Style
from bot.core.news import clip, fold
from bot.core.sharing import X_LIMIT, clip_words, plain_weight, x_weight

# LinkedIn accepts 3,000 characters; a post the leader reads in one glance is far shorter.
LINKEDIN_LIMIT = 1300
LINKEDIN_SHORT_LIMIT = 700
LINKEDIN_HARD_LIMIT = 3000
TAKE_LIMIT = 600  # one or two sentences: more is refused by the caller before composing
MAX_HASHTAGS = 2
HASHTAG_LIMIT = 30
SOURCE_LIMIT = 60
SUMMARY_LIMIT = 300
LANGUAGES = ("en", "fr")
FIELDS = ("take", "title", "source", "summary", "question", "note", "link", "hashtags")
# Shortened in turn when a text is too long: the summary first, then the title, then the source.
SHORTENED_IN_TURN = ("summary", "title", "source")
FLOORS: Mapping[str, int] = {"summary": 60, "title": 60}
NO_FLOORS: Mapping[str, int] = {name: 1 for name in SHORTENED_IN_TURN}
ABBREVIATIONS = frozenset({"m", "mm", "mme", "mmes", "mlle", "mr", "mrs", "ms", "dr", "pr", "st", "jr", "sr",
                           "inc", "ltd", "corp", "vs", "cf"})

_SENTENCE_END = re.compile(r"(?<!\S)(?P<word>\S*?)[.!?…]+[\"'»”’)]*(?=\s|$)")
_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu)['’](?=\w)", re.IGNORECASE)
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_SPACE_RUN = re.compile(r"[ \t]{2,}")
_ORDINARY_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_FIELD = re.compile(r"{(\w+)}")
# Markup a post must not hold: HTML tags or entities, Markdown emphasis, links, headings, code, list bullets
# written as "* ".
_MARKUP = re.compile(
    r"<[a-zA-Z/!?][^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|\*\*|__|`|\[[^\]]*\]\([^)]*\)|^\s*#{1,6}\s|^\s*[*]\s",
    re.MULTILINE,
)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class DraftTemplates:
    """The templates of one language (content/drafts/<lang>.yaml).

    `linkedin` and `x` frame an article without a take; `take_linkedin` and `take_x` are built around the
    leader's take, one angle per entry (the take first, the fact first, a lesson, a question to peers, a
    contrarian line). The questions that end a post follow from the kind of article: `questions` (a trend, and
    the default), `figure_questions`, `decision_questions`, `howto_questions`. `language_notes` say, under a
    headline, in which language the article is ("Article in French."); `languages` name it inside the post,
    after the source ("in French")."""

    linkedin: tuple[str, ...]
    x: tuple[str, ...]
    take_linkedin: tuple[str, ...]
    take_x: tuple[str, ...]
    questions: tuple[str, ...]
    language_notes: Mapping[str, str] = field(default_factory=dict)
    language: str = "en"  # the language these templates are written in
    figure_questions: tuple[str, ...] = ()
    decision_questions: tuple[str, ...] = ()
    howto_questions: tuple[str, ...] = ()
    languages: Mapping[str, str] = field(default_factory=dict)

    ANGLES = ("linkedin", "x", "take_linkedin", "take_x", "questions", "figure_questions", "decision_questions",
              "howto_questions")
    QUESTIONS = ("questions", "figure_questions", "decision_questions", "howto_questions")

    def questions_for(self, kind: str) -> tuple[str, ...]:
        """The questions written for a kind of article ("figure", "decision", "howto", "trend")."""
        found: tuple[str, ...] = getattr(self, f"{kind}_questions", ()) if kind != "trend" else ()
        return found or self.questions


@dataclass(frozen=True)
class Prompts:
    """What a language model is told, in one language (content/prompts/<lang>.yaml): the system prompt, and
    the user prompt with PROMPT_FIELDS to fill. The article goes in as JSON data, never as instructions."""

    system: str
    user: str


PROMPT_FIELDS = ("article", "take", "limit", "hashtags", "variant", "style")
REQUIRED_PROMPT_FIELDS = ("article", "take", "limit")


@dataclass(frozen=True)
class PostRequest:
    """What a post is written from: the article, the leader's language and, if they gave one, their take."""

    title: str
    link: str
    source: str
    summary: str = ""
    item_language: str | None = None  # the article's language, declared by its feed or detected; None: unknown
    language: str = "en"  # the leader's language, the post's
    take: str | None = None  # the leader's own words, kept word for word
    topics: tuple[str, ...] = ()  # for hashtags, in the leader's language (see `topics_for`)
    variant: int = 0  # another number, another wording ("another angle"; the day for the morning's drafts)
    shorter: bool = False  # a length, whatever the angle: the summary and the question left out
    angle: int | None = None  # this template (0: the first), rather than one chosen from the link and variant
    style: Style | None = None  # the leader's choices (a question or not, hashtags or not, a sign-off)
    style_examples: tuple[str, ...] = ()  # posts of the leader's own, for a model: their style, never facts


@dataclass(frozen=True)
class Post:
    """A post ready to share: the LinkedIn text and the X text both hold the link (X's at its end)."""

    linkedin: str
    x: str
    language: str
    link: str
    writer: str = "composer"  # or "model"

    @property
    def x_body(self) -> str:
        """The X text without the link at its end."""
        return self.x[: -len(self.link)].rstrip() if self.x.endswith(self.link) else self.x


class PostError(ValueError):
    """The templates cannot make a post of this request (a content problem, never the leader's)."""


# --- the pieces ---------------------------------------------------------------------------------------------


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


def topics_for(topics: Iterable[str], keywords: Iterable[str], interests: Iterable[str] = ()) -> tuple[str, ...]:
    """The topics an item matched that are words of the leader's language: those among the sector's keywords
    in that language or the leader's own interests (compared folded). Hashtags are made of these only."""
    known = {fold(word) for word in (*keywords, *interests)}
    return tuple(topic for topic in topics if fold(topic) in known)


def first_sentence(summary: str, title: str = "") -> str:
    """The first sentence of a summary; empty when there is none or it only repeats the title."""
    summary = _spaces(summary)
    sentence = summary
    for end in _SENTENCE_END.finditer(summary):
        word = end.group("word")
        abbreviated = len(word) <= 1 or "." in word or word.casefold() in ABBREVIATIONS
        if abbreviated and end.group()[len(word)] == ".":
            continue
        sentence = summary[: end.end()]
        break
    words_of = _title_words
    if title and _same_words(words_of(sentence), words_of(title)):
        return ""
    return sentence


def _spaces(text: str) -> str:
    """The text on one line, runs of ordinary spaces folded: no-break spaces (French typography) stay."""
    return _ORDINARY_SPACES.sub(" ", text).strip()


def _title_words(text: str) -> frozenset[str]:
    return frozenset(fold(text).split())


def _same_words(words: frozenset[str], other: frozenset[str]) -> bool:
    if not words or not other:
        return False
    return len(words & other) >= 0.85 * len(words | other)


def template_fields(template: str) -> set[str]:
    """The `{names}` a template uses."""
    return set(_FIELD.findall(template))


def _render(template: str, values: Mapping[str, str]) -> str:
    """The template filled in, without the blank space or blank lines an empty field leaves."""
    lines = []
    for line in template.split("\n"):
        filled = _SPACE_RUN.sub(" ", line.format_map(values)).strip()
        if filled or not line.strip():  # a line that only held empty fields goes
            lines.append(filled)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _floor_length(text: str, floor: int | None) -> int:
    weight = plain_weight(text)
    if floor is None or weight <= floor:
        return len(text)
    return max(1, len(text) * floor // weight)


def _fit(template: str, values: Mapping[str, str], tags: Sequence[str], fits: Callable[[str], bool],
         floors: Mapping[str, int]) -> str | None:
    """The template filled in and made short enough for `fits` (fewer hashtags, then shorter fields)."""
    for count in range(len(tags), -1, -1):
        text = _render(template, {**values, "hashtags": " ".join(tags[:count])})
        if fits(text):
            return text
    shortened = {**values, "hashtags": ""}
    for name in (name for name in SHORTENED_IN_TURN if name in template_fields(template) and shortened[name]):
        full = shortened[name]
        low = _floor_length(full, floors.get(name))

        def rendered(limit: int, name: str = name, full: str = full) -> str:
            return _render(template, {**shortened, name: clip(full, limit)})

        if fits(rendered(low)):
            high = len(full)
            while low < high:
                middle = (low + high + 1) // 2
                if fits(rendered(middle)):
                    low = middle
                else:
                    high = middle - 1
            return rendered(low)
        shortened[name] = clip(full, low)
    return None


def _pick(options: Sequence[str], request: PostRequest, salt: str) -> str:
    """One of the options, chosen from the link and the variant: another variant, the next option. A request
    with an `angle` gets that option (counted round)."""
    if request.angle is not None:
        return options[request.angle % len(options)]
    if request.take and salt in ("linkedin", "x"):  # around a take, the take first, then the other angles in turn
        return options[request.variant % len(options)]
    start = zlib.crc32(f"{salt}|{request.link}".encode("utf-8", "surrogatepass"))
    return options[(start + request.variant) % len(options)]


def language_note(request: PostRequest, templates: DraftTemplates) -> str:
    """" (in French)" when the article's language is known, is not the leader's and has a name in the
    templates' language; else empty. It follows the source's name, once."""
    if request.item_language is None or request.item_language == request.language:
        return ""
    name = templates.languages.get(request.item_language, "")
    return f" ({name})" if name else ""


# --- the kind of article, and the question that follows -----------------------------------------------------

_HOWTO = re.compile(r"^(?:how|comment)\b|\bhow to\b|\b(?:guide|tips|steps|conseils|étapes|méthode|recette)\b",
                    re.IGNORECASE)
_FIGURE = re.compile(
    r"\d\s?%|[$€£]\s?\d|\d\s?(?:[$€£]|k€|m€|md€)|\bper ?cent\b|\bpour ?cent\b"
    r"|\d[\d.,\u00a0\u202f ]*\s?(?:millions?|milliards?|billions?|bn|mds?|thousand|mille)\b"
    r"|\b(?!(?:19|20)\d\d\b)\d{2,}(?:[.,]\d+)?\b",
    re.IGNORECASE,
)
# A decision taken: verbs as a headline writes them (third person or past), never their base form ("open",
# "close", "cut" are also adjectives and nouns).
_DECISION = re.compile(
    r"\b(?:decides|decided|decision|approves|approved|launches|launched|acquires|acquired|buys|bought|sells|"
    r"sold|announces|announced|closes|closed|shuts|invests|invested|hires|hired|lays off|laid off|bans|banned|"
    r"chooses|chose|drops|dropped|scraps|scrapped|picks|picked|"
    r"décide|décident|décidé|décision|annonce|annoncent|annoncé|lance|lancent|lancé|rachète|rachètent|racheté|"
    r"rachat|ferme|ferment|fermé|fermeture|investit|investissent|supprime|suppriment|supprimé|choisit|"
    r"choisissent|choisi|renonce|renoncent|cède|cèdent|cédé|recrute|recrutent|adopte|adoptent|adopté|interdit|"
    r"abandonne|abandonnent|abandonné|acquiert|acquisition)\b",
    re.IGNORECASE,
)


def article_kind(title: str, summary: str) -> str:
    """What kind of article this is, for the question that follows it: "howto", "figure", "decision" or
    "trend"."""
    if _HOWTO.search(title):
        return "howto"
    if _FIGURE.search(title) or _FIGURE.search(summary):
        return "figure"
    if _DECISION.search(title) or _DECISION.search(summary):
        return "decision"
    return "trend"


# --- French typography of what is quoted ----------------------------------------------------------------------

_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_HIGH_MARKS = re.compile(r"(?<=[^\s\u00a0\u202f;!?])[ \u00a0\u202f]?(?P<mark>[;!?]+)(?=[\s»”\"')]|$)")
_COLON = re.compile(r"(?<=[^\s\u00a0\u202f:])[ \u00a0\u202f]?:(?=\s|$)")
_STRAIGHT_QUOTES = re.compile(r'"([^"\n]+)"')
_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_CLOSING = re.compile(r"[ \u00a0\u202f]*»")


def french_typography(text: str) -> str:
    """A French text with French typography, its words unchanged: ’ for ', a narrow no-break space before
    ; ! ?, a no-break space before : and inside « », straight double quotes made « »."""
    text = _STRAIGHT_APOSTROPHE.sub("’", text)
    text = _STRAIGHT_QUOTES.sub(lambda found: f"« {found.group(1).strip()} »", text)
    text = _OPENING.sub("«\u00a0", text)
    text = _CLOSING.sub("\u00a0»", text)
    text = _HIGH_MARKS.sub(lambda found: "\u202f" + found.group("mark"), text)
    return _COLON.sub("\u00a0:", text)


# --- composing ----------------------------------------------------------------------------------------------

FIRST_LINES = 140  # what LinkedIn shows on a phone before "...see more"
SEEN_FIRST = 40  # of the take (or the fact), at least this much within the first lines


def visible_first(text: str, words: str) -> bool:
    """Whether `words` begin early enough in `text` that their start (SEEN_FIRST characters, or all of them)
    is within the first FIRST_LINES characters."""
    words = words.strip()
    if not words:
        return True
    where = text.find(words[:SEEN_FIRST])
    return 0 <= where <= FIRST_LINES - min(len(words), SEEN_FIRST)


# Long values, as feeds give them, to measure where a template puts the take and the fact.
SAMPLE_VALUES: Mapping[str, str] = {
    "take": "T" * 160, "title": "A" * 90, "source": "S" * 24, "note": " (in Portuguese)", "summary": "U" * 160,
    "question": "Q" * 60, "link": "https://www.example.com/" + "p" * 40, "hashtags": "#Aaaaaaaa #Bbbbbbbbb",
}


def render_sample(template: str) -> tuple[str, Mapping[str, str]]:
    """A template filled with SAMPLE_VALUES, and those values."""
    return _render(template, SAMPLE_VALUES), SAMPLE_VALUES


def _sentences(text: str) -> list[str]:
    """The sentences of a text (abbreviations kept whole), as written."""
    found: list[str] = []
    rest = text.strip()
    while rest:
        sentence = first_sentence(rest)
        if not sentence or sentence == rest:
            found.append(rest)
            break
        found.append(sentence)
        rest = rest[len(sentence):].strip()
    return found


def last_sentence(text: str) -> str:
    """The last sentence of a text (the whole text when it has one)."""
    sentences = _sentences(text)
    return sentences[-1] if sentences else text.strip()


def compose(request: PostRequest, templates: DraftTemplates) -> Post:
    """The post for a request, made of the templates of the leader's language: with a take, built around it,
    word for word, its start within the first lines; without, one of the sober frames, the article's title or
    summary within the first lines. Raises PostError if the templates cannot fit."""
    take = (request.take or "").strip() or None  # the leader's words as typed, no-break spaces included
    french = request.language == "fr" and request.item_language in (None, "fr")
    quoted = french_typography if french else _same
    title = quoted(_spaces(request.title))
    summary = quoted(clip(first_sentence(request.summary, request.title), SUMMARY_LIMIT))
    values = {
        "take": take or "",
        "title": title,
        "source": (french_typography if request.language == "fr" else _same)(clip(_spaces(request.source),
                                                                                   SOURCE_LIMIT)),
        "summary": "" if request.shorter else summary,
        "question": "",
        "note": language_note(request, templates),
        "link": request.link,
        "hashtags": "",
    }
    style = request.style or Style()
    asks = take is not None and "?" in take
    bare = take is None and not summary  # a bare headline: no question under it
    if not request.shorter and not asks and not bare and style.question is not False:
        kind = article_kind(request.title, summary)
        values["question"] = _pick(templates.questions_for(kind), request, "question")
    tags = hashtags(request.topics) if style.hashtags is not False else ()
    link = request.link
    limit = LINKEDIN_SHORT_LIMIT if request.shorter else LINKEDIN_LIMIT
    facts = (take,) if take else tuple(fact for fact in (values["title"], values["summary"]) if fact)

    def linkedin_fits(text: str) -> bool:  # within the limit, the take (or the fact) in the first lines
        return len(text) <= limit and any(visible_first(text, fact) for fact in facts)

    def x_fits(text: str) -> bool:
        return x_weight(f"{text}\n{link}") <= X_LIMIT

    linkedin_options = _usable(templates.take_linkedin if take else templates.linkedin, values)
    x_options = _usable(templates.take_x if take else templates.x, values)
    linkedin = _first_fitting(_rotated(linkedin_options, request, "linkedin"), values, tags, linkedin_fits)
    if linkedin is None:  # a long take: the take stays whole, the article's part goes
        linkedin = _render(_pick(linkedin_options, request, "linkedin"),
                           {**values, "summary": "", "question": "", "hashtags": ""})
    if style.sign_off:
        linkedin = signed(linkedin, style.sign_off, limit)
    body = _x_body(take, x_options, request, {**values, "question": ""}, tags, x_fits)
    if not body:
        raise PostError("the X templates are too long for a post on X")
    if request.language == "fr":  # « un titre qui « cite » » is written « un titre qui “cite” »
        linkedin, body = nested_quotes(linkedin, take), nested_quotes(body, take)
    return Post(linkedin=linkedin, x=f"{body}\n{link}", language=request.language, link=link)


def nested_quotes(text: str, keep: str | None = None) -> str:
    """French quotes within French quotes made English ones, line by line: « a « b » c » is « a “b” c »; the
    lines of `keep` (the leader's own words) stay as they are."""
    lines = []
    for line in text.split("\n"):
        if keep and line.strip() and line.strip() in keep:
            lines.append(line)
            continue
        out, depth = [], 0
        for index, char in enumerate(line):
            if char == "«":
                depth += 1
                if depth > 1:
                    out.append("“")
                    if line[index + 1: index + 2] in ("\u00a0", "\u202f"):
                        out.append("\0")  # the space after an inner « goes
                    continue
            elif char == "»" and depth > 0:
                depth -= 1
                if depth >= 1:
                    if out and out[-1] in ("\u00a0", "\u202f"):
                        out.pop()  # the space before an inner » goes
                    out.append("”")
                    continue
            if char in ("\u00a0", "\u202f") and out and out[-1] == "\0":
                out.pop()
                continue
            out.append(char)
        lines.append("".join(part for part in out if part != "\0"))
    return "\n".join(lines)


def signed(text: str, sign_off: str, limit: int = LINKEDIN_LIMIT) -> str:
    """The post with the leader's sign-off as its last line before the hashtags (unchanged if it would not
    fit)."""
    paragraphs = text.split("\n\n")
    at = len(paragraphs) - 1 if paragraphs[-1].lstrip().startswith("#") and len(paragraphs) > 1 else len(paragraphs)
    with_sign = "\n\n".join([*paragraphs[:at], sign_off.strip(), *paragraphs[at:]])
    return with_sign if len(with_sign) <= limit else text


def _same(text: str) -> str:
    return text


# A sentence that leans on what came before ("The group will build...", « Il s’agit... ») cannot open a post.
_LEANS_BACK = re.compile(
    r"^(?:it|its|they|their|he|she|his|her|this|these|those|such|the (?:group|company|firm|firms|report|study)|"
    r"il|elle|ils|elles|ce|cet|cette|ces|celui|celle|le groupe|l[’']entreprise|la société|l[’']étude)\b",
    re.IGNORECASE,
)


def _usable(options: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """The templates that can frame these values: one that starts with the summary needs a summary that can
    open a post (not one that leans on the title: "The group will...")."""
    opens = bool(values["summary"]) and not _LEANS_BACK.match(values["summary"])
    usable = [t for t in options if opens or not t.lstrip().startswith("{summary}")]
    return usable or list(options)


def _x_body(take: str | None, options: Sequence[str], request: PostRequest, values: Mapping[str, str],
            tags: Sequence[str], fits: Callable[[str], bool]) -> str | None:
    """The X text: the leader's words kept. The take whole with the article's title when both fit; the take
    whole alone when it fits; else its last sentence over the title; else as much of the take as fits."""
    rotated = _rotated(options, request, "x")
    if take is None:
        return _first_fitting(rotated, values, tags, fits)
    with_title = _first_fitting(rotated, {**values, "take": take}, tags, fits, (FLOORS,))
    if with_title is not None:
        return with_title
    if fits(take):
        return take
    sentences = _sentences(take)
    if len(sentences) > 1:
        last = sentences[-1]
        body = _first_fitting(rotated, {**values, "take": last}, tags, fits, (FLOORS,))
        if body is not None:
            return body
        if fits(last):
            return last
    return clip_words(take, fits)


def _rotated(options: Sequence[str], request: PostRequest, salt: str) -> list[str]:
    if not options:
        raise PostError(f"no {salt} template")
    first = options.index(_pick(options, request, salt))
    return [*options[first:], *options[:first]]


def _first_fitting(options: Sequence[str], values: Mapping[str, str], tags: Sequence[str],
                   fits: Callable[[str], bool],
                   passes: Sequence[Mapping[str, int]] = (FLOORS, NO_FLOORS)) -> str | None:
    for floors in passes:
        for template in options:
            text = _fit(template, values, tags, fits, floors)
            if text is not None:
                return text
    return None


# --- checking a post written elsewhere ----------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [fold(word) for word in _WORD.findall(unicodedata.normalize("NFC", text))]


def holds_take(text: str, take: str) -> bool:
    """Whether `text` holds the take word for word, typos aside: its words in order, all but about one in
    eight identical, nothing inserted in the middle beyond that."""
    wanted = _words(take)
    if not wanted:
        return True
    found = _words(text)
    matcher = difflib.SequenceMatcher(None, wanted, found, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    if not blocks:
        return False
    same = sum(block.size for block in blocks)
    allowed = max(1, len(wanted) // 8) if len(wanted) > 3 else 0
    span = blocks[-1].b + blocks[-1].size - blocks[0].b
    return same >= len(wanted) - allowed and span <= len(wanted) + allowed


def has_markup(text: str) -> bool:
    """Whether a text holds HTML, entities or Markdown (a post is plain text)."""
    return _MARKUP.search(text) is not None


_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_ADDRESS = re.compile(r"https?://\S+")


def _figures(text: str) -> set[str]:
    """The numbers of a text, written without separators ("12 000", "12,000" and "12000" are one)."""
    return {re.sub(r"\D", "", number) for number in _NUMBER.findall(_ADDRESS.sub(" ", text))}


def invented_figures(text: str, request: PostRequest) -> list[str]:
    """The numbers of a post that neither the article (title, summary, source, link) nor the take gives."""
    given = " ".join((request.take or "", request.title, request.summary, request.source, *request.topics))
    return sorted(_figures(text) - _figures(given) - _figures(request.link))


def check_post(post: Post, request: PostRequest, detect: Callable[[str], str | None] | None = None) -> str | None:
    """Why a post is not acceptable for this request, or None: the link missing, markup, over the limits, the
    take missing or altered, a figure neither the article nor the take gives, or a language other than the
    leader's when `detect` says so of the post's own words (the article's title and summary, quoted in their
    language, are left out)."""
    limit = LINKEDIN_SHORT_LIMIT if request.shorter else LINKEDIN_LIMIT
    if not post.linkedin.strip() or not post.x.strip():
        return "empty post"
    if request.link not in post.linkedin:
        return "the LinkedIn post lacks the link"
    if request.link not in post.x:
        return "the X post lacks the link"
    if has_markup(post.linkedin) or has_markup(post.x):
        return "markup in the post"
    if len(post.linkedin) > limit:
        return f"the LinkedIn post is {len(post.linkedin)} characters (at most {limit})"
    if x_weight(post.x) > X_LIMIT:
        return f"the X post weighs {x_weight(post.x)} (at most {X_LIMIT})"
    if post.language != request.language:
        return f"the post is in {post.language}, not {request.language}"
    if detect is not None:
        own = post.linkedin  # what the post says in its own words: without the link and the article's words
        for quoted in (request.link, request.title, first_sentence(request.summary), request.summary):
            own = own.replace(quoted, " ") if quoted else own
        found = detect(own)
        if found is not None and found != request.language:
            return f"the post reads as {found}, not {request.language}"
    if request.take and not holds_take(post.linkedin, request.take):
        return "the take is missing or altered"
    invented = invented_figures(f"{post.linkedin}\n{post.x}", request)
    if invented:
        return f"a figure the article does not give ({', '.join(invented)})"
    return None


TRANSLATED_FROM = 40  # characters of a foreign summary's sentence past which it must be translated, not pasted


def pasted_untranslated(text: str, request: PostRequest) -> bool:
    """Whether a post for an article in another language pastes the first sentence of its summary as it is: a
    model gives its gist in the leader's language, marked as a translation (the composer, which cannot
    translate, quotes it and says the article's language)."""
    if request.item_language is None or request.item_language == request.language:
        return False
    sentence = first_sentence(request.summary, request.title)
    return len(sentence) >= TRANSLATED_FROM and _spaces(sentence).casefold() in _spaces(text).casefold()
