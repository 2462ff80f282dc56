"""`coachbot draft URL --take "…"`, run as a leader's assistant would: from a stored feed item or the article's
page served locally, offline with the composer or with a model on loopback; and `suggest --json`'s drafts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.adapters.pages import read_page
from bot.adapters.storage import FeedStore
from bot.core.feedstate import FeedState
from bot.core.news import Item
from bot.core.sharing import X_LIMIT, x_weight
from tests.conftest import ROOT
from tests.support.feed_server import FeedServer
from tests.support.llm_server import LLMServer

TAKE = "Nous l’avons fait à Lyon : ça marche, mais il faut un an, pas un trimestre."
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ignored when og:title is there</title>
<meta property="og:title" content="How a 90-person foundry cut its energy bill by 30%">
<meta property="og:description" content="The foundry moved its furnaces to night hours. More inside.">
<meta property="og:site_name" content="Manufacturing Weekly">
<script>var x = "<a<a<a";</script></head><body><p>Body text</p></body></html>"""


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COACHBOT_DATA_DIR": str(tmp_path / "data"),
                   **env}
    return subprocess.run([sys.executable, "-m", "bot", "draft", *args], capture_output=True, text=True,
                          env=environment, cwd=ROOT, timeout=120)


@pytest.fixture
def page(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    (folder / "article.html").write_text(PAGE, encoding="utf-8")
    with FeedServer(folder) as server:
        yield server.url("feeds/article.html")


def test_a_post_from_a_page_and_a_take_in_french(tmp_path, page):
    result = run(tmp_path, page, "--take", TAKE, "--lang", "fr", "--json")
    assert result.returncode == 0, result.stderr
    post = json.loads(result.stdout)
    assert post["linkedin"].startswith(TAKE) and page in post["linkedin"]
    assert "How a 90-person foundry cut its energy bill by 30%" in post["linkedin"]
    assert "(en anglais)" in post["linkedin"]
    assert (post["language"], post["item_language"], post["writer"]) == ("fr", "en", "composer")
    assert post["x"].endswith(page) and x_weight(post["x"]) <= X_LIMIT
    assert parse_qs(urlsplit(post["linkedin_url"]).query)["text"] == [post["linkedin"]]
    assert parse_qs(urlsplit(post["x_url"]).query)["text"] == [post["x"]]


def test_a_stored_feed_item_is_used_without_fetching(tmp_path):
    item = Item("Les usines investissent dans l’énergie", "https://news.example.org/usines?utm_source=rss",
                "Les Echos", "Trois usines sur quatre ont un plan.", language="fr")
    FeedStore(tmp_path / "data").put(FeedState(url="https://news.example.org/rss", items=(item,)))
    result = run(tmp_path, "https://news.example.org/usines", "--take", TAKE, "--lang", "fr", "--angle", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(TAKE) and "Les usines investissent dans l’énergie" in result.stdout
    assert "Article en" not in result.stdout


def test_the_model_writes_when_configured(tmp_path, page):
    server = LLMServer().start()
    try:
        linkedin = f"{TAKE}\n\nUne fonderie de 90 personnes a réduit sa facture d’énergie de 30\u00a0%, " \
                   f"selon Manufacturing Weekly (article en anglais).\n\n{page}"
        server.answer = {"linkedin": linkedin, "x": f"Une fonderie réduit sa facture de 30\u00a0%. {page}"}
        result = run(tmp_path, page, "--take", TAKE, "--lang", "fr", "--json", "--angle", "1",
                     COACHBOT_LLM_URL=server.url, COACHBOT_LLM_MODEL="tiny")
        assert result.returncode == 0, result.stderr
        post = json.loads(result.stdout)
        assert post["writer"] == "model" and post["linkedin"] == linkedin
        assert len(server.requests) == 1
        server.mode = "error"
        result = run(tmp_path, page, "--take", TAKE, "--lang", "fr", "--json", "--angle", "1",
                     COACHBOT_LLM_URL=server.url, COACHBOT_LLM_MODEL="tiny")
        assert result.returncode == 0 and json.loads(result.stdout)["writer"] == "composer"
        assert "model writer: error status 500" in result.stderr and "Traceback" not in result.stderr
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["javascript:alert(1)"], "http(s) link"),
        (["https://example.com/a", "--take", "word " * 200], "one or two sentences"),
        (["https://example.com/a", "--take", "My view.", "--angle", "9"], "a number from 1 to 5"),
        (["https://example.com/a", "--angle", "0"], "a number from 1 to 4"),
    ],
)
def test_bad_input_gets_a_clear_answer(tmp_path, args, message):
    result = run(tmp_path, *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_page_gets_a_clear_answer(tmp_path, page):
    result = run(tmp_path, page.replace("article.html", "missing.html"))
    assert result.returncode == 2 and "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_a_page_is_read_from_its_head_only():
    item = read_page(PAGE, "https://example.com/a")
    assert (item.title, item.source, item.language) == ("How a 90-person foundry cut its energy bill by 30%",
                                                       "Manufacturing Weekly", "en")
    assert item.summary == "The foundry moved its furnaces to night hours. More inside."
    bare = read_page("<title>A &amp; B</title>", "https://example.org/x")
    assert (bare.title, bare.source, bare.summary) == ("A & B", "example.org", "")


def test_suggest_json_carries_the_linkedin_and_x_drafts_and_their_languages(tmp_path):
    from tests.test_cli_feeds import run_cli, write_feed

    folder = tmp_path / "served"
    folder.mkdir()
    write_feed(folder)
    with FeedServer(folder) as server:
        result = run_cli(tmp_path, server, "suggest", "--sector", "technology", "--json", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows
    for row in rows:
        draft = row["draft"]
        assert (draft["language"], draft["item_language"], draft["writer"]) == ("fr", "en", "composer")
        assert row["link"] in draft["linkedin"] and draft["x"].endswith(row["link"])
        assert x_weight(draft["x"]) <= X_LIMIT
        assert "(en anglais)" in draft["linkedin"]
        assert "#" not in draft["linkedin"]  # the topics matched are English words: no hashtag in French


def test_every_angle_with_hashtags_and_one_angle_shorter(tmp_path):
    item = Item("Les usines investissent dans l’énergie", "https://news.example.org/usines?utm_source=rss",
                "Les Echos", "Trois usines sur quatre ont un plan d’économies d’énergie.", language="fr")
    FeedStore(tmp_path / "data").put(FeedState(url="https://news.example.org/rss", items=(item,)))
    result = run(tmp_path, "https://news.example.org/usines", "--take", TAKE, "--lang", "fr", "--json")
    assert result.returncode == 0, result.stderr
    variants = json.loads(result.stdout)["variants"]
    assert [v["angle"] for v in variants] == [1, 2, 3, 4, 5]
    assert len({v["linkedin"].split("\n")[0] for v in variants}) == 5  # five different posts
    assert all(TAKE in v["linkedin"] and TAKE in v["x"] and "#Énergie" in v["linkedin"] for v in variants)
    assert all(v["hashtags"] == ["#Énergie"] for v in variants)
    short = run(tmp_path, "https://news.example.org/usines", "--take", TAKE, "--lang", "fr", "--json",
                "--angle", "3", "--shorter")
    (one,) = json.loads(short.stdout)["variants"]
    assert one["angle"] == 3 and one["shorter"] and "Trois usines" not in one["linkedin"]
    assert one["linkedin"].split("\n")[0] == variants[2]["linkedin"].split("\n")[0]  # the same angle, shorter
    text = run(tmp_path, "https://news.example.org/usines", "--take", TAKE, "--lang", "fr")
    assert text.stdout.count("=== angle") == 5 and "a contrarian line" in text.stdout
