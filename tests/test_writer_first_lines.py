"""`coachbot content check` on the post templates: the first 140 characters (what LinkedIn shows before "...see
more") hold the take, or without a take the article's title or summary; no question under a bare headline;
the article's language said right after its source. Each rule fails on a template that breaks it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace

import yaml

from bot.adapters.content_files import read_drafts
from bot.core.content_checks import check_drafts
from bot.core.posts import PostRequest, compose, visible_first
from tests.conftest import CONTENT_DIR, ROOT

DRAFTS = read_drafts(CONTENT_DIR)
LONG_LEAD = "Some thoughts on a piece I read this morning, which I wanted to share with all of you here, " \
            "because it matters to every leader I know:\n\n"


def problems_with(language: str, **changes) -> list[str]:
    return check_drafts({**DRAFTS, language: replace(DRAFTS[language], **changes)})


def test_the_shipped_templates_pass():
    assert check_drafts(DRAFTS) == []


def test_a_take_template_whose_first_140_characters_lack_the_take_fails():
    en = DRAFTS["en"]
    late = LONG_LEAD + "{take}\n\nIn {source}{note}: “{title}”\n\n{link}"
    problems = problems_with("en", take_linkedin=(*en.take_linkedin, late))
    assert any("does not show the take in its first 140 characters" in p for p in problems), problems
    # The fact first is fine while the take still comes within the first lines...
    assert problems_with("en", take_linkedin=(*en.take_linkedin, "“{title}”\n\n{take}\n\n{source}{note} {link}")) == []
    # ...and not when the fact is long before it.
    after_summary = "{summary}\n\n{take}\n\n“{title}”, {source}{note}\n{link}"
    assert any("first 140" in p for p in problems_with("en", take_linkedin=(*en.take_linkedin, after_summary)))


def test_a_frame_whose_first_140_characters_hold_neither_title_nor_summary_fails():
    fr = DRAFTS["fr"]
    late = ("Je partage ici une lecture de ce matin qui m’a semblé utile à tous ceux qui dirigent une entreprise, "
            "petite ou grande, aujourd’hui\u00a0:\n\n{title}\n\n{summary}\n\nSource\u00a0: {source}{note}\n{link}")
    problems = problems_with("fr", linkedin=(*fr.linkedin, late))
    assert any("does not show the article's title or summary" in p for p in problems), problems


def test_a_question_under_a_bare_headline_fails():
    en = DRAFTS["en"]
    bare = "{title}\n\n{question}\n\nSource: {source}{note}\n{link}"
    problems = problems_with("en", linkedin=(*en.linkedin, bare))
    assert any("question under a bare headline" in p for p in problems), problems
    x_bare = "{title}\n{question}\n{source}{note}"
    assert any("bare headline" in p for p in problems_with("en", x=(*en.x, x_bare)))
    # With a take, a question may follow it.
    assert problems_with("en", take_x=(*en.take_x, "{take}\n{question}\n“{title}”, {source}{note}")) == []


def test_the_language_note_must_follow_the_source():
    en = DRAFTS["en"]
    apart = "{title}\n{note}\n\n{summary}\n\nSource: {source}\n{link}"
    assert any("right after {source}" in p for p in problems_with("en", linkedin=(*en.linkedin, apart)))


def test_content_check_fails_on_such_a_template_file(tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    path = broken / "drafts" / "en.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["linkedin"].append("{title}\n\n{question}\n\nSource: {source}{note}\n{link}")
    data["take_linkedin"].append(LONG_LEAD + "{take}\n\nIn {source}{note}: “{title}”\n\n{link}")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True,
                            env={"COACHBOT_CONTENT_DIR": str(broken), "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert result.returncode == 1
    assert "bare headline" in result.stdout and "first 140 characters" in result.stdout


def test_composed_posts_show_the_take_or_the_fact_first_even_with_a_long_title():
    title = "A very long headline about the reindustrialisation of Europe and what it means for mid-sized firms " * 2
    for language in ("en", "fr"):
        for angle in range(5):
            asked = PostRequest(title=title.strip(), link="https://example.com/a", source="Les Echos",
                                summary="Factories reopened.", item_language=language, language=language,
                                take="We reopened a line in Lyon last year.", angle=angle)
            post = compose(asked, DRAFTS[language])
            assert visible_first(post.linkedin, asked.take), post.linkedin
        for angle in range(4):
            post = compose(replace(asked, take=None, angle=angle), DRAFTS[language])
            assert post.linkedin.find("A very long headline") <= 100 or post.linkedin.startswith("Factories")
