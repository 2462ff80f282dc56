"""Draft posts: they fit on X, say nothing the article does not, change wording daily; share links work."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.content_files import read_drafts
from bot.core.matching import story_key
from bot.core.news import Item
from bot.core.posts import (
    FIELDS,
    MAX_HASHTAGS,
    DraftTemplates,
    Post,
    PostRequest,
    compose,
    first_sentence,
    hashtags,
    topics_for,
)
from bot.core.sharing import X_LIMIT, fits_x, linkedin_compose_url, x_post_url, x_weight
from bot.core.suggest import Suggestion
from tests.conftest import CONTENT_DIR, utc

MONDAY = date(2026, 11, 23)
THEMES = {"en": "Listening to your ecosystem", "fr": "Écouter votre écosystème"}
NO_BREAK_SPACES = "\u00a0\u202f"


def draft(suggestion: Suggestion, *, templates: DraftTemplates, day: date, theme: str | None = None) -> str:
    """The morning's X draft for a suggestion, without its link, as the suggestions feature composes it (the
    course's theme is offered and must never show)."""
    item = suggestion.item
    same_language = item.language in (None, templates.language)
    request = PostRequest(title=item.title, link=item.link, source=item.source, summary=item.summary,
                          item_language=item.language, language=templates.language,
                          topics=suggestion.topics if same_language else (), variant=day.toordinal())
    return compose(request, templates).x_body


def summary_sentence(item: Item) -> str:
    return first_sentence(item.summary, item.title)


def raw_templates(language: str) -> dict:
    return yaml.safe_load((CONTENT_DIR / "drafts" / f"{language}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["en", "fr"])
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def templates(language) -> DraftTemplates:
    return read_drafts(CONTENT_DIR)[language]


def suggestion(title: str, summary: str = "", *, source: str = "The Source", topics: tuple[str, ...] = ()
               ) -> Suggestion:
    link = f"https://example.com/news/2026/11/{len(title)}-{len(summary)}?utm_source=rss"
    item = Item(title=title, link=link, source=source, summary=summary, published=utc(2026, 11, 23, 5),
                language="en")
    return Suggestion(item=item, score=10.0, key=story_key(item), topics=topics)


SAMPLES = [
    suggestion("Airbus raises its delivery target", "Airbus expects more deliveries. Its suppliers are late.",
               topics=("supply chain", "aerospace")),
    suggestion("Supply chain: " + "a very long title that keeps going and going " * 5,
               "A first sentence that is also rather long, " * 8 + "and ends here. Second sentence.",
               source="Les Echos Industrie & Services",
               topics=("supply chain", "chaîne d'approvisionnement")),
    suggestion('"We will not cut jobs", says the CEO of a \'family\' firm',
               'He said: "not this year". Then left.', topics=("industry 4.0",)),
    suggestion("🚀 Start-up raises €20m 🎉 for AI 🤖 chips",
               "The round was led by a French fund 💶. More soon.",
               source="TechCrunch 🔥", topics=("AI", "start-up", "funding round")),
    suggestion("Cybersécurité : les hôpitaux français face aux rançongiciels",
               "M. Dupont, directeur à l'ARS, détaille les mesures. Les établissements s'équipent.",
               source="Le Monde Économie", topics=("cybersécurité", "santé publique", "hôpital")),
    suggestion("Energy prices fall for the third month", "", topics=("energy prices",)),
    suggestion("An article with a summary that only repeats its title",
               "An article with a summary that only repeats its title.", topics=()),
    suggestion("Amazon.com and Node.js: what the U.S. rules mean",
               "The U.S. rules take effect in May. Firms wait.", source="Ars Technica",
               topics=("tech regulation",)),
    suggestion("中国制造业回流欧洲的趋势 " * 8, "制造业回流。" * 30, source="新华社", topics=("制造业",)),
    suggestion("Supercalifragilisticexpialidocious " * 6, "Word " * 120, topics=("a" * 40, "ok")),
]


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.casefold()))


def all_drafts(templates: DraftTemplates, language: str, days: int = 12):
    for sample in SAMPLES:
        for theme in (None, THEMES[language]):
            for offset in range(days):
                day = MONDAY + timedelta(offset)
                yield sample, theme, draft(sample, templates=templates, day=day, theme=theme)


# --- the templates ------------------------------------------------------------------------------------------


