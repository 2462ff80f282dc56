"""The leader's language before variety: with three or more items in the leader's language, none in another
language among the first three and at most one in five; another language only fills, sources varied within a
language."""

from __future__ import annotations

from datetime import timedelta

from bot.core.model import Taste
from bot.core.news import Item
from bot.core.suggest import rank
from tests.conftest import utc

NOW = utc(2026, 11, 23, 6, 0)
KEYWORDS = ("cloud", "AI", "usine", "énergie")


def item(title: str, source: str, language: str, hours: float = 1.0) -> Item:
    slug = title.lower().replace(" ", "-")
    return Item(title, f"https://{source.lower().replace(' ', '')}.example.com/{slug}", source, "",
                NOW - timedelta(hours=hours), language)


# The English items are fresher and match more: relevance alone put two of them in the first three.
ENGLISH = [item(f"Cloud and AI story {n}", f"Wire {n}", "en", hours=0.5) for n in range(4)]
FRENCH = [item("Usine et énergie à Lyon", "Les Echos", "fr", 5), item("Une usine rouvre", "Les Echos", "fr", 6),
          item("L’énergie des usines", "Usine Demain", "fr", 7), item("Cloud souverain", "Le Monde", "fr", 8)]


def languages(found) -> list[str]:
    return [s.item.language for s in found]


def test_no_foreign_item_in_the_first_three_when_three_are_in_the_leaders_language():
    found = rank(ENGLISH + FRENCH, keywords=KEYWORDS, taste=Taste(), now=NOW, language="fr", limit=3)
    assert languages(found) == ["fr", "fr", "fr"]
    # Variety of sources applies within the language: Les Echos' second story waits for the other sources.
    assert [s.item.source for s in found] == ["Les Echos", "Usine Demain", "Le Monde"]


def test_at_most_one_in_five_in_another_language_and_only_to_fill():
    five = rank(ENGLISH + FRENCH, keywords=KEYWORDS, taste=Taste(), now=NOW, language="fr", limit=5)
    assert languages(five) == ["fr", "fr", "fr", "fr", "en"]
    few = rank(ENGLISH + FRENCH[:1], keywords=KEYWORDS, taste=Taste(), now=NOW, language="fr", limit=3)
    assert languages(few) == ["fr", "en", "en"]  # too few in French: English fills, after
    english_leader = rank(ENGLISH + FRENCH, keywords=KEYWORDS, taste=Taste(), now=NOW, language="en", limit=3)
    assert languages(english_leader) == ["en", "en", "en"]


def test_a_story_told_in_both_languages_is_offered_in_the_leaders():
    link = "https://wire.example.com/story?id=7"
    english = Item("Cloud and AI reshape factories", link, "Wire", "", NOW - timedelta(minutes=10), "en")
    french = Item("Le cloud et l’IA dans l’usine", link + "&utm_source=rss", "Le Fil", "", NOW - timedelta(hours=9),
                  "fr")
    found = rank([english, french], keywords=KEYWORDS, taste=Taste(), now=NOW, language="fr", limit=3)
    assert [s.item.title for s in found] == ["Le cloud et l’IA dans l’usine"]  # once, in French


def test_a_leader_whose_language_is_rare_gets_it_first_then_the_rest():
    # 300 English stories and one French: the French one first, English fills.
    many = [item(f"Cloud and AI story number {n}", f"Wire {n % 20}", "en", hours=1 + n / 10) for n in range(300)]
    found = rank([*many, FRENCH[0]], keywords=KEYWORDS, taste=Taste(), now=NOW, language="fr", limit=3)
    assert languages(found) == ["fr", "en", "en"]
