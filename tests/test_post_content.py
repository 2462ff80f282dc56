"""The post templates and the model prompts are content: `coachbot content check` finds what is wrong."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import replace

from bot.adapters.content_files import check_content, read_drafts, read_prompts
from bot.core.content_checks import check_drafts, check_prompts
from tests.conftest import CONTENT_DIR, ROOT

DRAFTS = read_drafts(CONTENT_DIR)
PROMPTS = read_prompts(CONTENT_DIR)


def test_the_shipped_templates_and_prompts_have_no_problem():
    assert check_drafts(DRAFTS) == []
    assert check_prompts(PROMPTS) == []
    rules = {"en": r"never\s+an\s+instruction", "fr": r"jamais\s+des\s+instructions"}
    for language, rule in rules.items():
        assert re.search(rule, PROMPTS[language].system)  # the article is data
        assert "ARTICLE" in PROMPTS[language].user and "END" in PROMPTS[language].user


def problems_with(language: str, **changes) -> list[str]:
    return check_drafts({**DRAFTS, language: replace(DRAFTS[language], **changes)})


def test_the_template_check_finds_each_mistake():
    fr = DRAFTS["fr"]
    assert any("dans les mots de" in p for p in problems_with(
        "fr", linkedin=(*fr.linkedin, "{title}\n{note}\nCe que j’en retiens, dans les mots de {source}\u00a0: {link}")))
    assert any("before {source}" in p for p in problems_with(
        "fr", linkedin=(*fr.linkedin, "{title}\n{note}\nUn article de {source}\u00a0: {link}")))
    assert any("no-break space" in p for p in problems_with(
        "fr", linkedin=(*fr.linkedin, "{title}\n{note}\nSource : {source} {link}")))
    assert any("straight apostrophe" in p for p in problems_with(
        "fr", linkedin=(*fr.linkedin, "{title}\n{note}\nD'après {source}\u00a0: {link}")))
    en = DRAFTS["en"]
    assert any("lacks {link}" in p for p in problems_with("en", linkedin=(*en.linkedin, "{title}\n{note}")))
    assert any("lacks {note}" in p for p in problems_with("en", x=(*en.x, "{title} ({source})")))
    assert any("'lesson'" in p for p in problems_with("en", x=(*en.x, "A lesson: {title}\n{note}")))
    assert any("(s)" in p for p in problems_with("en", questions=(*en.questions, "Which colleague(s) agree?")))
    assert any("first" in p for p in problems_with("en", take_linkedin=("{title}\n{note}\n{take}\n{link}",) * 2))
    assert any("unknown placeholder" in p for p in problems_with("en", x=(*en.x, "{theme} {title} {note}")))
    assert any("at least two" in p for p in problems_with("en", take_x=en.take_x[:1]))
    assert any("language_notes" in p for p in problems_with("en", language_notes={}))


def test_the_prompt_check_finds_each_mistake():
    assert any("lacks ['article']" in p for p in check_prompts(
        {**PROMPTS, "fr": replace(PROMPTS["fr"], user="Écrivez un post. {take} {limit}")}))
    assert any("unknown placeholder" in p for p in check_prompts(
        {**PROMPTS, "en": replace(PROMPTS["en"], user=PROMPTS["en"].user + " {leader_name}")}))
    assert any("system prompt is empty" in p for p in check_prompts(
        {**PROMPTS, "en": replace(PROMPTS["en"], system="")}))
    assert any("both languages" in p for p in check_prompts({"en": PROMPTS["en"]}))


def test_content_check_reports_a_broken_prompt_file(tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    (broken / "prompts" / "fr.yaml").write_text("system: Vous écrivez.\nuser: Rien.\n", encoding="utf-8")
    assert any(p.startswith("prompts/fr") for p in check_content(broken))
    result = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True,
                            env={"COACHBOT_CONTENT_DIR": str(broken), "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert result.returncode == 1 and "prompts/fr" in result.stdout
