"""The golden check: over every feed of tests/data/feeds (their parsed items) and a few hard cases, in both
languages, with and without a take, every angle: no lesson title, no frame in one language around a headline
in another without saying so, no "(s)", no markup, hashtags in the leader's language, every X draft within
280 with its link, every LinkedIn draft with its link."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.adapters.content_files import read_drafts, read_sectors
from bot.adapters.language import detect
from bot.core.news import Item, clip
from bot.core.posts import (
    LINKEDIN_LIMIT,
    SUMMARY_LIMIT,
    PostRequest,
    compose,
    first_sentence,
    has_markup,
    topics_for,
)
from bot.core.sharing import (
    BUTTON_URL_LIMIT,
    COPY_LIMIT,
    X_LIMIT,
    copy_text,
    linkedin_compose_url,
    x_weight,
)
from bot.core.suggest import Taste, rank
from tests.conftest import CONTENT_DIR, FEEDS, utc

FEED_DIR = Path(__file__).parent / "data" / "feeds"
TEMPLATES = read_drafts(CONTENT_DIR)
SECTORS = read_sectors(FEEDS)
KEYWORDS = tuple(dict.fromkeys(k for sector in SECTORS for k in sector.all_keywords()))
KEYWORDS_BY_LANGUAGE = {lang: tuple(k for s in SECTORS for k in s.keywords.get(lang, ())) for lang in ("en", "fr")}
TAKES = {"en": "Our plant did this in 2024: the first year was hard, the second paid for it.",
         "fr": "Notre usine l’a fait en 2024 : la première année a été dure, la deuxième l’a payée."}
NOW = utc(2026, 11, 23, 12)
HARD_CASES = [
    Item("Les Echos : la réindustrialisation ralentit-elle ?", "https://www.lesechos.fr/industrie/a?b=1&c=2",
         "Les Echos", "Selon l’Insee, les créations d’usines reculent. Les régions s’inquiètent.", language="fr"),
    Item("Supply chain AI: what CEOs get wrong", "https://www.ft.com/content/abc", "Financial Times",
         "Executives overestimate automation. A survey of 500 firms.", language="en"),
    Item("L’usine du futur selon Le Monde", "https://www.lemonde.fr/economie/x.html", "Le Monde",
         "", language="fr"),
    Item("Cybersecurity budgets " * 9, "https://example.com/" + "long-path/" * 30, "L'Usine Nouvelle",
         "A very long summary sentence that goes on " * 12 + ".", language="en"),
    Item("Les ETI & les « réseaux sociaux » : 3 leçons", "https://example.fr/eti", "Le Journal des Entreprises",
         "Les dirigeants d’ETI publient davantage.", language=None),
    Item("中国制造业回流", "https://example.cn/a", "新华社", "制造业回流。", language="zh"),
]


def golden_items() -> list[Item]:
    items = []
    for path in sorted(FEED_DIR.glob("*.expected.json")):
        for raw in json.loads(path.read_text(encoding="utf-8"))["items"]:
            items.append(Item(raw["title"], raw["link"], raw["source"], raw["summary"], NOW, raw["language"]))
    return items + [Item(i.title, i.link, i.source, i.summary, NOW, i.language) for i in HARD_CASES]


ITEMS = golden_items()
LESSON_TITLES = [
    re.search(r"^title:\s*[\"']?(.*?)[\"']?\s*$", path.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    for path in sorted((CONTENT_DIR / "lessons").glob("*/*.md"))
]


def topics_of(item: Item) -> tuple[str, ...]:
    found = rank([item], keywords=KEYWORDS, taste=Taste(), now=NOW, limit=1)
    return found[0].topics if found else ()


def cases():
    for item in ITEMS:
        for language in ("en", "fr"):
            for take in (None, TAKES[language]):
                yield item, language, take


@pytest.mark.parametrize(("item", "language", "take"), list(cases()),
                         ids=lambda value: value.link[-24:] if isinstance(value, Item) else str(value)[:8])
def test_every_post_of_the_golden_feeds_is_publishable(item, language, take):
    item_language = item.language or detect(f"{item.title}. {item.summary}")
    topics = topics_for(topics_of(item), KEYWORDS_BY_LANGUAGE[language])
    for variant in range(6):
        for shorter in (False, True):
            request = PostRequest(title=item.title, link=item.link, source=item.source, summary=item.summary,
                                  item_language=item_language, language=language, take=take, topics=topics,
                                  variant=variant, shorter=shorter)
            post = compose(request, TEMPLATES[language])
            # Links and limits.
            assert item.link in post.linkedin and post.x.endswith(item.link)
            assert x_weight(post.x) <= X_LIMIT, post.x
            assert len(post.linkedin) <= LINKEDIN_LIMIT or (take and post.linkedin.startswith(take))
            assert len(copy_text(post)) <= COPY_LIMIT and len(linkedin_compose_url(post.linkedin)) <= BUTTON_URL_LIMIT
            # The frame: what the templates added, without the article's own words.
            frame = post.linkedin
            sentence = clip(first_sentence(item.summary, item.title), SUMMARY_LIMIT)
            for own in (take, item.title, sentence, item.summary, item.link, item.source):
                frame = frame.replace(own, " ") if own else frame
            for lesson_title in LESSON_TITLES:
                assert lesson_title not in post.linkedin and lesson_title not in post.x
            assert "(s)" not in frame and "in the words of" not in frame and "dans les mots de" not in frame
            assert not has_markup(frame), post.linkedin
            assert not re.search(r"\b(?:de|du|dans) Les\b", frame), frame
            # The languages: said plainly when the article's differs; hashtags in the leader's language.
            other = item_language is not None and item_language != language
            name = TEMPLATES[language].languages.get(item_language or "", "")
            note = f" ({name})" if name else ""
            if other and note:  # once, in the post's own sentence
                assert post.linkedin.count(note) == 1 and post.x.count(note) == 1
            elif other:  # a language without a note: the frame says nothing false, and no hashtag
                assert not re.search(r"#\w", post.linkedin.replace(item.title, ""))
            quoted = post.linkedin.replace(item.title, "").replace(item.summary, "").replace(sentence, "")
            for tag in re.findall(r"(?<![\w<])#(\w+)", quoted):
                assert any(re.sub(r"\W", "", k).casefold() == tag.casefold() or
                           tag.casefold() == "".join(w[:1].upper() + w[1:] for w in re.split(r"[\W_]+", k)).casefold()
                           for k in KEYWORDS_BY_LANGUAGE[language]), (tag, language)
            if language == "fr":
                assert not re.search(r" [:;?!»]|« ", frame.replace(item.source, "")), frame
