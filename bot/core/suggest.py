"""The morning's suggested posts: which few items of the sector's feeds a leader would most like to share.

`rank` scores every recent item on the sector's keywords and the leader's interests, freshness, what the
leader taught the bot (`learn`) and language (items in another language come lower); drops what was already
suggested (`remember`) and second copies of a story; and picks a diverse few. The same inputs always give the
same suggestions, whatever their order.

All the leaders of a sector share the morning's items and the sector's keywords, so what an item's score owes
to them alone (its freshness and the keywords it matches) is computed once: `prepare` groups the items by
story, best shared score first, and `rank` accepts what it returns as well as the items themselves, then or
later in the morning (items only get older). What a leader's taste can add to a shared score is bounded, so
ranking for a leader scores stories only while one of them can still come before those already found: a few
dozen rather than thousands. The folded words of each item, and the keywords it matches, are also kept (a
bounded cache) for callers that pass the items themselves.
"""

from __future__ import annotations

import heapq
import math
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from bot.core.model import Taste
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
# Only items published within this window before now are suggested.
WINDOW = timedelta(hours=72)
# What the leader taught the bot: learned weights stay within [-WEIGHT_BOUND, WEIGHT_BOUND].
WEIGHT_BOUND = 3.0
LEARNING_STEP = 1.0
SOURCE_FACTOR = 0.5
TOPIC_FACTOR = 0.5
# Given to an item in the leader's language, so that items in another language come lower: a headline that
# needs "article in English" in a French post must be worth it (a keyword more in its title, or more than a
# day fresher).
LANGUAGE_BONUS = 1.5
# Added to every item that matches a keyword or an interest: more than freshness, language and learned weights
# can ever make up, so an item matching nothing always comes below one that matches something.
MATCHED_BONUS = FRESHNESS_WEIGHT + LANGUAGE_BONUS + (2 * SOURCE_FACTOR + TOPIC_FACTOR) * WEIGHT_BOUND
# Added to the most a leader's taste can add to a shared score: far more than the rounding of a few sums of
# numbers below a hundred, so that the bound holds whatever the order of the additions.
ROUNDING_MARGIN = 1e-9
# Two titles tell the same story when this share of their meaningful words is common to both.
SAME_STORY_SIMILARITY = 0.85
SEEN_LIMIT = 1000
# A keyword of one word written in capitals, up to this length, is an acronym: matched in capitals only.
ACRONYM_LENGTH = 5
VERDICTS = {"posted": LEARNING_STEP, "irrelevant": -LEARNING_STEP}
# Items whose folded words and keyword matches are kept: more than the morning's items of all sectors (about
# 6 KB each).
PROFILE_CACHE_SIZE = 10_000
# Lists of sector keywords kept ready for matching: more than there are sectors.
KEYWORD_LISTS_KEPT = 64

# Words that say nothing of a story, folded (no accents, lower case), in English and French.
STOP_WORDS = frozenset(
    """a an and are as at be by for from has have how in into is it its new of on or over says than that the
    their this to up was what when who why will with after about more out not but
    au aux avec ce ces c d dans de des du elle en est et il ils j l la le les leur lui m mais n ne nous on ou
    par pas plus pour qu que qui s sa se ses son sont sur t un une vers vous y""".split()
)


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


@dataclass(frozen=True, slots=True, eq=False)  # one per item, from the cache: compared and hashed by identity
class _Profile:
    """An item's story key, its folded title and summary, all their words, and the meaningful words of its
    title."""

    key: str
    title: _Words
    summary: _Words
    words: frozenset[str]
    title_words: frozenset[str]


def _words(text: str) -> _Words:
    found = words(text)
    folded = " ".join(found).casefold()
    interned = frozenset(map(sys.intern, folded.split()))  # each word held once, however many items use it
    return _Words(interned, frozenset(filter(str.isupper, found)), f" {folded} ")


@lru_cache(maxsize=PROFILE_CACHE_SIZE)
def _profile(link: str, title: str, summary: str) -> _Profile:
    """What matching needs of an item, computed once: it depends on its link, title and summary only."""
    title_folded, summary_folded = _words(title), _words(summary)
    every_word = title_folded.words | summary_folded.words
    meaningful = title_folded.words - STOP_WORDS
    return _Profile(normalise_url(link), title_folded, summary_folded, every_word, meaningful)


