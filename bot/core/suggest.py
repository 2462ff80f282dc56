"""The morning's suggested posts: which few items of the sector's feeds a leader would most like to share.

`rank` scores every recent item on the sector's keywords and the leader's interests, freshness, what the
leader taught the bot (`learn`) and language (items in another language come lower); drops what was already
suggested (`remember`) and second copies of a story; and picks a diverse few, the leader's language before
variety: an item in another language only fills (at most one in five when three are in the leader's
language). The same inputs always give the same suggestions, whatever their order.

All the leaders of a sector share the morning's items and the sector's keywords, so what an item's score owes
to them alone (its freshness and the keywords it matches) is computed once: `prepare` groups the items by
story, best shared score first, and `rank` accepts what it returns as well as the items themselves, then or
later in the morning (items only get older). What a leader's taste can add to a shared score is bounded, so
ranking for a leader scores stories only while one of them can still come before those already found: a few
dozen rather than thousands. The keywords each item matches are also kept (a bounded cache) for callers that
pass the items themselves.

What an item's text matches is `bot.core.matching`'s business; what each part of a score weighs,
`bot.core.scoring`'s.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from bot.core.matching import (
    PROFILE_CACHE_SIZE,
    SUMMARY_SHARE,
    Match,
    Phrases,
    Profile,
    find_matches,
    interest_phrases,
    item_profile,
    keyword_phrases,
    same_story,
    topic_key,
)
from bot.core.model import Taste
from bot.core.news import Item
from bot.core.scoring import (
    LANGUAGE_BONUS,
    MATCHED_BONUS,
    RELEVANCE_CAP,
    ROUNDING_MARGIN,
    SOURCE_FACTOR,
    TOPIC_FACTOR,
    bounded,
    freshness_score,
    relevance_score,
)

# Only items published within this window before now are suggested.
WINDOW = timedelta(hours=72)
# A verdict moves a learned weight by this much (within the bound of `bot.core.scoring`).
LEARNING_STEP = 1.0
SEEN_LIMIT = 1000
VERDICTS = {"posted": LEARNING_STEP, "irrelevant": -LEARNING_STEP, "undo": LEARNING_STEP}  # undo: of "irrelevant"


@dataclass(frozen=True)
class Suggestion:
    """An item worth sharing, with its score, its story key and the keywords or interests it matched."""

    item: Item
    score: float
    key: str  # the story key (normalised URL)
    topics: tuple[str, ...]  # the keywords/interests it matched, best first


# --- what every leader of a sector shares -------------------------------------------------------------------


class _KeywordMatches(NamedTuple):
    """The sector keywords an item matches, best first, the sum of their weights, and what they add to its
    score when nothing was learned about them."""

    matches: tuple[Match, ...]
    weight: float
    relevance: float


@lru_cache(maxsize=PROFILE_CACHE_SIZE)
def _keyword_matches(keywords: Phrases, profile: Profile) -> _KeywordMatches:
    """The sector keywords an item matches: computed once per sector and item."""
    matches = tuple(find_matches(keywords, profile))
    return _KeywordMatches(matches, -sum(weight for weight, _, _ in matches), relevance_score(matches, {}))


class _Copy(NamedTuple):
    """One item of a story, with the keywords it matches, and its freshness and score when the pool was
    prepared for a leader who taught the bot nothing and has no interests."""

    item: Item
    published: datetime
    profile: Profile
    matches: tuple[Match, ...]
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
    languages: frozenset[str | None]  # of its items


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
        return _Story(key, (copy,), words, title_words, copy.freshness, copy.weight, copy.shared,
                      frozenset((copy.item.language,)))
    return _Story(
        key,
        tuple(copies),
        frozenset().union(*(copy.profile.words for copy in copies)),
        frozenset().union(*(copy.profile.title.words for copy in copies)),
        max(copy.freshness for copy in copies),
        max(copy.weight for copy in copies),
        max(copy.shared for copy in copies),
        frozenset(copy.item.language for copy in copies),
    )


def prepare(
    items: Iterable[Item], *, keywords: Sequence[str], now: datetime, window: timedelta = WINDOW
) -> Pool:
    """The items published within `window` before `now`, by story, with the sector's keywords they match and
    their freshness: prepared once, then passed to `rank` for each leader of the sector, at `now` or later.

    Time only makes items older, so a pool ranked later gives the suggestions its items give then."""
    phrases = keyword_phrases(tuple(keywords))
    oldest = now - window
    copies: dict[str, list[_Copy]] = {}
    for item in items:
        published = item.published
        if published is None or published < oldest:
            continue
        profile = item_profile(item.link, item.title, item.summary)
        found = _keyword_matches(phrases, profile)
        freshness = freshness_score(published, now)
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
    profile: Profile
    matches: Sequence[Match]

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

    def __init__(self, taste: Taste, keywords: Phrases, language: str | None, now: datetime,
                 window: timedelta) -> None:
        self.interests = interest_phrases(taste.interests)
        # A keyword that is also an interest counts as the interest.
        self.replaced = keywords.folded & self.interests.folded
        self.topics = taste.topics
        self.sources = {source: SOURCE_FACTOR * bounded(weight) for source, weight in taste.sources.items()}
        self.language = language
        self.now = now
        self.oldest = now - window
        # The most the leader's learned weights and language can add to an item's score.
        self.most_added = (
            TOPIC_FACTOR * bounded(sum(max(weight, 0.0) for weight in taste.topics.values()))
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

    def own(self, language: str | None) -> bool:
        """Whether an item in this language is in the leader's (an item of unknown language is)."""
        return language is None or language == self.language

    def takes(self, story: _Story, own: bool | None) -> bool:
        """Whether a story is for this pass: any (None); with an item in the leader's language (True); or
        with none in the window (False)."""
        if own is None:
            return True
        if own:
            return any(self.own(language) for language in story.languages)
        if not any(self.own(language) for language in story.languages):
            return True
        return not any(self.own(c.item.language) and c.published >= self.oldest for c in story.copies)

    def best_copy(self, story: _Story, mentioned: bool, own: bool | None = None) -> _Candidate | None:
        """The story's best item still within the window for this leader, scored in full (None if none is);
        `mentioned`: the story mentions the first word of one of the leader's interests; `own`: only its items
        in the leader's language (True), or all of them (None, False)."""
        best = None
        for copy in story.copies:
            if copy.published < self.oldest or (own and not self.own(copy.item.language)):
                continue
            candidate = self._candidate(story.key, copy, mentioned)
            if best is None or candidate.beats(best):
                best = candidate
        return best

    def _candidate(self, key: str, copy: _Copy, mentioned: bool) -> _Candidate:
        matches = self._matches(copy) if mentioned else copy.matches
        freshness = freshness_score(copy.published, self.now)
        score = freshness + relevance_score(matches, self.topics) + self.sources.get(copy.item.source, 0.0)
        if self.language is not None and copy.item.language == self.language:
            score += LANGUAGE_BONUS
        return _Candidate(score, key, copy.item, copy.profile, matches)

    def _matches(self, copy: _Copy) -> Sequence[Match]:
        """The interests and keywords an item matches for this leader, best first."""
        interests = find_matches(self.interests, copy.profile)
        if not interests and not self.replaced:
            return copy.matches
        keywords = [match for match in copy.matches if match[2].folded not in self.replaced]
        return sorted(keywords + interests)


