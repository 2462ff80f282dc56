"""The course and the catalog, as shipped: complete in both languages, within Telegram's limits."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.content_files import check_content, read_catalog, read_course
from bot.core.checks import (
    MAX_BODY_WORDS,
    RawLesson,
    check_course,
    check_lesson,
    check_order,
    words,
)
from bot.core.content import Catalog
from bot.core.content_checks import check_catalog, french_typography
from tests.conftest import CONTENT_DIR, ROOT


def test_the_shipped_content_has_no_problem():
    assert check_content(CONTENT_DIR) == []


def test_the_course_has_ten_modules_of_lessons_in_both_languages(content):
    for language in ("en", "fr"):
        course = content.courses[language]
        assert len(course.lessons) == 42
        assert sorted({lesson.module for lesson in course.lessons}) == list(range(1, 11))
        assert sorted(course.modules) == list(range(1, 11))
        assert all(sum(1 for x in course.lessons if x.module == m) >= 3 for m in range(1, 11))
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
    base = {"id": "a-lesson", "stage": "listen", "module": 1, "title": "A title", "action": "Do it.", "sources": [],
            "tags": ["x"]}
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


def check_env(content_dir: Path) -> dict[str, str]:
    """A bare environment for `coachbot content check` on this content, with this checkout's code."""
    return {"COACHBOT_CONTENT_DIR": str(content_dir), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}


def test_content_check_command_fails_on_a_broken_course(tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    (broken / "lessons" / "fr" / "02-here-to-stay.md").unlink()
    ok = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True,
                        env=check_env(CONTENT_DIR), cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "en: 42 lessons in 10 modules" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True,
                         env=check_env(broken), cwd=tmp_path)
    assert bad.returncode == 1
    assert "differ" in bad.stdout


@pytest.mark.parametrize("language", ["en", "fr"])
def test_lessons_have_an_action_and_tags(language):
    lessons, _ = read_course(Path(CONTENT_DIR))
    for raw in lessons[language]:
        assert raw.meta["action"].strip()
        assert raw.meta["tags"]


def named(lesson_id: str, number: int, body: str = "A short body.", **meta) -> RawLesson:
    base = {"id": lesson_id, "module": 1, "title": "A title", "action": "Do it.", "sources": [], "tags": ["x"],
            "stage": "listen"}
    base.update(meta)
    return RawLesson(f"{number:02d}-{lesson_id}.md", base, body, "")


def test_course_check_fails_on_a_figure_given_in_two_lessons():
    first = named("one", 1, "Some 82% of people.", sources=["A study (2024)"])
    again = named("two", 2, "And again 82 % of them.", sources=["A study (2024)"])
    other = named("two", 2, "But 75% of others.", sources=["A study (2024)"])
    assert check_order([first, other]) == []
    problems = check_order([first, again])
    assert any("already given in 01-one.md" in p for p in problems), problems
    ratio = named("three", 3, "Employees prefer it, by more than 5 to 1.", sources=["A study (2021)"])
    assert any("5 to 1" in p for p in check_order([ratio, named("four", 4, "Still 5 to 1.", sources=["B (2021)"])]))
    french = [named("un", 1, "à plus de 5 contre 1", sources=["A (2021)"]),
              named("deux", 2, "encore 5 contre 1", sources=["A (2021)"])]
    assert any("already given" in p for p in check_order(french))
    course = {"en": [first, again]}
    assert any("already given" in p for p in check_course(course, {"en": {1: "One"}}))


def test_course_check_fails_on_a_reference_to_a_later_lesson():
    early = named("early", 1)
    late = named("late", 2)
    assert check_order([early, named("late", 2, refers=["early"])]) == []
    problems = check_order([named("early", 1, refers=["late"]), late])
    assert any("refers to 'late', which comes later" in p for p in problems), problems
    assert any("not a lesson" in p for p in check_order([named("early", 1, refers=["ghost"])]))
    assert any("refers to 'early', which comes later" in p for p in check_order([named("early", 1, refers=["early"])]))
    assert any("by its number" in p for p in check_order([early, named("late", 2, "As lesson 26 said.")]))
    assert any("by its number" in p for p in check_order([early, named("late", 2, "Comme la leçon 3 l’a montré.")]))
    both = {"en": [early, named("late", 2, refers=["early"])], "fr": [early, late]}
    assert any("refers differs" in p for p in check_course(both, {"en": {1: "One"}, "fr": {1: "Un"}}))


