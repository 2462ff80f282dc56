"""Moving around the course: /skip asks first and a skipped lesson can be taken later, a Done can be undone the
same day (and the habit follows), /roadmap lists every lesson, and /lesson N opens any of them."""

from __future__ import annotations

import pytest

from bot.core.markup import MAX_MESSAGE, html_to_text
from tests.conftest import utc
from tests.test_coach import Session, buttons_of, text_of


def test_skip_asks_first_and_keeping_changes_nothing(coach):
    session = Session(coach)
    session.onboard()
    before = session.leader
    asked = session.command("skip")
    assert session.leader == before
    assert "Welcome" in text_of(asked) or "welcome" in text_of(asked).lower()
    kept = session.press("skn:welcome")
    assert session.leader == before and kept.replies[0].edit


def test_a_skipped_lesson_stays_listed_and_can_be_done_later(coach):
    session = Session(coach)
    session.onboard()
    session.command("skip")
    skipped = session.press("skp:welcome")
    assert "/lesson 1" in text_of(skipped)
    roadmap = session.command("roadmap")
    assert "⏭ 1 · " in text_of(roadmap)
    assert "open:welcome" in buttons_of(roadmap)
    reopened = session.press("open:welcome")
    assert "done:welcome" in buttons_of(reopened)
    assert not any(b.startswith("later:") for b in buttons_of(reopened))
    session.press("done:welcome")
    assert "welcome" in session.leader.done_ids
    assert "✅ 1 · " in text_of(session.command("roadmap"))
    assert session.press("skp:welcome").toast  # a stale confirmation changes nothing
    assert "welcome" in session.leader.done_ids


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_roadmap_lists_every_lesson_within_one_message(coach, content, language):
    session = Session(coach)
    session.onboard()
    if language == "fr":
        session.command("language", "fr")
    roadmap = session.command("roadmap")
    text = text_of(roadmap)
    assert len(text) <= MAX_MESSAGE
    for lesson in content.courses[language].lessons:
        assert f"{lesson.position} · {html_to_text(lesson.title)}" in text
    assert "▶️ 1 · " in text


def test_lesson_n_opens_any_lesson_and_a_wrong_number_gets_an_example(coach, content):
    session = Session(coach)
    session.onboard()
    third = content.courses["en"].lessons[2]
    opened = session.command("lesson", "3")
    assert f"done:{third.id}" in buttons_of(opened)
    before = session.leader
    for bad in ("", "0", "43", "three", "-1", "9" * 50):
        answer = session.command("lesson", bad)
        assert session.leader == before
        assert "/lesson 3" in text_of(answer), bad


def test_a_done_can_be_undone_the_same_day_and_the_habit_follows(coach):
    session = Session(coach)
    session.onboard()
    session.command("today")
    done = session.press("done:welcome")
    assert "undo:welcome" in buttons_of(done)
    assert "Streak: 1 day" in text_of(session.command("stats"))
    undone = session.press("undo:welcome")
    assert undone.replies[0].edit and "done:welcome" in buttons_of(undone)
    assert session.leader.done_ids == frozenset()
    assert "Streak: 0 days" in text_of(session.command("stats"))
    assert session.press("undo:welcome").toast  # nothing left to undo
    session.press("done:welcome")
    answer = session.command("undo")
    assert "open again" in text_of(answer) and session.leader.done_ids == frozenset()
    assert "no lesson marked done" in text_of(session.command("undo")).lower()


def test_a_done_of_yesterday_cannot_be_undone(coach):
    session = Session(coach)
    session.onboard()
    session.command("today")
    session.press("done:welcome")
    session.now = utc(2026, 11, 24, 9, 0)
    before = session.leader
    assert "on the day" in text_of(session.command("undo"))
    assert session.press("undo:welcome").toast
    assert session.leader == before


@pytest.mark.parametrize("data", ["undo:welcome", "skp:not-a-lesson", "skn:not-a-lesson", "open:not-a-lesson",
                                  "lat:h:not-a-lesson", "lat:x:welcome", "clr:r:2500:-", "clr:r:-:-", "clr:r:-:5",
                                  "snz:h:deadbeef", "snz:q:deadbeef", "skp:", "undo:", "clr:l:0800:789"])
def test_new_buttons_forged_or_stale_change_nothing(coach, data):
    session = Session(coach)
    session.onboard()
    before = session.leader
    outcome = session.press(data)
    assert session.leader == before
    assert outcome.replies == () and outcome.toast
