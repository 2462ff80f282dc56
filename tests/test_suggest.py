"""The morning's suggestions: each promise of the ranking, at fixed instants."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.matching import (
    ACRONYM_LENGTH,
    INTEREST_IN_TITLE,
    KEYWORD_IN_TITLE,
    SUMMARY_SHARE,
    same_story,
    story_key,
    title_words,
    topic_key,
)
from bot.core.news import Item, fold, words
from bot.core.scoring import (
    FRESHNESS_WEIGHT,
    HALF_LIFE,
    LANGUAGE_BONUS,
    MATCHED_BONUS,
    RELEVANCE_CAP,
    SOURCE_FACTOR,
    TOPIC_FACTOR,
    WEIGHT_BOUND,
)
from bot.core.suggest import (
    SEEN_LIMIT,
    Suggestion,
    Taste,
    learn,
    prepare,
    rank,
    remember,
)
from tests.conftest import utc

NOW = utc(2026, 11, 23, 6, 0)
KEYWORDS = ("cybersécurité", "supply chain", "AI", "cloud", "HAS")
NO_TASTE = Taste()


def item(title: str, source: str = "Source A", *, hours: float = 1, summary: str = "",
         link: str | None = None, language: str | None = "en") -> Item:
    """An item published `hours` before NOW."""
    slug = "-".join(title.lower().split())[:60] or "untitled"
    return Item(
        title=title,
        link=link or f"https://{source.lower().replace(' ', '-')}.example.com/{slug}",
        source=source,
        summary=summary,
        published=NOW - timedelta(hours=hours),
        language=language,
    )


def titles(suggestions: list[Suggestion]) -> list[str]:
    return [s.item.title for s in suggestions]


def top(items: list[Item], *, taste: Taste = NO_TASTE, language: str | None = None, limit: int = 10,
        keywords: tuple[str, ...] = KEYWORDS) -> list[str]:
    return titles(rank(items, keywords=keywords, taste=taste, now=NOW, language=language, limit=limit))


# --- the window ---------------------------------------------------------------------------------------------


def test_only_items_of_the_window_are_suggested():
    items = [
        item("Cloud outage hits banks", hours=1),
        item("Cloud prices rise", source="Source B", hours=71),
        item("Cloud market three days ago", source="Source C", hours=73),
        replace(item("Cloud without a date", source="Source D"), published=None),
    ]
    assert top(items) == ["Cloud outage hits banks", "Cloud prices rise"]
    assert top(items[2:]) == []
    assert titles(rank(items, keywords=KEYWORDS, taste=NO_TASTE, now=NOW, window=timedelta(hours=74))) == [
        "Cloud outage hits banks", "Cloud prices rise", "Cloud market three days ago"]


def test_an_item_dated_in_the_future_counts_as_published_now():
    just_now = item("Cloud news just published", hours=0)
    future = item("Cloud news dated next week", source="Source B", hours=-24 * 7)
    older = item("Cloud news of an hour ago", source="Source C", hours=1)
    ranked = rank([just_now, future, older], keywords=KEYWORDS, taste=NO_TASTE, now=NOW)
    scores = {s.item.title: s.score for s in ranked}
    assert scores["Cloud news dated next week"] == pytest.approx(scores["Cloud news just published"])
    assert scores["Cloud news dated next week"] > scores["Cloud news of an hour ago"]
    # Not fresher than fresh: a date far ahead gives no more than a date a minute ahead.
    far = replace(future, published=NOW + timedelta(days=3650))
    soon = replace(future, published=NOW + timedelta(minutes=1))
    [far_score] = [s.score for s in rank([far], keywords=KEYWORDS, taste=NO_TASTE, now=NOW)]
    [soon_score] = [s.score for s in rank([soon], keywords=KEYWORDS, taste=NO_TASTE, now=NOW)]
    assert far_score == soon_score == pytest.approx(scores["Cloud news just published"])


# --- relevance ----------------------------------------------------------------------------------------------


def test_a_match_in_the_title_weighs_more_than_one_in_the_summary():
    in_summary = item("Quarterly results", summary="The group also spoke about its cloud offer.", hours=1)
    in_title = item("Cloud offer grows", source="Source B", hours=10)
    assert top([in_summary, in_title]) == ["Cloud offer grows", "Quarterly results"]


def test_the_leaders_interests_weigh_more_than_the_sector_keywords():
    taste = Taste(interests=("robotics",))
    keyword = item("Cloud spending slows", hours=1)
    interest = item("Robotics in small factories", source="Source B", hours=10)
    assert top([keyword, interest], taste=taste) == ["Robotics in small factories", "Cloud spending slows"]
    assert top([keyword, interest]) == ["Cloud spending slows", "Robotics in small factories"]


def test_matching_ignores_case_and_accents_but_respects_word_boundaries():
    matching = [
        item("CYBERSECURITE : les PME en première ligne", source="S1"),
        item("La cybersécurité des hôpitaux", source="S2"),
        item("Why the supply-chain crisis is not over", source="S3"),
        item("L'AI Act entre en vigueur", source="S4"),
    ]
    not_matching = [
        item("Cloudflare reports record quarter", source="S5"),  # cloud inside a word
        item("What the chairman said", source="S6"),  # "ai" inside words
        item("J'ai rencontré des dirigeants", source="S7"),  # French "ai" is not AI
        item("The company has a new plan", source="S8"),  # "has" is not HAS (Haute Autorité de santé)
        item("Supply and chain are two words here", source="S9"),
    ]
    suggestions = rank(matching + not_matching, keywords=KEYWORDS, taste=NO_TASTE, now=NOW, limit=20)
    topics = {s.item.title: s.topics for s in suggestions}
    assert topics["CYBERSECURITE : les PME en première ligne"] == ("cybersécurité",)
    assert topics["La cybersécurité des hôpitaux"] == ("cybersécurité",)
    assert topics["Why the supply-chain crisis is not over"] == ("supply chain",)
    assert topics["L'AI Act entre en vigueur"] == ("AI",)
    assert all(topics[i.title] == () for i in not_matching)
    has = rank([item("La HAS recommande un vaccin")], keywords=KEYWORDS, taste=NO_TASTE, now=NOW)
    assert has[0].topics == ("HAS",)


def test_topics_come_best_first():
    taste = Taste(interests=("robotics",))
    found = rank(
        [item("Cloud and AI", summary="Robotics and cybersecurité, supply chain too.")],
        keywords=KEYWORDS, taste=taste, now=NOW,
    )
    # Title matches first (keywords in the order given), then summary matches (interest before keywords).
    assert found[0].topics == ("AI", "cloud", "robotics", "cybersécurité", "supply chain")


def test_items_matching_nothing_come_below_every_matching_item():
    taste = Taste(sources={"Loved": WEIGHT_BOUND, "Disliked": -WEIGHT_BOUND}, topics={"cloud": -WEIGHT_BOUND})
    unmatched = item("Fresh news from a loved source in my language", source="Loved", hours=0, language="fr")
    matched = item("An old cloud story", source="Disliked", hours=71, summary="", language="fr")
    assert top([unmatched, matched], taste=taste, language="fr") == [matched.title, unmatched.title]
    assert top([unmatched]) == [unmatched.title]  # still suggested when nothing matches


def test_fresher_items_come_first_all_else_equal():
    items = [item("Cloud story one", source="S1", hours=30), item("Cloud story two", source="S2", hours=2),
             item("Cloud story three", source="S3", hours=12)]
    assert top(items) == ["Cloud story two", "Cloud story three", "Cloud story one"]


def test_learned_source_and_topic_weights_move_items():
    a, b = item("Cloud at A", source="Source A", hours=2), item("Cloud at B", source="Source B", hours=3)
    assert top([a, b]) == ["Cloud at A", "Cloud at B"]
    assert top([a, b], taste=Taste(sources={"Source B": 2.0})) == ["Cloud at B", "Cloud at A"]
    c, d = item("Cloud budgets", source="Source A", hours=2), item("AI budgets", source="Source B", hours=3)
    assert top([c, d]) == ["Cloud budgets", "AI budgets"]
    assert top([c, d], taste=Taste(topics={"ai": 2.0})) == ["AI budgets", "Cloud budgets"]
    assert top([c, d], taste=Taste(topics={"cloud": -2.0})) == ["AI budgets", "Cloud budgets"]


def test_the_leaders_language_comes_before_relevance():
    english = item("Cloud in English", source="S1", hours=2, language="en")
    french = item("Cloud en français", source="S2", hours=3, language="fr")
    assert top([english, french]) == ["Cloud in English", "Cloud en français"]
    assert top([english, french], language="fr") == ["Cloud en français", "Cloud in English"]
    more_relevant = item("Cloud and AI in English", source="S3", hours=3, language="en")
    assert top([more_relevant, french], language="fr") == ["Cloud en français", "Cloud and AI in English"]
    assert top([more_relevant, french]) == ["Cloud and AI in English", "Cloud en français"]  # no language: relevance


# --- what comes back ----------------------------------------------------------------------------------------


def test_nothing_already_seen_comes_back():
    items = [item("Cloud one", source="S1"), item("Cloud two", source="S2"), item("Cloud three", source="S3")]
    first = rank(items, keywords=KEYWORDS, taste=NO_TASTE, now=NOW, limit=2)
    taste = remember(NO_TASTE, first)
    second = rank(items, keywords=KEYWORDS, taste=taste, now=NOW, limit=2)
    assert titles(second) == ["Cloud three"]
    # The same story with tracking in its link is still the same story.
    tracked = replace(first[0].item, link=first[0].item.link + "?utm_source=newsletter#top")
    assert rank([tracked], keywords=KEYWORDS, taste=taste, now=NOW) == []


def test_the_same_link_from_several_feeds_is_one_suggestion_the_better_one():
    link = "https://example.com/story"
    copies = [
        item("Cloud deal", source="Aggregator", hours=30, link=link + "?utm_source=agg"),
        item("Cloud deal signed", source="Publisher", hours=1, link=link + "/"),
        item("Unrelated story", source="Other", hours=1),
    ]
    suggestions = rank(copies, keywords=KEYWORDS, taste=NO_TASTE, now=NOW)
    assert titles(suggestions) == ["Cloud deal signed", "Unrelated story"]
    assert suggestions[0].key == "https://example.com/story" == story_key(copies[0])


def test_near_identical_titles_are_one_story_the_better_scored_one():
    items = [
        item("Airbus raises its 2026 delivery target after strong supply chain recovery", source="AP"),
        item("Airbus raises 2026 delivery target after a strong supply-chain recovery", "AFP", hours=4),
        item("Boeing cuts its supply chain forecast", source="Bloomberg", hours=6),
    ]
    assert top(items) == [items[0].title, items[2].title]
    assert same_story(title_words(items[0].title), title_words(items[1].title))
    assert not same_story(title_words(items[0].title), title_words(items[2].title))
    assert not same_story(title_words(""), title_words(""))


def test_the_first_three_come_from_three_sources_when_there_are_enough():
    items = [item(f"Cloud story {n} from the big source", source="Big", hours=n) for n in range(1, 6)]
    items += [item("Cloud from the second source", source="Second", hours=20),
              item("Cloud from the third source", source="Third", hours=40)]
    suggestions = rank(items, keywords=KEYWORDS, taste=NO_TASTE, now=NOW, limit=3)
    assert [s.item.source for s in suggestions] == ["Big", "Second", "Third"]
    # With two sources only, the third place goes to the best remaining item.
    two_sources = rank(items[:6], keywords=KEYWORDS, taste=NO_TASTE, now=NOW, limit=3)
    assert [s.item.source for s in two_sources] == ["Big", "Second", "Big"]
    assert two_sources[2].item.title == "Cloud story 2 from the big source"


def test_diversity_never_brings_an_item_matching_nothing_above_a_matching_one():
    items = [item("Cloud first", "Big", hours=1), item("Cloud second", "Big", hours=2),
             item("Cloud third", "Big", hours=3), item("Gardening tips", "Other", hours=0)]
    assert top(items, limit=4) == ["Cloud first", "Cloud second", "Cloud third", "Gardening tips"]
    assert top(items, limit=3) == ["Cloud first", "Cloud second", "Cloud third"]


def test_limit_and_empty_inputs():
    items = [item(f"Cloud {n}", source=f"S{n}") for n in range(10)]
    assert len(rank(items, keywords=KEYWORDS, taste=NO_TASTE, now=NOW)) == 3
    assert rank(items, keywords=KEYWORDS, taste=NO_TASTE, now=NOW, limit=0) == []
    assert rank([], keywords=KEYWORDS, taste=NO_TASTE, now=NOW) == []
    assert len(rank(items, keywords=(), taste=NO_TASTE, now=NOW)) == 3


def test_ties_are_broken_by_story_not_by_input_order():
    items = [item(f"Same words {n}", source=f"S{n}", link=f"https://x.example/{n}") for n in range(8)]
    expected = top(items, limit=8)
    assert expected == [f"Same words {n}" for n in range(8)]  # equal scores: the smaller key first
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert top(shuffled, limit=8) == expected


# --- learning -----------------------------------------------------------------------------------------------


def test_posted_raises_and_irrelevant_lowers_the_source_and_topics_within_bounds():
    [suggestion] = rank([item("Cloud and AI")], keywords=KEYWORDS, taste=NO_TASTE, now=NOW)
    posted = learn(NO_TASTE, suggestion, "posted")
    assert posted.sources["Source A"] > 0 and posted.topics["cloud"] > 0 and posted.topics["ai"] > 0
    assert NO_TASTE.sources == {} and NO_TASTE.topics == {}  # the taste given is not changed
    taste = NO_TASTE
    for _ in range(10):
        taste = learn(taste, suggestion, "irrelevant")
    assert taste.sources["Source A"] == -WEIGHT_BOUND and taste.topics["ai"] == -WEIGHT_BOUND
    for _ in range(10):
        taste = learn(taste, suggestion, "posted")
    assert taste.sources["Source A"] == WEIGHT_BOUND
    with pytest.raises(ValueError):
        learn(taste, suggestion, "maybe")


def test_what_the_leader_teaches_changes_the_next_ranking():
    a, b = item("Cloud at A", source="Source A", hours=2), item("Cloud at B", source="Source B", hours=3)
    first = rank([a, b], keywords=KEYWORDS, taste=NO_TASTE, now=NOW, limit=1)[0]
    assert first.item is a
    taste = learn(NO_TASTE, first, "irrelevant")
    assert top([a, b], taste=taste) == ["Cloud at B", "Cloud at A"]


def test_remember_keeps_the_newest_keys_once():
    suggestions = rank([item(f"Cloud {n}", source=f"S{n}") for n in range(3)], keywords=KEYWORDS,
                       taste=NO_TASTE, now=NOW)
    taste = remember(Taste(seen=("old", suggestions[0].key)), suggestions)
    assert taste.seen == ("old",) + tuple(s.key for s in suggestions)
    full = remember(Taste(seen=tuple(f"k{n}" for n in range(SEEN_LIMIT))), suggestions)
    assert len(full.seen) == SEEN_LIMIT
    assert full.seen[-3:] == tuple(s.key for s in suggestions) and "k0" not in full.seen


# --- properties ---------------------------------------------------------------------------------------------

_WORDS = ["cloud", "AI", "cybersécurité", "supply", "chain", "market", "plan", "the", "new", "usine", "prix"]
_items = st.builds(
    lambda words, source, path, tracking, hours, summary, language: Item(
        title=" ".join(words),
        link=f"https://{source.lower()}.example.com/{path}{tracking}",
        source=source,
        summary=" ".join(summary),
        published=None if hours is None else NOW - timedelta(hours=hours),
        language=language,
    ),
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6),
    st.sampled_from(["A", "B", "C", "D"]),
    st.sampled_from(["x", "y", "z", "w", "v"]),
    st.sampled_from(["", "?utm_source=rss", "/", "#frag"]),
    st.one_of(st.none(), st.floats(min_value=-48, max_value=100)),
    st.lists(st.sampled_from(_WORDS), max_size=8),
    st.sampled_from(["en", "fr", None]),
)
_tastes = st.builds(
    Taste,
    interests=st.lists(st.sampled_from(["market", "usine", "AI"]), max_size=2).map(tuple),
    sources=st.dictionaries(st.sampled_from(["A", "B", "C"]), st.floats(-3, 3)),
    topics=st.dictionaries(st.sampled_from(["cloud", "ai", "market"]), st.floats(-3, 3)),
    seen=st.lists(st.sampled_from([f"https://{s}.example.com/{p}" for s in "abcd" for p in "xyzwv"]))
    .map(tuple),
)


@settings(max_examples=300)
@given(st.lists(_items, max_size=25), _tastes, st.integers(min_value=0, max_value=6), st.randoms())
def test_rank_properties(items, taste, limit, rng):
    suggestions = rank(items, keywords=KEYWORDS, taste=taste, now=NOW, language="fr", limit=limit)
    keys = [s.key for s in suggestions]
    assert len(suggestions) <= limit
    assert len(keys) == len(set(keys))
    assert not set(keys) & set(taste.seen)
    assert all(s.item in items and s.key == story_key(s.item) for s in suggestions)
    shuffled = items[:]
    rng.shuffle(shuffled)
    assert rank(shuffled, keywords=KEYWORDS, taste=taste, now=NOW, language="fr", limit=limit) == suggestions


# --- the same suggestions, however they are computed --------------------------------------------------------


def test_a_pool_prepared_once_gives_each_leader_the_same_suggestions_as_the_items():
    items = [item("Cloud outage hits banks", "S1", hours=3), item("AI in factories", "S2", hours=10),
             item("Usine du futur", "S3", hours=1, language="fr"), item("Old cloud news", "S4", hours=80)]
    pool = prepare(items, keywords=KEYWORDS, now=NOW)
    tastes = [NO_TASTE, Taste(interests=("usine",)),
              Taste(sources={"S1": -WEIGHT_BOUND}, seen=(story_key(items[1]),))]
    rankings = [rank(pool, keywords=KEYWORDS, taste=taste, now=NOW, language="fr") for taste in tastes]
    assert rankings == [rank(items, keywords=KEYWORDS, taste=taste, now=NOW, language="fr")
                        for taste in tastes]
    assert [titles(ranking) for ranking in rankings] == [
        ["Usine du futur", "Cloud outage hits banks", "AI in factories"],  # French first; English fills
        ["Usine du futur", "Cloud outage hits banks", "AI in factories"],
        ["Usine du futur", "Cloud outage hits banks"],
    ]
    assert len(pool.stories) == 3  # the old item is left out once for all


def test_a_pool_is_ranked_for_its_keywords_and_window_from_the_time_it_was_prepared():
    items = [item("Cloud outage hits banks", hours=1), item("Cloud prices rise", source="Source B", hours=50)]
    pool = prepare(items, keywords=KEYWORDS, now=NOW)
    with pytest.raises(ValueError):
        rank(pool, keywords=("cloud",), taste=NO_TASTE, now=NOW)
    with pytest.raises(ValueError):
        rank(pool, keywords=KEYWORDS, taste=NO_TASTE, now=NOW, window=timedelta(hours=24))
    with pytest.raises(ValueError):
        rank(pool, keywords=KEYWORDS, taste=NO_TASTE, now=NOW - timedelta(minutes=1))
    assert len(rank(pool, keywords=list(KEYWORDS), taste=NO_TASTE, now=NOW)) == 2
    # Later in the morning, the same suggestions as from the items then: one has left the window.
    later = NOW + timedelta(hours=23)
    from_pool = rank(pool, keywords=KEYWORDS, taste=NO_TASTE, now=later)
    assert from_pool == rank(items, keywords=KEYWORDS, taste=NO_TASTE, now=later)
    assert titles(from_pool) == ["Cloud outage hits banks"]


def test_a_story_from_several_feeds_competes_with_its_best_copy_whichever_comes_first():
    taste = Taste(interests=("robots",))
    link = "https://example.com/robots"
    stale = item("Factories of tomorrow", source="Aggregator", hours=70, summary="Robots everywhere.",
                 link=link + "?utm_source=agg")
    fresh = item("Robots in factories", source="Publisher", hours=0, link=link)
    other = item("Robots at sea", source="Other", hours=30)
    for items in ([stale, fresh, other], [fresh, stale, other], [other, stale, fresh]):
        pool = prepare(items, keywords=KEYWORDS, now=NOW)
        [best] = rank(pool, keywords=KEYWORDS, taste=taste, now=NOW, limit=1)
        assert best.item == fresh


class _Scored(NamedTuple):
    """An item as the plain computation scores it."""

    score: float
    key: str
    item: Item
    topics: tuple[str, ...]
    title_words: frozenset[str]


def reference_rank(items: list[Item], *, keywords: tuple[str, ...], taste: Taste, now: datetime,
                   language: str | None, window: timedelta, limit: int) -> list[Suggestion]:
    """The ranking computed the plain way: every phrase looked for in every item, every item scored, all
    sorted, then the few chosen."""
    phrases: dict[str, tuple[str, list[str], float]] = {}  # folded words -> text, words, weight
    for texts, weight in ((taste.interests, INTEREST_IN_TITLE), (keywords, KEYWORD_IN_TITLE)):
        for text in texts:
            found = words(text)
            if found and " ".join(found).casefold() not in phrases:
                phrases[" ".join(found).casefold()] = (" ".join(text.split()), found, weight)

    def occurs(found: list[str], folded: str, text: tuple[list[str], str]) -> bool:
        text_words, text_folded = text
        if len(found) == 1 and 1 < len(found[0]) <= ACRONYM_LENGTH and found[0].isupper():
            return found[0] in text_words
        return f" {folded} " in f" {text_folded} "

    best: dict[str, _Scored] = {}
    best_own: dict[str, _Scored] = {}
    for candidate in items:
        key = story_key(candidate)
        if candidate.published is None or candidate.published < now - window or key in taste.seen:
            continue
        title = (words(candidate.title), fold(candidate.title))
        summary = (words(candidate.summary), fold(candidate.summary))
        matches = []
        for order, (folded, (text, found, weight)) in enumerate(phrases.items()):
            if occurs(found, folded, title):
                matches.append((-weight, order, text))
            elif occurs(found, folded, summary):
                matches.append((-weight * SUMMARY_SHARE, order, text))
        matches.sort()
        score = FRESHNESS_WEIGHT * 0.5 ** max((now - candidate.published) / HALF_LIFE, 0.0)
        if matches:
            learned = sum(taste.topics.get(topic_key(text), 0.0) for _, _, text in matches)
            score += (MATCHED_BONUS + min(-sum(weight for weight, _, _ in matches), RELEVANCE_CAP)
                      + TOPIC_FACTOR * max(-WEIGHT_BOUND, min(WEIGHT_BOUND, learned)))
        if candidate.source in taste.sources:
            score += SOURCE_FACTOR * max(-WEIGHT_BOUND, min(WEIGHT_BOUND, taste.sources[candidate.source]))
        if language is not None and candidate.language == language:
            score += LANGUAGE_BONUS
        topics = tuple(text for _, _, text in matches)
        scored = _Scored(score, key, candidate, topics, title_words(candidate.title))
        tables = [best]
        if language is not None and candidate.language in (None, language):
            tables.append(best_own)  # the story's items in the leader's language, apart
        for table in tables:
            current = table.get(key)
            if current is None or score > current.score or (
                    score == current.score and _fields_order(candidate) < _fields_order(current.item)):
                table[key] = scored

    def ordered(table: dict[str, _Scored], keys) -> list[_Scored]:
        return sorted((table[key] for key in keys), key=lambda scored: (-scored.score, scored.key))

    if language is None:
        chosen = _plain_select(ordered(best, best))[:max(limit, 0)]
    else:  # the leader's language before variety: a story told in it is theirs, told from those items
        own = _plain_select(ordered(best_own, best_own))[:max(limit, 0)]
        room = max(limit, 0) - len(own)
        if len(own) >= 3:  # another language fills, one in five at most past three
            room = min(room, max(limit, 0) // 5)
        foreign = ordered(best, [key for key in best if key not in best_own])
        chosen = own + _plain_select(foreign, own)[:max(room, 0)]
    return [Suggestion(s.item, s.score, s.key, s.topics) for s in chosen]


def _plain_select(ordered: list[_Scored], before: list[_Scored] | None = None) -> list[_Scored]:
    """One per story, sources varied within each tier; chosen in order and never taken back, so the first
    `limit` are those chosen before there were enough."""
    chosen: list[_Scored] = []
    earlier = list(before or [])
    sources: set[str] = set()
    for tier in ([s for s in ordered if s.topics], [s for s in ordered if not s.topics]):
        postponed = []
        for scored in tier:
            if any(same_story(scored.title_words, c.title_words) for c in earlier + chosen):
                continue
            if scored.item.source in sources:
                postponed.append(scored)
            else:
                chosen.append(scored)
                sources.add(scored.item.source)
        for scored in postponed:
            if not any(same_story(scored.title_words, c.title_words) for c in earlier + chosen):
                chosen.append(scored)
    return chosen


def _fields_order(candidate: Item) -> tuple[str, ...]:
    """Copies of a story with equal scores: the one with the smaller fields first."""
    published = candidate.published.isoformat() if candidate.published else ""
    return (candidate.source, candidate.title, candidate.link, candidate.summary, published,
            candidate.language or "", candidate.feed_url)


# Words that make ties, near-identical titles, acronyms and their look-alikes, accents, phrases of two words.
_TIE_WORDS = ["Cloud", "cloud", "AI", "ai", "j'ai", "HAS", "has", "cybersécurité", "CYBERSECURITE", "supply",
              "chain", "supply-chain", "market", "usine", "Usine", "prix", "the", "new", "robots"]
_tie_items = st.builds(
    lambda title, summary, source, path, tracking, hours, language: Item(
        title=" ".join(title),
        link=f"https://{source.lower()}.example.com/{path}{tracking}",
        source=source,
        summary=" ".join(summary),
        published=None if hours is None else NOW - timedelta(hours=hours),
        language=language,
    ),
    st.lists(st.sampled_from(_TIE_WORDS), min_size=1, max_size=5),
    st.lists(st.sampled_from(_TIE_WORDS), max_size=6),
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from(["x", "y", "z", "w"]),
    st.sampled_from(["", "?utm_source=rss", "/"]),
    st.one_of(st.none(), st.sampled_from([-5.0, 0.0, 1.0, 1.0, 24.0, 71.9, 72.0, 73.0]),
              st.floats(min_value=-48, max_value=100)),
    st.sampled_from(["en", "fr", None]),
)
_weights = st.one_of(st.sampled_from([0.0, 1.0, -1.0, WEIGHT_BOUND, -WEIGHT_BOUND]), st.floats(-4, 4),
                     st.floats(allow_nan=True, allow_infinity=True))
_varied_tastes = st.builds(
    Taste,
    interests=st.lists(st.sampled_from(["ai", "AI", "Cloud", "usine", "cybersecurite", "supply chain",
                                        "supply", "robots", "has", "!!", "market"]), max_size=3).map(tuple),
    sources=st.dictionaries(st.sampled_from(["A", "B", "C"]), _weights),
    topics=st.dictionaries(st.sampled_from(["ai", "cloud", "usine", "cybersécurité", "supply chain", "robots",
                                            "market", "has"]), _weights),
    seen=st.lists(st.sampled_from([f"https://{source}.example.com/{path}"
                                   for source in "abc" for path in "xyzw"])).map(tuple),
)


@settings(max_examples=400)
@given(st.lists(_tie_items, max_size=30), st.lists(_varied_tastes, min_size=1, max_size=4),
       st.sampled_from([KEYWORDS, ("cloud", "Cloud", "market"), ()]), st.sampled_from(["fr", "en", None]),
       st.sampled_from([timedelta(hours=72), timedelta(hours=24)]), st.integers(min_value=0, max_value=6),
       st.sampled_from([timedelta(0), timedelta(minutes=1), timedelta(hours=3), timedelta(hours=30)]))
def test_rank_gives_what_the_plain_computation_gives(items, tastes, keywords, language, window, limit, later):
    pool = prepare(items, keywords=keywords, now=NOW, window=window)
    for taste in tastes:
        expected = reference_rank(items, keywords=keywords, taste=taste, now=NOW + later, language=language,
                                  window=window, limit=limit)
        arguments = {"keywords": keywords, "taste": taste, "now": NOW + later, "language": language,
                     "window": window, "limit": limit}
        assert rank(items, **arguments) == expected
        assert rank(pool, **arguments) == expected  # prepared at NOW, ranked then or later


def test_rank_gives_what_the_plain_computation_gives_among_many_items():
    rng = random.Random(20261123)
    vocabulary = _TIE_WORDS + ["plan", "équipes", "clients", "banque", "énergie", "prix", "usine"]
    items = [
        Item(title=" ".join(rng.choices(vocabulary, k=rng.randint(3, 8))),
             link=f"https://news.example.com/story-{n % 450}?utm_source=rss",  # 50 stories told twice
             source=f"Source {n % 7}", summary=" ".join(rng.choices(vocabulary, k=rng.randint(0, 12))),
             published=NOW - timedelta(hours=rng.choice([1, 2, 5, rng.uniform(-2, 80)])),
             language=rng.choice(["en", "fr"]))
        for n in range(500)
    ]
    pool = prepare(items, keywords=KEYWORDS, now=NOW)
    for _ in range(40):
        taste = Taste(
            interests=tuple(rng.sample(["ai", "AI", "usine", "robots", "market", "supply chain", "banque"],
                                       rng.randint(0, 2))),
            sources={f"Source {n}": rng.choice([-WEIGHT_BOUND, WEIGHT_BOUND, rng.uniform(-3, 3)])
                     for n in rng.sample(range(7), rng.randint(0, 7))},
            topics={topic: rng.uniform(-3, 3) for topic in rng.sample(["ai", "cloud", "has", "usine"], 2)},
            seen=tuple(story_key(i) for i in rng.sample(items, rng.randint(0, 100))),
        )
        language, limit = rng.choice(["en", "fr", None]), rng.randint(1, 8)
        now = NOW + timedelta(minutes=rng.choice([0, 0, 5, rng.randint(0, 600)]))
        expected = reference_rank(items, keywords=KEYWORDS, taste=taste, now=now, language=language,
                                  window=timedelta(hours=72), limit=limit)
        assert rank(pool, keywords=KEYWORDS, taste=taste, now=now, language=language, limit=limit) == expected
