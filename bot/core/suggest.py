"""The morning's suggested posts: which few items of the sector's feeds a leader would most like to share.

`rank` scores every recent item on the sector's keywords and the leader's interests, freshness, what the
leader taught the bot (`learn`) and language; drops what was already suggested (`remember`) and second copies
of a story; and picks a diverse few. The same inputs always give the same suggestions, whatever their order.

The folded words of each item are computed once and kept (a bounded cache), since the same morning's items are
ranked for every leader of a sector.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple

from bot.core.news import Item, fold, normalise_url, words

# Relevance: a match in the title counts fully, in the summary only half; the leader's interests weigh more
# than the sector's keywords. The sum is capped so that a list of buzzwords does not win by itself.
INTEREST_IN_TITLE = 3.0
KEYWORD_IN_TITLE = 2.0
SUMMARY_SHARE = 0.5
RELEVANCE_CAP = 8.0
# Freshness: worth FRESHNESS_WEIGHT when just published, half of it a HALF_LIFE later.
FRESHNESS_WEIGHT = 2.0
HALF_LIFE = timedelta(hours=24)
# What the leader taught the bot: learned weights stay within [-WEIGHT_BOUND, WEIGHT_BOUND].
WEIGHT_BOUND = 3.0
LEARNING_STEP = 1.0
SOURCE_FACTOR = 0.5
TOPIC_FACTOR = 0.5
LANGUAGE_BONUS = 0.5
# Added to every item that matches a keyword or an interest: more than freshness, language and learned weights
# can ever make up, so an item matching nothing always comes below one that matches something.
MATCHED_BONUS = FRESHNESS_WEIGHT + LANGUAGE_BONUS + (2 * SOURCE_FACTOR + TOPIC_FACTOR) * WEIGHT_BOUND
# Two titles tell the same story when this share of their meaningful words is common to both.
SAME_STORY_SIMILARITY = 0.85
SEEN_LIMIT = 1000
# A keyword of one word written in capitals, up to this length, is an acronym: matched in capitals only.
ACRONYM_LENGTH = 5
VERDICTS = {"posted": LEARNING_STEP, "irrelevant": -LEARNING_STEP}
# Items whose folded words are kept: more than the morning's items of all sectors (about 5 KB each).
PROFILE_CACHE_SIZE = 10_000

# Words that say nothing of a story, folded (no accents, lower case), in English and French.
STOP_WORDS = frozenset(
    """a an and are as at be by for from has have how in into is it its new of on or over says than that the
    their this to up was what when who why will with after about more out not but
    au aux avec ce ces c d dans de des du elle en est et il ils j l la le les leur lui m mais n ne nous on ou
    par pas plus pour qu que qui s sa se ses son sont sur t un une vers vous y""".split()
)


@dataclass(frozen=True)
class Taste:
    """What a leader told the bot: interests, and how they rated sources and topics."""

    interests: tuple[str, ...] = ()
    sources: Mapping[str, float] = field(default_factory=dict)  # source name -> learned weight, bounded
    topics: Mapping[str, float] = field(default_factory=dict)  # keyword (casefolded) -> learned weight
    seen: tuple[str, ...] = ()  # story keys already suggested, newest last, at most SEEN_LIMIT


@dataclass(frozen=True)
class Suggestion:
    """An item worth sharing, with its score, its story key and the keywords or interests it matched."""

    item: Item
    score: float
    key: str  # the story key (normalised URL)
    topics: tuple[str, ...]  # the keywords/interests it matched, best first


def story_key(item: Item) -> str:
    """What identifies a story whatever the tracking in its link: the normalised URL."""
    return normalise_url(item.link)


def topic_key(topic: str) -> str:
    """How a keyword or interest is remembered in `Taste.topics`: case folded, spaces folded."""
    return " ".join(topic.casefold().split())


def title_words(title: str) -> frozenset[str]:
    """The meaningful words of a title: folded, without stop words."""
    return frozenset(fold(title).split()) - STOP_WORDS


def same_story(words: frozenset[str], other: frozenset[str]) -> bool:
    """Whether two titles' meaningful words are near-identical (SAME_STORY_SIMILARITY of them shared)."""
    if not words or not other:
        return False
    return len(words & other) >= SAME_STORY_SIMILARITY * len(words | other)


# --- what is computed once per item -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Words:
    """A text folded for matching: its words, those written in capitals (acronyms), and the words padded."""

    words: frozenset[str]
    capitals: frozenset[str]
    padded: str  # " word word word ", for phrases of several words


