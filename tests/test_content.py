"""The course and the catalog, as shipped: complete in both languages, within Telegram's limits."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.content_files import check_content, read_catalog, read_course
from bot.core.checks import MAX_BODY_WORDS, RawLesson, check_catalog, check_lesson, words
from bot.core.content import Catalog
from tests.conftest import CONTENT_DIR, ROOT


def test_the_shipped_content_has_no_problem():
    assert check_content(CONTENT_DIR) == []


def test_the_course_has_eight_modules_of_lessons_in_both_languages(content):
    for language in ("en", "fr"):
        course = content.courses[language]
        assert len(course.lessons) >= 32
        assert sorted({lesson.module for lesson in course.lessons}) == list(range(1, 9))
        assert all(sum(1 for x in course.lessons if x.module == m) >= 4 for m in range(1, 9))
    assert [x.id for x in content.courses["en"].lessons] == [x.id for x in content.courses["fr"].lessons]


def test_every_message_key_exists_in_both_languages():
    catalog = read_catalog(CONTENT_DIR)
    assert set(catalog.messages["en"]) == set(catalog.messages["fr"])
    assert check_catalog(catalog) == []


def test_the_catalog_check_finds_a_missing_key_and_different_fields():
    catalog = Catalog({"en": {"a": "Hi {name}", "b": "x"}, "fr": {"a": "Salut {nom}"}})
    problems = check_catalog(catalog)
    assert any("missing 'b'" in p for p in problems)
    assert any("different" in p for p in problems)


def test_every_key_the_code_uses_is_in_the_catalog():
    import re

    used: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        used.update(re.findall(r"""\bmsg\(\s*["']([a-z_0-9]+)["']""", path.read_text()))
    catalog = read_catalog(CONTENT_DIR)
    assert used, "the pattern found no message keys"
    assert used <= set(catalog.messages["en"])


def test_catalog_values_are_escaped_unless_marked_html(content):
    text = content.catalog.text("en", "unknown_command", command="<script>alert(1)</script>")
    assert "<script>" not in text and "&lt;script&gt;" in text


def lesson(body: str = "A short body.", **meta) -> RawLesson:
    base = {"id": "a-lesson", "module": 1, "title": "A title", "action": "Do it.", "sources": [], "tags": ["x"]}
    base.update(meta)
    return RawLesson("01-a-lesson.md", base, body, "")


def test_lesson_check_catches_each_rule():
    assert check_lesson(lesson()) == []
    assert any("words" in p for p in check_lesson(lesson("word " * (MAX_BODY_WORDS + 1))))
    assert any("figure" in p for p in check_lesson(lesson("Some 82% of people.")))
    assert check_lesson(lesson("Some 82% of people.", sources=["A study (2024)"])) == []
    assert any("missing 'action'" in p for p in check_lesson(RawLesson("01-a-lesson.md", {"id": "a-lesson"}, "x")))
    assert any("invalid Telegram HTML" in p or "raw HTML" in p for p in check_lesson(lesson("<script>x</script>")))
    assert any("file name" in p for p in check_lesson(lesson(id="other")))
    two = lesson("Some 82% of people, and 3.5 times more.", sources=["A study (2024)"])
    assert any("at most one" in p for p in check_lesson(two))
    assert any("no year" in p for p in check_lesson(lesson("Some 82% of people.", sources=["A study"])))
    assert check_lesson(lesson("Rate it from 1 to 5.")) == []  # a scale is not a figure


def test_word_count_ignores_link_targets():
    assert words("Read [this page](https://example.org/a/b/c) now") == 4


def test_content_check_command_fails_on_a_broken_course(tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    (broken / "lessons" / "fr" / "02-here-to-stay.md").unlink()
    ok = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True,
                        env={"COACHBOT_CONTENT_DIR": str(CONTENT_DIR), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "32 lessons" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True,
                         env={"COACHBOT_CONTENT_DIR": str(broken), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert bad.returncode == 1
    assert "differ" in bad.stdout


@pytest.mark.parametrize("language", ["en", "fr"])
def test_lessons_have_an_action_and_tags(language):
    lessons, _ = read_course(Path(CONTENT_DIR))
    for raw in lessons[language]:
        assert raw.meta["action"].strip()
        assert raw.meta["tags"]