def _best_first(pool: Pool, reader: _Reader, seen: frozenset[str], own: bool | None = None) -> Iterator[_Candidate]:
    """The best item of each unseen story for this leader, best first (equal scores: the smaller key first);
    `own`: only the stories with an item in the leader's language, and those items (True), only the others
    (False), or all (None).

    Stories are scored only when they may come next. A heap holds the scored candidates and, with the most
    they can score, the stories that mention one of the leader's interests, scored when they come on top; the
    other stories score at most their shared score plus `most_added`, and are scored in shared order until the
    top of the heap beats the next one's bound. (Bounds are taken when the pool was prepared: items only lose
    freshness since.) Stories of the other pass are passed over without being scored."""
    mentioned = reader.mentioned(pool)
    # (minus a score or the most a story can score, whether it is scored, the story key, candidate or story):
    # at equal values, stories not scored yet come first.
    heap: list[tuple[float, bool, str, _Candidate | _Story]] = []
    for position, interests in mentioned.items():
        story = pool.stories[position]
        if story.key not in seen and reader.takes(story, own):
            heap.append((-reader.most(story, interests), False, story.key, story))
    heapq.heapify(heap)

    def above(bound: float) -> Iterator[_Candidate]:
        """The candidates that score more than `bound`, scoring the stories that might on the way."""
        while heap and -heap[0][0] > bound:
            _, _, key, waiting = heapq.heappop(heap)
            if isinstance(waiting, _Candidate):
                yield waiting
            elif candidate := reader.best_copy(waiting, True, own):
                heapq.heappush(heap, (-candidate.score, True, key, candidate))

    for position, story in enumerate(pool.stories):
        if position in mentioned or story.key in seen or not reader.takes(story, own):
            continue
        yield from above(story.shared + reader.most_added)
        if candidate := reader.best_copy(story, False, own):
            heapq.heappush(heap, (-candidate.score, True, story.key, candidate))
    yield from above(-math.inf)