def test_french_typography_is_checked_in_french_lessons_only():
    good = "Une question\u202f? Oui\u00a0: «\u00a0trois\u00a0» mots\u202f; l’apostrophe\u202f! Rendez-vous à 8:30."
    assert french_typography(good) == []
    assert french_typography("Voir [ce lien](https://example.org/a?b=1:2) aujourd’hui.") == []
    for broken in ("Une question ?", "Une question?", "Oui : non", "Oui: non", "« trois » mots", "«\u00a0trois»",
                   "l'apostrophe", "Ah\u00a0!", "un\u00a0; deux"):
        assert french_typography(broken), broken
    french = named("un", 1, "Pourquoi pas ?", title="Le titre : bis")
    problems = check_course({"en": [named("un", 1, "Why not?")], "fr": [french]}, {"en": {1: "One"}, "fr": {1: "Un"}})
    assert any(p.startswith("fr/01-un.md: body") for p in problems), problems
    assert any(p.startswith("fr/01-un.md: title") for p in problems), problems
    assert not any(p.startswith("en/") for p in problems)
    titles = check_course({"fr": [named("un", 1)]}, {"fr": {1: "Pourquoi maintenant ?"}})
    assert any("modules.yaml" in p for p in titles), titles


def test_retired_ids_must_leave_the_course_and_point_into_it():
    course = {"en": [named("kept", 1)]}
    assert check_course(course, {"en": {1: "One"}}, {"gone": "kept"}) == []
    assert any("still a lesson" in p for p in check_course(course, {"en": {1: "One"}}, {"kept": "kept"}))
    assert any("not a lesson of the course" in p for p in check_course(course, {"en": {1: "One"}}, {"gone": "x"}))