# --- keywords and interests ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A keyword or interest, ready to be looked for in folded text."""

    text: str  # as given, spaces folded
    topic: str  # its key in `Taste.topics`
    folded: str  # its words folded: two phrases with the same folded words are one
    first: str  # its first folded word: a text without it cannot match
    padded: str  # " folded words "
    several_words: bool
    acronym: str | None  # "AI", "HAS": matched in capitals only, so that "has" or "j'ai" do not count
    weight: float  # in a title; SUMMARY_SHARE of it in a summary
    order: int  # interests first (negative), then keywords, each in the order given

    def found_in(self, text: _Words) -> bool:
        """Whether this phrase occurs, on word boundaries, in a folded text."""
        if self.acronym is not None:
            return self.acronym in text.capitals
        return self.first in text.words and (not self.several_words or self.padded in text.padded)


@dataclass(frozen=True, eq=False)  # one per list of keywords, from the cache: compared and hashed by identity
class _Phrases:
    """Phrases, each once, in order and by their first folded word."""

    all: tuple[_Phrase, ...]
    by_first: dict[str, list[_Phrase]]
    firsts: frozenset[str]
    folded: frozenset[str]


def _phrases(texts: Sequence[str], weight: float, first_order: int) -> _Phrases:
    """The phrases of these texts, each once (the first of those with the same folded words), numbered from
    `first_order`."""
    phrases: dict[str, _Phrase] = {}
    for text in texts:
        found = words(text)
        folded = " ".join(found).casefold()
        if not found or folded in phrases:
            continue
        is_acronym = len(found) == 1 and 1 < len(found[0]) <= ACRONYM_LENGTH and found[0].isupper()
        spaced = " ".join(text.split())
        phrases[folded] = _Phrase(
            text=spaced,
            topic=topic_key(spaced),
            folded=folded,
            first=folded.split()[0],
            padded=f" {folded} ",
            several_words=len(found) > 1,
            acronym=found[0] if is_acronym else None,
            weight=weight,
            order=first_order + len(phrases),
        )
    by_first: dict[str, list[_Phrase]] = {}
    for phrase in phrases.values():
        by_first.setdefault(phrase.first, []).append(phrase)
    return _Phrases(tuple(phrases.values()), by_first, frozenset(by_first), frozenset(phrases))


@lru_cache(maxsize=KEYWORD_LISTS_KEPT)
def _keyword_phrases(keywords: tuple[str, ...]) -> _Phrases:
    """A sector's keywords as phrases, numbered from 0."""
    return _phrases(keywords, KEYWORD_IN_TITLE, 0)


def _interest_phrases(interests: Sequence[str]) -> _Phrases:
    """A leader's interests as phrases, numbered below 0 so that they come before every keyword."""
    return _phrases(interests, INTEREST_IN_TITLE, -len(interests))


# A match: minus its weight, the phrase's order, the phrase; so that matches sort best first.
_Match = tuple[float, int, _Phrase]


def _matches(phrases: _Phrases, profile: _Profile) -> list[_Match]:
    """The phrases an item matches, each with the weight of its match, best first."""
    common = phrases.firsts & profile.words
    if not common:
        return []
    found = []
    for first in common:
        for phrase in phrases.by_first[first]:
            if phrase.found_in(profile.title):
                found.append((-phrase.weight, phrase.order, phrase))
            elif phrase.found_in(profile.summary):
                found.append((-phrase.weight * SUMMARY_SHARE, phrase.order, phrase))
    found.sort()
    return found


def _bounded(weight: float) -> float:
    return max(-WEIGHT_BOUND, min(WEIGHT_BOUND, weight))


def _relevance(matches: Sequence[_Match], topics: Mapping[str, float]) -> float:
    """What the matched keywords and interests add to an item's score (nothing when there are none), with the
    weights the leader learned for them."""
    if not matches:
        return 0.0
    relevance = min(-sum(weight for weight, _, _ in matches), RELEVANCE_CAP)
    learned = _bounded(sum(topics.get(phrase.topic, 0.0) for _, _, phrase in matches))
    return MATCHED_BONUS + relevance + TOPIC_FACTOR * learned


class _KeywordMatches(NamedTuple):
    """The sector keywords an item matches, best first, the sum of their weights, and what they add to its
    score when nothing was learned about them."""

    matches: tuple[_Match, ...]
    weight: float
    relevance: float


@lru_cache(maxsize=PROFILE_CACHE_SIZE)
def _keyword_matches(keywords: _Phrases, profile: _Profile) -> _KeywordMatches:
    """The sector keywords an item matches: computed once per sector and item."""
    matches = tuple(_matches(keywords, profile))
    return _KeywordMatches(matches, -sum(weight for weight, _, _ in matches), _relevance(matches, {}))


# --- what every leader of a sector shares -------------------------------------------------------------------


def _freshness(published: datetime, now: datetime) -> float:
    return FRESHNESS_WEIGHT * 0.5 ** max((now - published) / HALF_LIFE, 0.0)