@dataclass(frozen=True, slots=True)
class _Profile:
    """An item's story key, its folded title and summary, and the meaningful words of its title."""

    key: str
    title: _Words
    summary: _Words
    title_words: frozenset[str]


def _words(text: str) -> _Words:
    found = words(text)
    folded = " ".join(found).casefold()
    interned = frozenset(map(sys.intern, folded.split()))  # each word held once, however many items use it
    return _Words(interned, frozenset(filter(str.isupper, found)), f" {folded} ")


@lru_cache(maxsize=PROFILE_CACHE_SIZE)
def _profile(link: str, title: str, summary: str) -> _Profile:
    """What matching needs of an item, computed once: it depends on its link, title and summary only."""
    title_folded = _words(title)
    return _Profile(normalise_url(link), title_folded, _words(summary), title_folded.words - STOP_WORDS)


# --- what the leader cares about ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A keyword or interest, ready to be looked for in folded text, with what the leader taught about it."""

    text: str  # as given, spaces folded
    first: str  # its first folded word: a text without it cannot match
    padded: str  # " folded words "
    several_words: bool
    acronym: str | None  # "AI", "HAS": matched in capitals only, so that "has" or "j'ai" do not count
    weight: float  # in a title; SUMMARY_SHARE of it in a summary
    learned: float  # the leader's learned weight for this topic
    order: int

    def found_in(self, text: _Words) -> bool:
        """Whether this phrase occurs, on word boundaries, in a folded text."""
        if self.acronym is not None:
            return self.acronym in text.capitals
        return self.first in text.words and (not self.several_words or self.padded in text.padded)


def _phrases(
    interests: Sequence[str], keywords: Sequence[str], topics: Mapping[str, float]
) -> dict[str, list[_Phrase]]:
    """Interests, then keywords, each once (an interest that is also a keyword keeps the interest's weight),
    by their first folded word."""
    phrases: dict[str, _Phrase] = {}
    for texts, weight in ((interests, INTEREST_IN_TITLE), (keywords, KEYWORD_IN_TITLE)):
        for text in texts:
            found = words(text)
            folded = " ".join(found).casefold()
            if not found or folded in phrases:
                continue
            is_acronym = len(found) == 1 and 1 < len(found[0]) <= ACRONYM_LENGTH and found[0].isupper()
            spaced = " ".join(text.split())
            phrases[folded] = _Phrase(
                text=spaced,
                first=folded.split()[0],
                padded=f" {folded} ",
                several_words=len(found) > 1,
                acronym=found[0] if is_acronym else None,
                weight=weight,
                learned=topics.get(topic_key(spaced), 0.0),
                order=len(phrases),
            )
    by_first: dict[str, list[_Phrase]] = {}
    for phrase in phrases.values():
        by_first.setdefault(phrase.first, []).append(phrase)
    return by_first


# A match: minus its weight, the phrase's order, the phrase; so that matches sort best first.
_Match = tuple[float, int, _Phrase]


def _matches(phrases: Mapping[str, list[_Phrase]], firsts: frozenset[str], profile: _Profile) -> list[_Match]:
    """The phrases an item matches, each with the weight of its match, best first."""
    common = (firsts & profile.title.words) | (firsts & profile.summary.words)
    if not common:
        return []
    found = []
    for first in common:
        for phrase in phrases[first]:
            if phrase.found_in(profile.title):
                found.append((-phrase.weight, phrase.order, phrase))
            elif phrase.found_in(profile.summary):
                found.append((-phrase.weight * SUMMARY_SHARE, phrase.order, phrase))
    found.sort()
    return found


def _bounded(weight: float) -> float:
    return max(-WEIGHT_BOUND, min(WEIGHT_BOUND, weight))


# --- ranking ------------------------------------------------------------------------------------------------


class _Candidate(NamedTuple):
    """A scored item with its story key, its profile and the phrases it matched."""

    score: float
    key: str
    item: Item
    profile: _Profile
    matches: list[_Match]

    def suggestion(self) -> Suggestion:
        """The candidate as a suggestion."""
        topics = tuple(phrase.text for _, _, phrase in self.matches)
        return Suggestion(self.item, self.score, self.key, topics)

    def beats(self, other: _Candidate) -> bool:
        """Whether this copy of a story is better than another: higher score, then the items' own fields."""
        if self.score != other.score:
            return self.score > other.score
        return _fields(self.item) < _fields(other.item)


