"""The text side of ranking: what tells one story from another, and which keywords and interests an item matches.

A story is known by its normalised link (`story_key`); two titles tell the same story when nearly all their
meaningful words are shared (`title_words`, `same_story`). An item's title and summary are folded for matching
once (`item_profile`, a bounded cache); keywords and interests become phrases (`keyword_phrases`,
`interest_phrases`), matched on word boundaries, acronyms in capitals only; `find_matches` gives the phrases an
item matches with the weight of each match, best first. What the matches add to a score is `bot.core.suggest`'s
business.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.core.news import Item, fold, normalise_url, words

# The weight of a match: in the title, fully; in the summary, only a share. The leader's interests weigh more
# than the sector's keywords.
INTEREST_IN_TITLE = 3.0
KEYWORD_IN_TITLE = 2.0
SUMMARY_SHARE = 0.5
# Two titles tell the same story when this share of their meaningful words is common to both.
SAME_STORY_SIMILARITY = 0.85
# A keyword of one word written in capitals, up to this length, is an acronym: matched in capitals only.
ACRONYM_LENGTH = 5
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
class Words:
    """A text folded for matching: its words, those written in capitals (acronyms), and the words padded."""

    words: frozenset[str]
    capitals: frozenset[str]
    padded: str  # " word word word ", for phrases of several words


@dataclass(frozen=True, slots=True, eq=False)  # one per item, from the cache: compared and hashed by identity
class Profile:
    """An item's story key, its folded title and summary, all their words, and the meaningful words of its
    title."""

    key: str
    title: Words
    summary: Words
    words: frozenset[str]
    title_words: frozenset[str]


def _words(text: str) -> Words:
    found = words(text)
    folded = " ".join(found).casefold()
    interned = frozenset(map(sys.intern, folded.split()))  # each word held once, however many items use it
    return Words(interned, frozenset(filter(str.isupper, found)), f" {folded} ")


@lru_cache(maxsize=PROFILE_CACHE_SIZE)
def item_profile(link: str, title: str, summary: str) -> Profile:
    """What matching needs of an item, computed once: it depends on its link, title and summary only."""
    title_folded, summary_folded = _words(title), _words(summary)
    every_word = title_folded.words | summary_folded.words
    meaningful = title_folded.words - STOP_WORDS
    return Profile(normalise_url(link), title_folded, summary_folded, every_word, meaningful)


# --- keywords and interests ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phrase:
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

    def found_in(self, text: Words) -> bool:
        """Whether this phrase occurs, on word boundaries, in a folded text."""
        if self.acronym is not None:
            return self.acronym in text.capitals
        return self.first in text.words and (not self.several_words or self.padded in text.padded)


@dataclass(frozen=True, eq=False)  # one per list of keywords, from the cache: compared and hashed by identity
class Phrases:
    """Phrases, each once, in order and by their first folded word."""

    all: tuple[Phrase, ...]
    by_first: dict[str, list[Phrase]]
    firsts: frozenset[str]
    folded: frozenset[str]


def _phrases(texts: Sequence[str], weight: float, first_order: int) -> Phrases:
    """The phrases of these texts, each once (the first of those with the same folded words), numbered from
    `first_order`."""
    phrases: dict[str, Phrase] = {}
    for text in texts:
        found = words(text)
        folded = " ".join(found).casefold()
        if not found or folded in phrases:
            continue
        is_acronym = len(found) == 1 and 1 < len(found[0]) <= ACRONYM_LENGTH and found[0].isupper()
        spaced = " ".join(text.split())
        phrases[folded] = Phrase(
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
    by_first: dict[str, list[Phrase]] = {}
    for phrase in phrases.values():
        by_first.setdefault(phrase.first, []).append(phrase)
    return Phrases(tuple(phrases.values()), by_first, frozenset(by_first), frozenset(phrases))


@lru_cache(maxsize=KEYWORD_LISTS_KEPT)
def keyword_phrases(keywords: tuple[str, ...]) -> Phrases:
    """A sector's keywords as phrases, numbered from 0."""
    return _phrases(keywords, KEYWORD_IN_TITLE, 0)


def interest_phrases(interests: Sequence[str]) -> Phrases:
    """A leader's interests as phrases, numbered below 0 so that they come before every keyword."""
    return _phrases(interests, INTEREST_IN_TITLE, -len(interests))


# A match: minus its weight, the phrase's order, the phrase; so that matches sort best first.
Match = tuple[float, int, Phrase]


def find_matches(phrases: Phrases, profile: Profile) -> list[Match]:
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