class _Copy(NamedTuple):
    """One item of a story, with the keywords it matches, and its freshness and score when the pool was
    prepared for a leader who taught the bot nothing and has no interests."""

    item: Item
    published: datetime
    profile: _Profile
    matches: tuple[_Match, ...]
    weight: float  # of the keywords matched
    freshness: float
    shared: float


class _Story(NamedTuple):
    """The items with one story key, the words they mention (anywhere, and in titles), and the best of their
    freshness, keyword weights and shared scores when the pool was prepared."""

    key: str
    copies: tuple[_Copy, ...]
    words: frozenset[str]
    title_words: frozenset[str]
    freshness: float
    weight: float
    shared: float


@dataclass(frozen=True, eq=False)
class Pool:
    """A sector's items made ready for ranking for each of its leaders, at `now` or later (see `prepare`)."""

    keywords: tuple[str, ...]
    now: datetime
    window: timedelta
    stories: tuple[_Story, ...]  # the items of the window by story, best shared score first
    # The stories that mention a folded word: found for the first leader whose interests need it, then kept.
    mentioning: dict[str, dict[int, bool]] = field(default_factory=dict, repr=False)

    def mentions(self, word: str) -> dict[int, bool]:
        """The positions of the stories with a folded word in the title or summary of one of their items, each
        with whether it is in a title."""
        found = self.mentioning.get(word)
        if found is None:
            found = {
                position: word in story.title_words
                for position, story in enumerate(self.stories)
                if word in story.words
            }
            self.mentioning[word] = found
        return found


def _story(key: str, copies: list[_Copy]) -> _Story:
    if len(copies) == 1:
        [copy] = copies
        words, title_words = copy.profile.words, copy.profile.title.words
        return _Story(key, (copy,), words, title_words, copy.freshness, copy.weight, copy.shared)
    return _Story(
        key,
        tuple(copies),
        frozenset().union(*(copy.profile.words for copy in copies)),
        frozenset().union(*(copy.profile.title.words for copy in copies)),
        max(copy.freshness for copy in copies),
        max(copy.weight for copy in copies),
        max(copy.shared for copy in copies),
    )


def prepare(
    items: Iterable[Item], *, keywords: Sequence[str], now: datetime, window: timedelta = WINDOW
) -> Pool:
    """The items published within `window` before `now`, by story, with the sector's keywords they match and
    their freshness: prepared once, then passed to `rank` for each leader of the sector, at `now` or later.

    Time only makes items older, so a pool ranked later gives the suggestions its items give then."""
    phrases = _keyword_phrases(tuple(keywords))
    oldest = now - window
    copies: dict[str, list[_Copy]] = {}
    for item in items:
        published = item.published
        if published is None or published < oldest:
            continue
        profile = _profile(item.link, item.title, item.summary)
        found = _keyword_matches(phrases, profile)
        freshness = _freshness(published, now)
        shared = freshness + found.relevance
        copies.setdefault(profile.key, []).append(
            _Copy(item, published, profile, found.matches, found.weight, freshness, shared)
        )
    stories = [_story(key, group) for key, group in copies.items()]
    stories.sort(key=attrgetter("shared"), reverse=True)
    return Pool(tuple(keywords), now, window, tuple(stories))


# --- ranking ------------------------------------------------------------------------------------------------


class _Candidate(NamedTuple):
    """A scored item with its story key, its profile and the phrases it matched."""

    score: float
    key: str
    item: Item
    profile: _Profile
    matches: Sequence[_Match]

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


