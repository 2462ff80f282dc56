"""Posts a leader would publish: the take first and whole, the article's own words, the link, the leader's
language; the check that a model's post must pass; share links that keep the text."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.content_files import read_drafts
from bot.core.posts import (
    LINKEDIN_LIMIT,
    LINKEDIN_SHORT_LIMIT,
    DraftTemplates,
    Post,
    PostRequest,
    check_post,
    compose,
    has_markup,
    holds_take,
    topics_for,
    visible_first,
)
from bot.core.sharing import (
    BUTTON_URL_LIMIT,
    COPY_LIMIT,
    X_LIMIT,
    copy_text,
    linkedin_compose_url,
    x_post_url,
    x_weight,
)
from tests.conftest import CONTENT_DIR

TEMPLATES = read_drafts(CONTENT_DIR)
TAKES = {
    "en": "We tried this in our Lyon plant last year. It works, but it takes a year, not a quarter.",
    "fr": "Nous l’avons tenté à Lyon l’an dernier : ça marche, mais il faut un an, pas un trimestre.",
}
LINK = "https://example.com/industry/2026/11/foundry-energy?utm_source=rss&id=42"


def request(language: str = "en", **changes) -> PostRequest:
    base = dict(title="How a 90-person foundry cut its energy bill by 30%", link=LINK, source="Les Echos",
                summary="The foundry moved its furnaces to night hours. It also insulated two halls.",
                item_language="en", language=language, take=None, topics=("energy",))
    base.update(changes)
    return PostRequest(**base)


@pytest.fixture(params=["en", "fr"])
def language(request) -> str:
    return request.param


# --- the take -----------------------------------------------------------------------------------------------


def test_the_take_comes_first_word_for_word_then_the_article_and_the_link(language):
    take = TAKES[language]
    for variant in range(6):
        asked = request(language, take=take, variant=variant, item_language=language)
        post = compose(asked, TEMPLATES[language])
        assert take in post.linkedin and visible_first(post.linkedin, take)  # in the first lines, whole
        assert asked.title in post.linkedin and LINK in post.linkedin
        assert post.x.startswith(take) and post.x.endswith("\n" + LINK)
        assert x_weight(post.x) <= X_LIMIT and len(post.linkedin) <= LINKEDIN_LIMIT
        assert check_post(post, asked) is None


def test_a_take_that_asks_a_question_gets_no_second_question(language):
    take = "What would you have done?" if language == "en" else "Qu’auriez-vous fait\u202f?"
    questions = [q for kind in DraftTemplates.QUESTIONS for q in getattr(TEMPLATES[language], kind)]
    for variant in range(5):
        post = compose(request(language, take=take, variant=variant), TEMPLATES[language])
        assert not any(question in post.linkedin for question in questions)


def test_a_long_take_stays_whole_on_linkedin_and_is_cut_after_a_word_on_x(language):
    take = " ".join([TAKES[language]] * 6)
    for variant in range(5):
        post = compose(request(language, take=take, variant=variant), TEMPLATES[language])
        assert take in post.linkedin and visible_first(post.linkedin, take)
        assert LINK in post.linkedin
        assert x_weight(post.x) <= X_LIMIT and post.x.endswith(LINK)
    one = "In 2024 we moved our furnaces to night hours, " * 8 + "and paid a third less."
    post = compose(request(language, take=one.strip()), TEMPLATES[language])
    cut = post.x.split("…")[0]
    assert one.startswith(cut) and one[len(cut)] in " ,;:"  # one long sentence: cut after a whole word


def test_another_angle_changes_the_wording_and_shorter_is_shorter(language):
    take = TAKES[language]
    posts = {compose(request(language, take=take, variant=n), TEMPLATES[language]).linkedin for n in range(4)}
    assert len(posts) >= 2
    plain = {compose(request(language, variant=n), TEMPLATES[language]).linkedin for n in range(6)}
    assert len(plain) >= 3
    for variant in range(4):
        full = compose(request(language, take=take, variant=variant), TEMPLATES[language])
        short = compose(request(language, take=take, variant=variant, shorter=True), TEMPLATES[language])
        assert len(short.linkedin) < len(full.linkedin) and len(short.linkedin) <= LINKEDIN_SHORT_LIMIT
        assert take in short.linkedin and visible_first(short.linkedin, take) and LINK in short.linkedin


def test_the_same_request_gives_the_same_post(language):
    asked = request(language, take=TAKES[language], variant=3)
    assert compose(asked, TEMPLATES[language]) == compose(asked, TEMPLATES[language])


# --- the article's language ---------------------------------------------------------------------------------


def test_an_article_in_another_language_is_said_so_plainly():
    # Said once, in the post's own sentence, right after the source (never a bare label, never glued on X).
    for variant in range(5):
        french = compose(request("fr", item_language="en", variant=variant), TEMPLATES["fr"])
        assert french.linkedin.count("Les Echos (en anglais)") == 1 and "Les Echos (en anglais)" in french.x
        english = compose(request("en", item_language="fr", title="La fonderie réduit sa facture", variant=variant),
                          TEMPLATES["en"])
        assert english.linkedin.count("Les Echos (in French)") == 1 and "Les Echos (in French)" in english.x
        assert "Article" not in french.linkedin + english.linkedin + french.x + english.x
    same = compose(request("en", item_language="en"), TEMPLATES["en"])
    unknown = compose(request("en", item_language=None), TEMPLATES["en"])
    assert "(in " not in same.linkedin and "(in " not in unknown.linkedin


def test_hashtags_keep_the_topics_in_the_leaders_language_and_at_most_two():
    topics = topics_for(("energy", "énergie", "supply chain", "industrie"), keywords=("énergie", "industrie"),
                        interests=())
    assert topics == ("énergie", "industrie")
    post = compose(request("fr", topics=("énergie", "industrie", "usine")), TEMPLATES["fr"])
    assert len(re.findall(r"#\w+", post.linkedin)) <= 2 and "#Énergie" in post.linkedin


# --- the check a model's post must pass ---------------------------------------------------------------------


def good(asked: PostRequest) -> Post:
    return compose(asked, TEMPLATES[asked.language])


def test_check_post_names_what_is_wrong(language):
    asked = request(language, take=TAKES[language])
    post = good(asked)
    assert check_post(post, asked) is None
    no_link = Post(post.linkedin.replace(LINK, ""), post.x, language, LINK)
    assert "link" in check_post(no_link, asked)
    bold = Post("**" + post.linkedin, post.x, language, LINK)
    assert "markup" in check_post(bold, asked)
    html = Post(post.linkedin + " <b>x</b>", post.x, language, LINK)
    assert "markup" in check_post(html, asked)
    long_x = Post(post.linkedin, "word " * 60 + LINK, language, LINK)
    assert "X post" in check_post(long_x, asked)
    long_linkedin = Post(post.linkedin + "\n\n" + "word " * 300, post.x, language, LINK)
    assert "characters" in check_post(long_linkedin, asked)
    rewritten = Post(post.linkedin.replace(TAKES[language], "Great article, everyone should read it."),
                     post.x, language, LINK)
    assert "take" in check_post(rewritten, asked)
    other = "fr" if language == "en" else "en"
    assert "reads as" in check_post(post, asked, detect=lambda text: other)
    assert check_post(post, asked, detect=lambda text: language) is None
    assert check_post(post, asked, detect=lambda text: None) is None


def test_holds_take_forgives_a_typo_not_a_rewrite():
    take = "We tried this in our Lyon plant last yaer. It works, but it takes a year, not a quarter."
    assert holds_take("Intro.\n\n" + take + "\n\nMore.", take)
    assert holds_take(take.replace("yaer", "year"), take)  # a typo fixed
    assert not holds_take("We tried this in Lyon. It works.", take)  # cut
    assert not holds_take(take.replace("It works", "It works wonders and everyone should copy it right away"),
                          take)  # words put in the leader's mouth
    assert not holds_take("It works, but it takes a year. We tried this in our Lyon plant last year.", take)


@pytest.mark.parametrize(
    ("text", "markup"),
    [("Plain text, #Hashtag, 3 < 4 and R&D.", False), ("**bold**", True), ("<i>x</i>", True),
     ("[site](https://a.b)", True), ("# Title\nText", True), ("a &amp; b", True), ("`code`", True),
     ("* bullet", True)],
)
def test_markup_is_found(text, markup):
    assert has_markup(text) is markup


# --- sharing ------------------------------------------------------------------------------------------------


def test_linkedin_opens_the_composer_with_the_whole_post(language):
    post = good(request(language, take=TAKES[language]))
    url = linkedin_compose_url(post.linkedin)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/feed/")
    assert parse_qs(parts.query) == {"shareActive": ["true"], "text": [post.linkedin]}
    assert len(url) <= BUTTON_URL_LIMIT


def test_a_post_too_long_for_a_button_keeps_its_first_paragraph_and_its_link():
    text = "Mon avis « sur » l’énergie\u202f!\n\n" + "Un paragraphe d’été très long. " * 40 + "\n\n" + LINK
    url = linkedin_compose_url(text)
    assert len(url) <= BUTTON_URL_LIMIT
    carried = parse_qs(urlsplit(url).query)["text"][0]
    assert carried == "Mon avis « sur » l’énergie\u202f!\n\n" + LINK
    huge = "é" * 3000
    cut = linkedin_compose_url(huge)
    assert len(cut) <= BUTTON_URL_LIMIT


@given(st.text(min_size=1, max_size=2500))
@settings(max_examples=60, deadline=None)
def test_the_linkedin_address_always_fits_a_button(text):
    text = text.encode("utf-8", "replace").decode("utf-8")
    url = linkedin_compose_url(text)
    assert len(url) <= BUTTON_URL_LIMIT and " " not in url and "\n" not in url
    carried = parse_qs(urlsplit(url).query, keep_blank_values=True).get("text", [""])[0]
    if len(url) < BUTTON_URL_LIMIT - 100 and len(text) < 300:
        assert carried == text


def test_x_and_copy_carry_the_x_version(language):
    post = good(request(language, take=TAKES[language]))
    assert parse_qs(urlsplit(x_post_url(post)).query) == {"text": [post.x]}
    copied = copy_text(post)
    assert len(copied) <= COPY_LIMIT and copied.endswith(LINK)
    long_link = "https://example.com/" + "x" * 150
    post = good(request(language, take=TAKES[language], link=long_link))
    copied = copy_text(post)
    assert len(copied) <= COPY_LIMIT and copied.endswith(long_link) and "…" in copied
    assert post.x.startswith(copied.split("…")[0])