def test_the_templates_have_every_part_and_only_known_placeholders(language):
    data = raw_templates(language)
    assert set(data) == {*DraftTemplates.ANGLES, "language_notes", "languages"}
    for angle in DraftTemplates.ANGLES:
        assert len(data[angle]) >= 2
        for template in data[angle]:
            names = set(re.findall(r"{(\w+)}", template))
            assert names <= set(FIELDS), template
            assert "<" not in template and "&" not in template, template  # plain text, not HTML
            assert not re.search("[\U0001f000-\U0001ffff\u2600-\u27bf]", template), template  # no emoji
            if angle not in DraftTemplates.QUESTIONS:
                assert {"title", "note"} <= names and "{source}{note}" in template, template
                assert ("link" in names) == angle.endswith("linkedin"), template
                assert ("take" in names) == angle.startswith("take_"), template


def test_the_french_templates_have_french_typography():
    data = raw_templates("fr")
    every = [template for angle in DraftTemplates.ANGLES for template in data[angle]]
    for template in every:
        assert not re.search(r" [:;?!»]", template), template  # a plain space before high punctuation
        assert not re.search(r"« ", template), template
        for match in re.finditer(r"[:;?!]", template):
            assert template[match.start() - 1] in NO_BREAK_SPACES, template
        assert "'" not in template, template  # typographic apostrophes
        assert not re.search(r"\b(?:de|du|dans|des)\s+{source}", template), template  # « de Les Echos »


# --- the drafts of release 0.1.0's call (`draft`: the X text without its link) ----------------------------


def test_every_draft_fits_on_x_with_its_link_and_at_most_two_whole_hashtags(templates, language):
    for sample, _, text in all_drafts(templates, language):
        assert fits_x(text, sample.item.link), text
        assert x_weight(f"{text} {sample.item.link}") <= X_LIMIT
        tags = re.findall(r"#\S+", text)
        assert len(tags) <= MAX_HASHTAGS, text
        assert set(tags) <= set(hashtags(sample.topics)), text  # never a hashtag cut in half
        assert "{" not in text and "}" not in text and text == text.strip(), text
        assert "\n\n\n" not in text and "  " not in text, text


def test_no_draft_names_the_course_theme(templates, language):
    for _, _theme, text in all_drafts(templates, language):
        assert THEMES[language] not in text and "“" + THEMES[language] not in text


def test_an_english_article_is_said_to_be_in_english_in_a_french_draft():
    french = read_drafts(CONTENT_DIR)["fr"]
    for _sample, _, text in all_drafts(french, "fr", days=3):
        assert "(en anglais)" in text, text
        assert not re.search(r"#\S+", text), text  # the topics are English words: no hashtag


def test_no_word_of_a_draft_comes_from_nowhere(templates, language):
    data = raw_templates(language)
    fixed = " ".join(t for angle in DraftTemplates.ANGLES for t in data[angle])
    fixed += " " + " ".join(data["language_notes"].values())
    for sample, _, text in all_drafts(templates, language):
        item = sample.item
        allowed = words_of(re.sub(r"{\w+}", " ", fixed)) | words_of(item.title) | words_of(item.summary)
        allowed |= words_of(item.source) | words_of(" ".join(hashtags(sample.topics)))
        assert words_of(text) <= allowed, (words_of(text) - allowed, text)


def test_the_wording_changes_from_one_day_to_the_next_and_not_within_a_day(templates, language):
    for sample in SAMPLES:
        days = [MONDAY + timedelta(n) for n in range(10)]
        drafts = [draft(sample, templates=templates, day=day) for day in days]
        assert len(set(drafts)) >= 2
        for today, tomorrow in zip(drafts, drafts[1:], strict=False):
            assert today != tomorrow or "…" in today
        assert draft(sample, templates=templates, day=MONDAY) == drafts[0]


def test_a_short_item_is_drafted_whole(templates, language):
    sample = SAMPLES[0]
    for offset in range(10):
        text = draft(sample, templates=templates, day=MONDAY + timedelta(offset))
        assert sample.item.title in text


def test_a_long_item_is_shortened_on_word_boundaries(templates, language):
    sample = SAMPLES[1]
    cut = 0
    for offset in range(10):
        text = draft(sample, templates=templates, day=MONDAY + timedelta(offset), theme=THEMES[language])
        assert "…" in text or sample.item.title.strip() in text
        cut += "…" in text
        whole_words = set(sample.item.title.split()) | set(sample.item.summary.replace(",", "").split())
        for word in re.findall(r"\w+(?=…)", text):
            assert word in whole_words, text
    assert cut  # the templates that also name the source must cut the title


def test_the_summary_sentence_is_the_first_sentence_word_for_word():
    assert summary_sentence(SAMPLES[0].item) == "Airbus expects more deliveries."
    assert summary_sentence(SAMPLES[4].item).startswith("M. Dupont, directeur à l'ARS, détaille les mesures.")
    assert summary_sentence(SAMPLES[7].item) == "The U.S. rules take effect in May."
    assert summary_sentence(SAMPLES[5].item) == ""  # no summary
    assert summary_sentence(SAMPLES[6].item) == ""  # it only repeats the title
    assert summary_sentence(suggestion("Title", "No full stop at all").item) == "No full stop at all"
    assert summary_sentence(suggestion("Title", "Really? Yes.").item) == "Really?"