class _Reader:
    """A leader as the ranking sees them at a moment: interests, learned weights and language, ready to score
    stories."""

    def __init__(self, taste: Taste, keywords: _Phrases, language: str | None, now: datetime,
                 window: timedelta) -> None:
        self.interests = _interest_phrases(taste.interests)
        # A keyword that is also an interest counts as the interest.
        self.replaced = keywords.folded & self.interests.folded
        self.topics = taste.topics
        self.sources = {source: SOURCE_FACTOR * _bounded(weight) for source, weight in taste.sources.items()}
        self.language = language
        self.now = now
        self.oldest = now - window
        # The most the leader's learned weights and language can add to an item's score.
        self.most_added = (
            TOPIC_FACTOR * _bounded(sum(max(weight, 0.0) for weight in taste.topics.values()))
            + max((0.0, *self.sources.values()))
            + (LANGUAGE_BONUS if language is not None else 0.0)
            + ROUNDING_MARGIN
        )

    def mentioned(self, pool: Pool) -> dict[int, float]:
        """The positions of the stories that mention the first word of one of the leader's interests (those
        whose matches may differ from the sector's), each with the most these interests can add to its weight:
        as if each matched where its first word is, in a title or in a summary."""
        weights: dict[int, float] = {}
        for phrase in self.interests.all:
            in_summary = phrase.weight * SUMMARY_SHARE
            for position, in_title in pool.mentions(phrase.first).items():
                weights[position] = weights.get(position, 0.0) + (phrase.weight if in_title else in_summary)
        return weights

    def most(self, story: _Story, interests: float) -> float:
        """The most a story can score when the leader's interests add at most this weight to its keywords'."""
        relevance = MATCHED_BONUS + min(story.weight + interests, RELEVANCE_CAP)
        return story.freshness + relevance + self.most_added

    def best_copy(self, story: _Story, mentioned: bool) -> _Candidate | None:
        """The story's best item still within the window for this leader, scored in full (None if none is);
        `mentioned`: the story mentions the first word of one of the leader's interests."""
        best = None
        for copy in story.copies:
            if copy.published < self.oldest:
                continue
            candidate = self._candidate(story.key, copy, mentioned)
            if best is None or candidate.beats(best):
                best = candidate
        return best

    def _candidate(self, key: str, copy: _Copy, mentioned: bool) -> _Candidate:
        matches = self._matches(copy) if mentioned else copy.matches
        freshness = _freshness(copy.published, self.now)
        score = freshness + _relevance(matches, self.topics) + self.sources.get(copy.item.source, 0.0)
        if self.language is not None and copy.item.language == self.language:
            score += LANGUAGE_BONUS
        return _Candidate(score, key, copy.item, copy.profile, matches)

    def _matches(self, copy: _Copy) -> Sequence[_Match]:
        """The interests and keywords an item matches for this leader, best first."""
        interests = _matches(self.interests, copy.profile)
        if not interests and not self.replaced:
            return copy.matches
        keywords = [match for match in copy.matches if match[2].folded not in self.replaced]
        return sorted(keywords + interests)


def _best_first(pool: Pool, reader: _Reader, seen: frozenset[str]) -> Iterator[_Candidate]:
    """The best item of each unseen story for this leader, best first (equal scores: the smaller key first).

    Stories are scored only when they may come next. A heap holds the scored candidates and, with the most
    they can score, the stories that mention one of the leader's interests, scored when they come on top; the
    other stories score at most their shared score plus `most_added`, and are scored in shared order until the
    top of the heap beats the next one's bound. (Bounds are taken when the pool was prepared: items only lose
    freshness since.)"""
    mentioned = reader.mentioned(pool)
    # (minus a score or the most a story can score, whether it is scored, the story key, candidate or story):
    # at equal values, stories not scored yet come first.
    heap: list[tuple[float, bool, str, _Candidate | _Story]] = []
    for position, interests in mentioned.items():
        story = pool.stories[position]
        if story.key not in seen:
            heap.append((-reader.most(story, interests), False, story.key, story))
    heapq.heapify(heap)

    def above(bound: float) -> Iterator[_Candidate]:
        """The candidates that score more than `bound`, scoring the stories that might on the way."""
        while heap and -heap[0][0] > bound:
            _, _, key, waiting = heapq.heappop(heap)
            if isinstance(waiting, _Candidate):
                yield waiting
            elif candidate := reader.best_copy(waiting, True):
                heapq.heappush(heap, (-candidate.score, True, key, candidate))

    for position, story in enumerate(pool.stories):
        if position in mentioned or story.key in seen:
            continue
        yield from above(story.shared + reader.most_added)
        if candidate := reader.best_copy(story, False):
            heapq.heappush(heap, (-candidate.score, True, story.key, candidate))
    yield from above(-math.inf)


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


def rank(
    items: Iterable[Item] | Pool,
    *,
    keywords: Sequence[str],
    taste: Taste,
    now: datetime,
    language: str | None = None,
    window: timedelta = WINDOW,
    limit: int = 3,
) -> list[Suggestion]:
    """The few items most worth sharing now, at most `limit`, in the order to show them, none already seen.

    Only items published within `window` before `now` count; an item without a date counts as old, and one
    dated in the future counts as published now. Equal scores go to the smaller story key, and copies of a
    story with equal scores are ordered by their fields, so the order of `items` never matters. `items` may be
    a `Pool` prepared for the same keywords and window, at `now` or before (a ValueError otherwise): the same
    suggestions as from its items, for a fraction of the work."""
    pool = items if isinstance(items, Pool) else prepare(items, keywords=keywords, now=now, window=window)
    if (pool.keywords, pool.window) != (tuple(keywords), window) or now < pool.now:
        raise ValueError("the pool was prepared for other keywords, another window or a later time")
    if limit <= 0:
        return []
    reader = _Reader(taste, _keyword_phrases(pool.keywords), language, now, window)
    candidates = _best_first(pool, reader, frozenset(taste.seen))
    return [candidate.suggestion() for candidate in _select(candidates, limit)]


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