def _select(candidates: Iterable[_Candidate], limit: int,
            before: Sequence[_Candidate] = ()) -> list[_Candidate]:
    """The best candidates (best first), one per story (`before`: stories chosen already), from sources not yet
    chosen first; items that match nothing come only after all those that match something, even from a source
    already chosen."""
    chosen: list[_Candidate] = []
    sources: set[str] = set()

    def is_new_story(candidate: _Candidate) -> bool:
        return not any(same_story(candidate.profile.title_words, c.profile.title_words)
                       for c in (*before, *chosen))

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


# With this many items in the leader's language, an item in another language is offered only as one in five.
OWN_LANGUAGE_ENOUGH = 3
FOREIGN_SHARE = 5


def _select_by_language(pool: Pool, reader: _Reader, seen: frozenset[str], limit: int) -> list[_Candidate]:
    """The leader's language before variety: the stories with an item in their language (or of unknown
    language) are chosen first, from those items, sources varied among them; the others only fill what is left,
    and when three or more are in the leader's language, at most one in five is not. Each pass scores only its
    own stories."""
    if reader.language is None:
        return _select(_best_first(pool, reader, seen), limit)
    own = _select(_best_first(pool, reader, seen, own=True), limit)
    room = limit - len(own)
    if len(own) >= OWN_LANGUAGE_ENOUGH:
        room = min(room, limit // FOREIGN_SHARE)
    if room <= 0:
        return own
    return own + _select(_best_first(pool, reader, seen, own=False), room, before=own)


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
    reader = _Reader(taste, keyword_phrases(pool.keywords), language, now, window)
    chosen = _select_by_language(pool, reader, frozenset(taste.seen), limit)
    return [candidate.suggestion() for candidate in chosen]


# --- what the leader teaches --------------------------------------------------------------------------------


def learn(taste: Taste, suggestion: Suggestion, verdict: str) -> Taste:
    """The taste after the leader's verdict on a suggestion: "posted" raises its source and topics,
    "irrelevant" lowers them, within [-WEIGHT_BOUND, WEIGHT_BOUND]."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    step = VERDICTS[verdict]
    source = suggestion.item.source
    sources = {**taste.sources, source: bounded(taste.sources.get(source, 0.0) + step)}
    topics = dict(taste.topics)
    for key in dict.fromkeys(topic_key(topic) for topic in suggestion.topics):
        topics[key] = bounded(topics.get(key, 0.0) + step)
    return replace(taste, sources=sources, topics=topics)


def remember(taste: Taste, suggestions: Iterable[Suggestion]) -> Taste:
    """The taste with these suggestions' keys seen (newest last, the oldest forgotten beyond SEEN_LIMIT)."""
    keys = tuple(dict.fromkeys(suggestion.key for suggestion in suggestions))
    fresh = set(keys)
    kept = tuple(key for key in taste.seen if key not in fresh)
    return replace(taste, seen=(kept + keys)[-SEEN_LIMIT:])