def _fields(item: Item) -> tuple[str, ...]:
    published = item.published.isoformat() if item.published else ""
    return (item.source, item.title, item.link, item.summary, published, item.language or "", item.feed_url)


def _select(candidates: Iterable[_Candidate], limit: int) -> list[_Candidate]:
    """The best candidates (best first), one per story, from sources not yet chosen first; items that match
    nothing come only after all those that match something, even from a source already chosen."""
    chosen: list[_Candidate] = []
    sources: set[str] = set()

    def is_new_story(candidate: _Candidate) -> bool:
        return not any(same_story(candidate.profile.title_words, c.profile.title_words) for c in chosen)

    for _, tier in groupby(candidates, key=lambda candidate: bool(candidate.matches)):
        postponed: list[_Candidate] = []
        for candidate in tier:
            if len(chosen) == limit:
                return chosen
            if not is_new_story(candidate):
                continue
            if candidate.item.source in sources:
                postponed.append(candidate)
                continue
            chosen.append(candidate)
            sources.add(candidate.item.source)
        for candidate in postponed:
            if len(chosen) == limit:
                return chosen
            if is_new_story(candidate):
                chosen.append(candidate)
    return chosen


def _relevance(matches: Sequence[_Match]) -> float:
    """What the matched keywords and interests add to an item's score (nothing when there are none)."""
    if not matches:
        return 0.0
    relevance = min(-sum(weight for weight, _, _ in matches), RELEVANCE_CAP)
    learned = _bounded(sum(phrase.learned for _, _, phrase in matches))
    return MATCHED_BONUS + relevance + TOPIC_FACTOR * learned


def rank(
    items: Iterable[Item],
    *,
    keywords: Sequence[str],
    taste: Taste,
    now: datetime,
    language: str | None = None,
    window: timedelta = timedelta(hours=72),
    limit: int = 3,
) -> list[Suggestion]:
    """The few items most worth sharing now, at most `limit`, in the order to show them, none already seen.

    Only items published within `window` before `now` count; an item without a date counts as old, and one
    dated in the future counts as published now. Equal scores go to the smaller story key, and copies of a
    story with equal scores are ordered by their fields, so the order of `items` never matters."""
    if limit <= 0:
        return []
    phrases = _phrases(taste.interests, keywords, taste.topics)
    firsts = frozenset(phrases)
    sources = {source: SOURCE_FACTOR * _bounded(weight) for source, weight in taste.sources.items()}
    seen = frozenset(taste.seen)
    oldest = now - window
    best: dict[str, _Candidate] = {}
    for item in items:
        published = item.published
        if published is None or published < oldest:
            continue
        profile = _profile(item.link, item.title, item.summary)
        if profile.key in seen:
            continue
        matches = _matches(phrases, firsts, profile)
        freshness = FRESHNESS_WEIGHT * 0.5 ** max((now - published) / HALF_LIFE, 0.0)
        score = freshness + _relevance(matches) + sources.get(item.source, 0.0)
        if language is not None and item.language == language:
            score += LANGUAGE_BONUS
        candidate = _Candidate(score, profile.key, item, profile, matches)
        current = best.get(profile.key)
        if current is None or candidate.beats(current):
            best[profile.key] = candidate
    ordered = sorted(best.values(), key=lambda candidate: (-candidate.score, candidate.key))
    return [candidate.suggestion() for candidate in _select(ordered, limit)]


# --- what the leader teaches --------------------------------------------------------------------------------


def learn(taste: Taste, suggestion: Suggestion, verdict: str) -> Taste:
    """The taste after the leader's verdict on a suggestion: "posted" raises its source and topics,
    "irrelevant" lowers them, within [-WEIGHT_BOUND, WEIGHT_BOUND]."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    step = VERDICTS[verdict]
    source = suggestion.item.source
    sources = {**taste.sources, source: _bounded(taste.sources.get(source, 0.0) + step)}
    topics = dict(taste.topics)
    for key in dict.fromkeys(topic_key(topic) for topic in suggestion.topics):
        topics[key] = _bounded(topics.get(key, 0.0) + step)
    return replace(taste, sources=sources, topics=topics)


def remember(taste: Taste, suggestions: Iterable[Suggestion]) -> Taste:
    """The taste with these suggestions' keys seen (newest last, the oldest forgotten beyond SEEN_LIMIT)."""
    keys = tuple(dict.fromkeys(suggestion.key for suggestion in suggestions))
    fresh = set(keys)
    kept = tuple(key for key in taste.seen if key not in fresh)
    return replace(taste, seen=(kept + keys)[-SEEN_LIMIT:])
