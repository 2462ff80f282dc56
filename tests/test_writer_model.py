"""A sturdier model path: JSON asked for where the endpoint supports it (and asked again without where it
does not), a JSON object found inside prose or a code fence, a plain-text post taken when it is the post, and
the checks kept (a truncated answer, another language, an invented figure give way to the composer). Against
the real `openai` client and a loopback server of our own."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.adapters.content_files import read_drafts, read_prompts
from bot.adapters.language import detect
from bot.adapters.llm import extract_json_object
from bot.core.content import Catalog, Content
from bot.core.posts import PostRequest, check_post, compose, invented_figures
from bot.core.sharing import X_LIMIT, x_weight
from bot.settings import Settings
from bot.writing import Writer
from tests.conftest import CONTENT_DIR
from tests.support.llm_server import LLMServer

TEMPLATES = read_drafts(CONTENT_DIR)
CONTENT = Content(courses={}, catalog=Catalog({}), sectors=(), drafts=TEMPLATES, prompts=read_prompts(CONTENT_DIR))
LINK = "https://example.com/industry/foundry-energy?id=42"
TAKE = "We tried this in our Lyon plant. It works, but it takes a year, not a quarter."
GOOD = {
    "linkedin": f"{TAKE}\n\nA 90-person foundry moved its furnaces to night hours and cut its energy bill by "
                f"30%, Les Echos reports.\n\nWould you make the same move?\n\n{LINK}",
    "x": f"{TAKE} A foundry cut its energy bill by 30% by running furnaces at night. {LINK}",
    "link": LINK,
}
FRENCH_TAKE = "Nous l’avons tenté à Lyon : ça marche, mais il faut un an, pas un trimestre."
FRENCH = {
    "linkedin": f"{FRENCH_TAKE}\n\nUne fonderie de 90 personnes a déplacé ses fours la nuit et réduit sa facture "
                f"d’énergie de 30\u00a0%, chez Les Echos (en anglais), d’après le titre (ma traduction).\n\n{LINK}",
    "x": f"{FRENCH_TAKE} {LINK}",
    "link": LINK,
}


@pytest.fixture(scope="module")
def server():
    running = LLMServer().start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def reset(server):
    server.mode, server.answer, server.other = "good", dict(GOOD), dict(FRENCH)
    server.requests.clear()


def request(**changes) -> PostRequest:
    base = dict(title="How a 90-person foundry cut its energy bill by 30%", link=LINK, source="Les Echos",
                summary="The foundry moved its furnaces to night hours.", item_language="en", language="en",
                take=TAKE, topics=("energy",))
    base.update(changes)
    return PostRequest(**base)


def writer(server: LLMServer) -> Writer:
    settings = Settings(llm_url=server.url, llm_model="tiny-test-model")
    return Writer.from_settings(settings, CONTENT, detect=detect, timeout=5.0)


def lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.adapters.llm" and r.levelno >= logging.WARNING]


@pytest.mark.parametrize("mode", ["good", "fenced", "sentence"])
def test_a_json_object_alone_in_a_fence_or_in_a_sentence_is_the_post(server, caplog, mode):
    server.mode = mode
    with caplog.at_level(logging.WARNING):
        post = asyncio.run(writer(server).write(request()))
    assert post.writer == "model" and post.linkedin == GOOD["linkedin"] and post.x == GOOD["x"]
    assert lines(caplog) == []
    assert server.requests[0]["response_format"] == {"type": "json_object"}  # JSON asked for


def test_a_plain_text_post_is_taken_and_the_composer_makes_its_x_version(server):
    server.mode = "plain_text"
    post = asyncio.run(writer(server).write(request()))
    assert post.writer == "model" and post.linkedin == GOOD["linkedin"]
    assert post.x == compose(request(), TEMPLATES["en"]).x and x_weight(post.x) <= X_LIMIT
    assert check_post(post, request()) is None
    # Prose that only wraps the post ("Here is a great post for you: ...") is not the post.
    server.mode = "not_json"
    assert asyncio.run(writer(server).write(request())).writer == "composer"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("truncated", "malformed answer"), ("invented_figure", "a figure the article does not give (2025, 45)"),
     ("wrong_language", "reads as fr, not en")],
)
def test_what_fails_the_checks_gives_way_to_the_composer(server, caplog, mode, reason):
    server.mode = mode
    with caplog.at_level(logging.WARNING):
        post = asyncio.run(writer(server).write(request()))
    assert post == compose(request(), TEMPLATES["en"])
    [line] = lines(caplog)
    assert reason in line, line


def test_an_endpoint_without_json_mode_is_asked_again_without_it_and_then_never_with_it(server, caplog):
    server.mode = "no_json_mode"
    model_writer = writer(server)
    with caplog.at_level(logging.WARNING):
        first = asyncio.run(model_writer.write(request()))
        second = asyncio.run(model_writer.write(request()))
    assert first.writer == "model" and second.writer == "model" and lines(caplog) == []
    assert ["response_format" in sent for sent in server.requests] == [True, False, False]


def test_a_french_leader_gets_the_models_french_post_with_the_gist_translated(server):
    server.answer = dict(FRENCH)
    asked = request(language="fr", take=FRENCH_TAKE)
    post = asyncio.run(writer(server).write(asked))
    assert post.writer == "model" and post.language == "fr" and FRENCH_TAKE in post.linkedin
    sent = server.requests[0]["messages"]
    assert "traduction" in sent[0]["content"] and "Rédigez le post en français" in sent[1]["content"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"linkedin": "a", "x": "b"}', {"linkedin": "a", "x": "b"}),
        ('```json\n{"linkedin": "a", "x": "b"}\n```', {"linkedin": "a", "x": "b"}),
        ('Sure! ```\n{"linkedin": "a", "x": "b"}\n``` Enjoy.', {"linkedin": "a", "x": "b"}),
        ('Here: {"linkedin": "a {b}", "x": "c"} Hope it helps {really}.', {"linkedin": "a {b}", "x": "c"}),
        ('{"linkedin": "a", "x": "b', None),
        ("Just a post, no JSON.", None),
        ("[1, 2]", None),
        ("", None),
        (None, None),
    ],
)
def test_extract_json_object(content, expected):
    assert extract_json_object(content) == expected


def test_invented_figures_are_those_neither_the_article_nor_the_take_gives():
    asked = request(summary="Factories created 12,000 jobs in 2025.")
    assert invented_figures("12 000 jobs in 2025, a 30% cut by a 90-person foundry " + LINK, asked) == []
    assert invented_figures("A 45% cut, 3 plants.", asked) == ["3", "45"]


def test_a_foreign_articles_words_pasted_untranslated_are_refused(server, caplog):
    summary = "The foundry moved its furnaces to night hours and insulated two of its halls."
    pasted = f"{FRENCH_TAKE}\n\nChez Les Echos (en anglais) : « {summary} »\n\n{LINK}"
    server.answer = {"linkedin": pasted, "x": f"{FRENCH_TAKE} {LINK}", "link": LINK}
    asked = request(language="fr", take=FRENCH_TAKE, summary=summary)
    with caplog.at_level(logging.WARNING):
        post = asyncio.run(writer(server).write(asked))
    assert post.writer == "composer"
    [line] = lines(caplog)
    assert "pasted in their language" in line


def test_an_x_version_without_the_take_is_replaced_by_the_composers(server):
    server.answer = {**GOOD, "x": f"A foundry cut its energy bill by 30% by running furnaces at night. {LINK}"}
    post = asyncio.run(writer(server).write(request()))
    assert post.writer == "model" and post.linkedin == GOOD["linkedin"]
    assert post.x == compose(request(), TEMPLATES["en"]).x and TAKE in post.x