# --- X, LinkedIn and hashtags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("", 0),
        ("hello", 5),
        ("café à l’été “quoted” – dash", 28),
        ("\u00a0", 1),
        ("…", 2),
        ("中国", 4),
        ("🚀", 2),
        ("see https://example.com/a/very/long/path/that/is/longer/than/twenty-three", 4 + 23),
        ("two https://a.co and http://b.example/x.", 4 + 23 + 5 + 23 + 1),
        ("Amazon.com rises", 23 + 6),
        ("verylongdomainnamethatislong.example.com/path is here", 53),
        ("e.g. the U.S. and 3.5 times", 27),
    ],
)
def test_x_weight_counts_as_x_does(text, weight):
    assert x_weight(text) == weight


def test_fits_x_counts_the_link_as_23_and_the_space():
    link = "https://example.com/" + "x" * 200
    assert fits_x("a" * 256, link)
    assert not fits_x("a" * 257, link)
    assert fits_x("é" * 256, link) and not fits_x("🚀" * 129, link)


def test_share_urls_carry_the_post_encoded():
    text = "Lu dans Les Echos\u00a0: « R&D » + 20 % ?\n\n#Cybersécurité #IA"
    link = "https://example.com/a b?x=1&y=é#frag"
    x = urlsplit(x_post_url(Post(text, f"{text} {link}", "fr", link)))
    assert (x.scheme, x.netloc, x.path) == ("https", "x.com", "/intent/post")
    assert parse_qs(x.query) == {"text": [f"{text} {link}"]}
    linkedin = urlsplit(linkedin_compose_url(text))
    assert (linkedin.scheme, linkedin.netloc, linkedin.path) == ("https", "www.linkedin.com", "/feed/")
    assert parse_qs(linkedin.query) == {"shareActive": ["true"], "text": [text]}


@given(st.text(max_size=100), st.text(max_size=100))
def test_share_urls_always_decode_back(text, link):
    text = text.encode("utf-8", "replace").decode("utf-8")
    link = link.encode("utf-8", "replace").decode("utf-8")
    url = x_post_url(Post(text, text + link, "en", link))
    assert parse_qs(urlsplit(url).query, keep_blank_values=True) == {"text": [text + link]}
    assert " " not in url and "\n" not in url


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        (["supply chain"], ("#SupplyChain",)),
        (["cybersécurité"], ("#Cybersécurité",)),
        (["generative AI", "IA générative", "cloud"], ("#GenerativeAI", "#IAGénérative")),
        (["chaîne d'approvisionnement", "prix de l’énergie"], ("#ChaîneApprovisionnement", "#PrixDeÉnergie")),
        (["industry 4.0", "e-commerce"], ("#Industry40", "#ECommerce")),
        (["AI", "ai", "Ai"], ("#AI",)),
        (["4.0", "", "   ", "R&D"], ("#RD",)),
        (["x" * 31, "ok"], ("#Ok",)),
        ([], ()),
    ],
)
def test_hashtags(topics, expected):
    assert hashtags(topics) == expected


@given(st.lists(st.text(max_size=30), max_size=6), st.integers(min_value=0, max_value=4))
def test_hashtags_are_letters_and_digits_only_and_at_most_limit(topics, limit):
    tags = hashtags(topics, limit)
    assert len(tags) <= limit
    assert len({tag.casefold() for tag in tags}) == len(tags)
    for tag in tags:
        assert re.fullmatch(r"#[^\W_]+", tag) and any(char.isalpha() for char in tag)


def test_request_for_keeps_hashtags_in_the_leaders_language():
    item = SAMPLES[4].item  # French words, declared English by the test feed
    topics = topics_for(("cybersécurité", "santé publique", "hospital"), ("cybersécurité",), ("Santé publique",))
    asked = PostRequest(title=item.title, link=item.link, source=item.source, summary=item.summary,
                        item_language=item.language, language="fr", take="Mon avis.", topics=topics, variant=3)
    assert asked.topics == ("cybersécurité", "santé publique") and asked.take == "Mon avis."
    assert (asked.item_language, asked.language, asked.variant) == ("en", "fr", 3)
    post = compose(asked, read_drafts(CONTENT_DIR)["fr"])
    assert "\n\nMon avis.\n\n" in post.linkedin and "#Cybersécurité" in post.linkedin