def test_content_check_command_fails_on_a_repeated_figure_and_a_forward_reference(tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    lessons = sorted((broken / "lessons" / "en").glob("[0-9][0-9]-*.md"))
    first, last = lessons[0], lessons[-1]
    last_id = last.name[3:-3]
    first.write_text(first.read_text().replace("tags:", f"refers: [{last_id}]\ntags:", 1))
    second, third = [x for x in lessons if "sources: []" in x.read_text()][1:3]  # lessons without a figure
    second.write_text(second.read_text() + "\nSome 12345% of leaders.\n")
    third.write_text(third.read_text() + "\nAgain 12345% of leaders.\n")
    bad = subprocess.run([sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True,
                         env=check_env(broken), cwd=tmp_path)
    assert bad.returncode == 1
    assert "which comes later" in bad.stdout
    assert "'12345%' is already given in " + second.name in bad.stdout


def table_rows(markdown: str, heading: str) -> list[list[str]]:
    """The body rows of the first table under a `## heading`, as lists of cells."""
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_every_seed_idea_in_the_coverage_table_is_carried_by_lessons_of_the_course(content):
    import re

    readme = (CONTENT_DIR / "README.md").read_text(encoding="utf-8")
    ids = {lesson.id for lesson in content.courses["en"].lessons}
    rows = table_rows(readme, "Coverage of the seeds")
    assert len(rows) >= 40
    assert {row[0] for row in rows} == {"000", "001", "002", "003", "004"}  # every seed has its ideas
    for seed, idea, lessons, *_ in rows:
        named = re.findall(r"`([a-z0-9-]+)`", lessons)
        assert named, f"seed {seed}: {idea!r} names no lesson"
        assert set(named) <= ids, f"seed {seed}: {idea!r} names {sorted(set(named) - ids)}, not in the course"
    added = table_rows(readme, "What the second edition adds")
    assert added and all(set(re.findall(r"`([a-z0-9-]+)`", row[-1])) for row in added)
    assert all(set(re.findall(r"`([a-z0-9-]+)`", row[-1])) <= ids for row in added)


# --- The bot's own words: plurals, French typography, apostrophes, the same placeholders ------------------------


def catalog_problems(en: dict, fr: dict) -> list[str]:
    return check_catalog(Catalog({"en": en, "fr": fr}))


GOOD_EN = {"n": {"one": "One feed.", "other": "{count} feeds."}, "q": "Why not?"}
GOOD_FR = {"n": {"one": "Un flux.", "other": "{count} flux."}, "q": "Pourquoi pas\u202f?"}


def test_the_catalog_check_passes_a_well_written_pair():
    assert catalog_problems(GOOD_EN, GOOD_FR) == []


@pytest.mark.parametrize(("language", "key", "template", "expected"), [
    ("en", "q", "0 scheduled day(s) in a row", "parenthesised plural 'y(s)'"),
    ("fr", "q", "{count} flux importé(s)", "parenthesised plural"),
    ("fr", "q", "0 jour(s) prévu(s) d\u2019affilée", "parenthesised plural"),
    ("en", "n", "{count} feeds.", "holds {count} but has no plural forms"),
    ("en", "n", {"other": "{count} feeds."}, "lacks the plural form one"),
    ("fr", "n", {"one": "{count} flux."}, "needs an 'other' form"),
    ("en", "n", {"one": "x", "few": "{count}", "other": "{count}"}, "en never uses"),
    ("fr", "q", "Pourquoi pas ?", "'?' without a narrow no-break space"),
    ("fr", "q", "Oui : non", "':' without a no-break space"),
    ("fr", "q", "Le mot « non\u00a0»", "guillemets without a no-break space"),
    ("fr", "q", "L'apostrophe", "ASCII apostrophe"),
    ("en", "n", {"one": "One feed.", "other": "{number} feeds."}, "different {fields}"),
])
def test_the_catalog_check_fails_on_each_broken_case(language, key, template, expected):
    en, fr = dict(GOOD_EN), dict(GOOD_FR)
    (en if language == "en" else fr)[key] = template
    problems = catalog_problems(en, fr)
    assert any(expected in p for p in problems), problems


def test_typography_is_not_asked_inside_commands_tags_or_fields():
    fr = dict(GOOD_FR, c="Par exemple\u00a0: <code>/remind 07:45 lun-ven</code> <a href=\"https://x.fr/a?b\">lien</a>")
    en = dict(GOOD_EN, c="For example: <code>/remind 07:45 mon-fri</code> <a href=\"https://x.fr/a?b\">link</a>")
    assert catalog_problems(en, fr) == []


def test_mixed_apostrophes_are_found_in_english_too():
    en = dict(GOOD_EN, a="Today's lesson", b="Let's go", c="It\u2019s here")
    fr = dict(GOOD_FR, a="x", b="y", c="z")
    problems = catalog_problems(en, fr)
    assert any("'c'" in p and "mixed apostrophes" in p for p in problems), problems
    assert not any("'a'" in p for p in problems)


def test_lessons_are_checked_for_parenthesised_plurals_and_mixed_apostrophes():
    assert any("parenthesised plural" in p for p in check_lesson(lesson("Find 3 leader(s) to follow.")))
    one = named("one", 1, "Today's lesson.")
    two = named("two", 2, "Tomorrow\u2019s lesson.")
    three = named("three", 3, "Let's go.")
    problems = check_course({"en": [one, two, three]}, {"en": {1: "One"}})
    assert any("02-two.md: mixed apostrophes" in p for p in problems), problems


def test_the_shipped_catalog_has_no_form_speak_and_every_count_has_its_plurals():
    catalog = read_catalog(CONTENT_DIR)
    for language in ("en", "fr"):
        for key, template in catalog.messages[language].items():
            texts = [template] if isinstance(template, str) else list(template.values())
            assert not any("(s)" in t or "(e)" in t for t in texts), key
            if any("{count}" in t for t in texts):
                assert isinstance(template, dict) and {"one", "other"} <= set(template), (language, key)


def test_the_draft_check_finds_broken_typography_and_different_placeholders():
    from bot.core.content_checks import check_draft_words
    from bot.core.posts import DraftTemplates

    good_en = DraftTemplates(("{title}: worth a read {link}",), ("From {source}",), ("{take} {title}",),
                             ("{take}",), ("Why {title}?", "{title}: yes"))
    good_fr = DraftTemplates(("{title}\u00a0: à lire {link}",), ("Via {source}",), ("{take} {title}",),
                             ("{take}",), ("Pourquoi {title}\u202f?", "{title}\u00a0: oui"))
    assert check_draft_words({"en": good_en, "fr": good_fr}) == []
    broken = DraftTemplates(("{title} : à lire {link}",), ("Via {source}",), ("{take} {title}",), ("{take}",),
                            ("L'article(s) {title}", "{title}"))
    problems = check_draft_words({"en": good_en, "fr": broken})
    assert any("':' without a no-break space" in p for p in problems), problems
    assert any("parenthesised plural" in p for p in problems), problems
    assert any("ASCII apostrophe" in p for p in problems), problems
    different = DraftTemplates(("{source} {link}",), ("Via {source}",), ("{take} {title}",), ("{take}",),
                               ("Pourquoi {title}\u202f?", "{title}\u00a0: oui"))
    problems = check_draft_words({"en": good_en, "fr": different})
    assert any("the linkedin templates use different placeholders" in p for p in problems), problems


def test_the_shipped_drafts_pass_the_words_check():
    from bot.adapters.content_files import read_drafts
    from bot.core.content_checks import check_draft_words

    assert check_draft_words(read_drafts(CONTENT_DIR)) == []


def test_a_feature_keeps_its_messages_in_a_file_of_its_own_and_a_key_is_written_once(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    for lang in ("en", "fr"):
        (content / "messages" / lang).mkdir(exist_ok=True)
        (content / "messages" / lang / "zz-extra.yaml").write_text(f"zz_extra_line: 'Extra {lang}'\n")
    catalog = read_catalog(content)
    assert catalog.messages["fr"]["zz_extra_line"] == "Extra fr"
    assert "welcome" in catalog.messages["fr"]
    (content / "messages" / "en" / "zz-extra.yaml").write_text("welcome: 'Hello again'\n")
    with pytest.raises(Exception, match="welcome"):
        read_catalog(content)
