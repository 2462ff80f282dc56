"""The course's questions: one short scenario after Done (answers as buttons, each with its line of feedback), asked
again in the weekly recap from an earlier week, counted for nothing; and what `content check` refuses in lessons
(no stage, an answer without feedback, a figure without its dated source or its line in the figure table, a
French/English pair that says other things)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.content_files import check_content, read_figure_table
from bot.core.actions import UNKNOWN, QuizPick, decode, encode
from bot.core.checks import RawLesson, check_figure_table, check_lesson, check_pairs, question_problems
from bot.core.codec import leader_from_dict, leader_to_dict
from bot.core.markup import html_to_text
from bot.core.model import LessonKind, QuizAnswer
from tests.conftest import CONTENT_DIR, utc
from tests.test_coach import Session, buttons_of, text_of

QUESTION = {
    "prompt": "A peer says nothing about them is online. What do you answer?",
    "answers": [
        {"text": "True", "feedback": "Not quite: others write about you."},
        {"text": "Others already write about you", "feedback": "Yes: your presence exists already.", "best": True},
    ],
}


def done_first_lesson(coach) -> tuple[Session, object]:
    session = Session(coach)
    session.onboard()
    session.now = utc(2026, 11, 23, 9, 0)
    session.command("today")
    return session, session.press("done:welcome")


def test_done_brings_the_lessons_question_with_its_answers_as_buttons(coach, content):
    session, outcome = done_first_lesson(coach)
    question = content.courses["en"].lesson("welcome").question
    assert question is not None
    assert outcome.replies[0].edit and not outcome.replies[1].edit  # the lesson in place, the question below
    assert question.prompt in html_to_text(outcome.replies[1].text)
    assert buttons_of(outcome)[-len(question.choices):] == [f"qz:{n}:welcome" for n in range(len(question.choices))]


def test_a_tap_shows_that_answers_feedback_in_place_and_counts_for_nothing(coach, content):
    session, _ = done_first_lesson(coach)
    question = content.courses["en"].lesson("welcome").question
    wrong = next(n for n, c in enumerate(question.choices) if not c.best)
    best = next(c for c in question.choices if c.best)
    before = session.leader
    tapped = session.press(f"qz:{wrong}:welcome")
    text = text_of(tapped)
    assert question.choices[wrong].feedback in text and best.text in text
    assert tapped.replies[0].edit and tapped.replies[0].buttons == ()
    assert session.leader.quiz == (QuizAnswer("welcome", wrong, date(2026, 11, 23)),)
    assert session.leader.events == before.events  # no lesson, streak or score moves with an answer
    session.press(f"qz:{wrong}:welcome")  # the same press again (a retry) is kept once
    assert len(session.leader.quiz) == 1


def test_done_typed_as_a_command_asks_the_question_too(coach):
    session = Session(coach)
    session.onboard()
    session.now = utc(2026, 11, 23, 9, 0)
    session.command("today")
    outcome = session.command("done")
    assert "qz:0:welcome" in buttons_of(outcome)


def test_a_question_for_an_answer_that_does_not_exist_changes_nothing(coach):
    session, _ = done_first_lesson(coach)
    before = session.leader
    for data in ("qz:2:here-to-stay", "qz:0:no-such-lesson", "qz:3:welcome", "qz:x:welcome"):
        session.press(data)
        assert session.leader == before, data


def two_weeks_of_lessons(coach) -> Session:
    session = Session(coach)
    session.onboard()
    for day in (16, 17, 18, 19, 20, 23, 24):
        session.now = utc(2026, 11, day, 9, 0)
        lesson = session.command("today")
        lesson_id = next(b.data for r in lesson.replies for row in r.buttons for b in row
                         if (b.data or "").startswith("done:")).split(":", 1)[1]
        session.press(f"done:{lesson_id}")
    return session


def review_of(outcome) -> tuple[str, int] | None:
    for data in buttons_of(outcome):
        action = decode(data)
        if isinstance(action, QuizPick) and action.review:
            return action.lesson_id, len([d for d in buttons_of(outcome) if d.startswith("qr:")])
    return None


def test_the_weekly_recap_asks_a_question_from_an_earlier_week_and_skipping_it_costs_nothing(coach, content):
    session = two_weeks_of_lessons(coach)
    sunday = utc(2026, 11, 29, 17, 0)
    woken = coach.wake(session.leader, sunday)
    asked = review_of(woken)
    assert asked is not None
    lesson_id, _ = asked
    earlier = {e.lesson_id for e in session.leader.events if e.local_date < date(2026, 11, 23)}
    assert lesson_id in earlier  # a lesson of an earlier week, not this week's
    assert "earlier week" in text_of(woken)
    # Skipped: nothing is recorded against the leader; next week's recap asks again, from the same pool.
    assert woken.leader.quiz == session.leader.quiz
    later = coach.wake(woken.leader, sunday + timedelta(days=7))
    assert review_of(later) is not None
    # Answered: kept as a review, and that question gives way to one reviewed fewer times.
    session.leader = woken.leader
    session.now = sunday
    session.press(f"qr:0:{lesson_id}")
    assert session.leader.quiz[-1] == QuizAnswer(lesson_id, 0, date(2026, 11, 29), review=True)
    again = coach.wake(session.leader.with_(recapped_on=None), sunday + timedelta(days=7))
    assert review_of(again) is not None and review_of(again)[0] != lesson_id


def test_no_earlier_week_no_review_question(coach):
    session = Session(coach)
    session.onboard()
    session.now = utc(2026, 11, 23, 9, 0)
    session.command("today")
    session.press("done:welcome")
    woken = coach.wake(session.leader, utc(2026, 11, 29, 17, 0))
    assert woken.replies and review_of(woken) is None


@given(st.from_regex(r"[a-z0-9][a-z0-9-]{0,31}", fullmatch=True), st.integers(0, 2), st.booleans())
def test_a_question_button_goes_through_the_one_codec(lesson_id, choice, review):
    action = QuizPick(lesson_id, choice, review)
    data = encode(action)
    assert len(data.encode()) <= 64 and decode(data) == action


def test_forged_question_buttons_are_unknown():
    for data in ("qz:3:welcome", "qz:-1:welcome", "qz::welcome", "qz:0:", "qz:0:Welcome", "qr:1", "qz:01:welcome"):
        assert decode(data) is UNKNOWN, data


def test_answers_are_stored_and_a_leader_stored_without_them_opens(coach):
    session, _ = done_first_lesson(coach)
    session.press("qz:1:welcome")
    data = leader_to_dict(session.leader)
    assert leader_from_dict(data) == session.leader
    del data["quiz"]
    assert leader_from_dict(data).quiz == ()


# --- what the check refuses -------------------------------------------------------------------------------------

def lesson(body: str = "A short body.", name: str = "01-a-lesson.md", more: str = "", **meta) -> RawLesson:
    base = {"id": "a-lesson", "stage": "listen", "module": 1, "title": "A title", "action": "Do it.", "sources": [],
            "tags": ["x"]}
    base.update(meta)
    return RawLesson(name, base, body, more)


def test_a_lesson_without_its_stage_fails():
    assert check_lesson(lesson()) == []
    no_stage = lesson()
    del no_stage.meta["stage"]  # type: ignore[attr-defined]
    assert any("missing 'stage'" in p for p in check_lesson(no_stage))
    assert any("stage must be one of" in p for p in check_lesson(lesson(stage="shout")))


def test_a_question_without_feedback_for_each_answer_fails():
    assert check_lesson(lesson(question=QUESTION)) == []
    no_feedback = {**QUESTION, "answers": [QUESTION["answers"][0], {"text": "Others", "best": True}]}
    assert any("answer 2 has no feedback" in p for p in check_lesson(lesson(question=no_feedback)))
    assert any("2 or 3 answers" in p for p in question_problems({**QUESTION, "answers": QUESTION["answers"][:1]}))
    no_best = {**QUESTION, "answers": [{"text": "a", "feedback": "why"}, {"text": "b", "feedback": "why"}]}
    assert any("best" in p for p in question_problems(no_best))
    assert any("no prompt" in p or "prompt" in p for p in question_problems({"answers": QUESTION["answers"]}))


def test_a_fact_without_source_or_date_fails():
    assert any("no source" in p for p in check_lesson(lesson("In 2024, 35% of firms saw impersonation.")))
    dated = lesson("In 2024, 35% of firms saw impersonation.", sources=["DSIT, Cyber security breaches survey"])
    assert any("has no year" in p for p in check_lesson(dated))


def test_a_figure_missing_from_the_figure_table_fails():
    given_figure = lesson("In 2024, 35% of firms saw impersonation.", sources=["DSIT (2024)"])
    row = {"lesson": "`a-lesson`", "figure": "35%", "source": "DSIT", "date": "2024", "audience": "SME"}
    assert check_figure_table([given_figure], [row]) == []
    assert any("missing from the figure table" in p for p in check_figure_table([given_figure], []))
    assert any("no source" in p for p in check_figure_table([given_figure], [{**row, "source": ""}]))
    assert any("no date" in p for p in check_figure_table([given_figure], [{**row, "date": "recent"}]))
    assert any("no lesson gives" in p for p in check_figure_table([lesson()], [row]))


def test_a_french_english_pair_whose_numbers_names_or_paragraphs_differ_fails():
    en = lesson("In 2024, Bpifrance asked 1,657 leaders.\n\nA second paragraph.")
    fr = lesson("En 2024, Bpifrance a interrogé 1\u202f657 dirigeants.\n\nUn second paragraphe.")
    assert check_pairs([en], [fr]) == []
    other_number = lesson("En 2023, Bpifrance a interrogé 1\u202f657 dirigeants.\n\nUn second paragraphe.")
    assert any("numbers differ" in p for p in check_pairs([en], [other_number]))
    # A name is a capitalised word the other language's course writes too (here, in another lesson).
    other_name = lesson("En 2024, l’Insee a interrogé 1\u202f657 dirigeants.\n\nUn second paragraphe.")
    en2 = lesson("Bpifrance again.", name="02-b-lesson.md", id="b-lesson")
    fr2 = lesson("Encore Bpifrance.", name="02-b-lesson.md", id="b-lesson")
    assert check_pairs([en, en2], [fr, fr2]) == []
    assert any("names" in p and "Bpifrance" in p for p in check_pairs([en, en2], [other_name, fr2]))
    one_paragraph = lesson("En 2024, Bpifrance a interrogé 1\u202f657 dirigeants. Un second paragraphe.")
    assert any("paragraphs" in p for p in check_pairs([en], [one_paragraph]))
    asked = lesson("In 2024, Bpifrance asked 1,657 leaders.\n\nA second paragraph.", question=QUESTION)
    assert any("question differs" in p for p in check_pairs([asked], [fr]))
    swapped = {**QUESTION, "answers": [{**a, "best": not a.get("best", False)} for a in QUESTION["answers"]]}
    other_best = lesson("En 2024, Bpifrance a interrogé 1\u202f657 dirigeants.\n\nUn second paragraphe.",
                        question=swapped)
    assert any("question differs" in p for p in check_pairs([asked], [other_best]))


def test_the_shipped_figure_table_lists_each_figure_once_with_its_source():
    rows = read_figure_table(CONTENT_DIR)
    assert rows and check_content(CONTENT_DIR) == []
    assert len({(r["lesson"], r["figure"]) for r in rows}) == len(rows)


def test_at_least_fifteen_lessons_check_what_stuck_in_both_languages(content):
    for language in ("en", "fr"):
        asked = [lesson for lesson in content.courses[language].lessons if lesson.question is not None]
        assert len(asked) >= 15, language
    en = {x.id: x.question for x in content.courses["en"].lessons}
    for x in content.courses["fr"].lessons:
        assert (x.question is None) == (en[x.id] is None), x.id
        if x.question and en[x.id]:
            assert [c.best for c in x.question.choices] == [c.best for c in en[x.id].choices], x.id


def test_leaders_past_a_lesson_are_not_sent_back(content):
    course = content.courses["en"]
    ids = [x.id for x in course.lessons]
    finished = frozenset(ids[:30])
    assert course.current(finished) == course.lessons[30]
    assert LessonKind.DONE  # progress stays by id: the ids of the second edition are all still there
    assert {"welcome", "employee-advocacy", "lead-by-example", "company-crisis"} <= set(ids)


def test_on_telegram_the_question_follows_done_and_a_tap_answers_in_place(tmp_path):
    from tests.telegram_harness import Harness, run

    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(77)
            await bot.press(77, "go:today")
            await bot.press(77, "done:welcome")
            question = bot.last(77)
            assert "qz:1:welcome" in [b["callback_data"] for row in question.reply_markup["inline_keyboard"]
                                      for b in row]
            await bot.press(77, "qz:1:welcome")
            answered = next(m for m in bot.api.messages(77) if m.message_id == question.message_id)
            assert answered.edits == 1 and not (answered.reply_markup or {}).get("inline_keyboard")
            assert "Others already write about you" in answered.text
            assert bot.api.calls_to("answerCallbackQuery")[-1].ok

    run(scenario())


def test_every_row_of_the_coverage_table_quotes_a_sentence_its_lesson_really_says(content):
    import re

    readme = (CONTENT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Coverage of the seeds\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    assert len(rows) >= 40
    texts = {x.id: html_to_text(x.body + "\n" + x.more) for x in content.courses["en"].lessons}
    for row in rows:
        seed, idea, lessons, carried = (cell.strip() for cell in row.strip("|").split("|"))
        match = re.fullmatch(r"`([a-z0-9-]+)`: “(.+)”", carried)
        assert match, f"{idea!r}: no sentence quoted"
        lesson_id, quote = match.groups()
        assert f"`{lesson_id}`" in lessons, idea
        assert quote in texts[lesson_id], f"{idea!r}: {lesson_id} does not say {quote!r}"


def test_the_review_goes_to_the_questions_reviewed_the_fewest_times(coach):
    session = two_weeks_of_lessons(coach)
    leader = session.leader
    earlier = [e.lesson_id for e in leader.events if e.local_date < date(2026, 11, 23)]
    course = coach.content.courses["en"]
    asked = [x for x in earlier if course.lesson(x).question is not None]
    assert len(asked) >= 3
    reviewed = tuple(QuizAnswer(x, 0, date(2026, 11, 22), review=True) for x in asked[:-1])
    leader = leader.with_(quiz=reviewed)
    for week in range(4):  # whatever the week, the one question never reviewed comes first
        woken = coach.wake(leader.with_(recapped_on=None), utc(2026, 11, 29, 17, 0) + timedelta(days=7 * week))
        assert review_of(woken)[0] == asked[-1]
