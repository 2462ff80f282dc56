"""The lessons' questions: one short scenario after Done (2 or 3 answers as buttons, each with one line of feedback
that says why), and one asked again in the weekly recap from a lesson of an earlier week (spaced review).

An answer is kept (`Leader.quiz`) but counts for nothing: no streak, no score, and nothing is said to a leader who
leaves a question unanswered.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.core import schedule
from bot.core.actions import QuizPick
from bot.core.content import Course, Lesson
from bot.core.features.common import Context
from bot.core.model import Leader, LessonKind, QuizAnswer
from bot.core.replies import Button, Keyboard, Lines, Msg, Outcome, Reply, msg


def ask(lesson: Lesson, *, review: bool = False) -> Reply | None:
    """The lesson's question with its answers as buttons (None: the lesson has no question)."""
    question = lesson.question
    if question is None:
        return None
    intro = msg("quiz_review_intro", title=lesson.title) if review else msg("quiz_intro")
    keyboard: Keyboard = tuple((Button(choice.text, QuizPick(lesson.id, n, review)),)
                               for n, choice in enumerate(question.choices))
    return Reply(Lines((intro, question.prompt), "\n\n"), keyboard)


def pick(ctx: Context, leader: Leader, action: QuizPick, now: datetime) -> Outcome:
    """An answer tapped: the question, the answer and its feedback, in place of the buttons; kept, counted for
    nothing."""
    lesson = ctx.course(leader).lesson(action.lesson_id)
    if lesson is None or lesson.question is None or action.choice >= len(lesson.question.choices):
        return Outcome(leader, toast=msg("button_expired"))
    question = lesson.question
    choice = question.choices[action.choice]
    answer = QuizAnswer(lesson.id, action.choice, schedule.local_today(leader, now), action.review)
    if answer not in leader.quiz:
        leader = leader.with_(quiz=(*leader.quiz, answer))
    parts: list[Msg | str] = [question.prompt,
                              msg("quiz_best_pick" if choice.best else "quiz_other_pick",
                                  answer=choice.text, feedback=choice.feedback)]
    if not choice.best:
        best = next(c for c in question.choices if c.best)
        parts.append(msg("quiz_best_was", answer=best.text))
    return Outcome(leader, (Reply(Lines(tuple(parts), "\n\n"), edit=True),), toast=msg("saved"))


def review(ctx: Context, leader: Leader, today: date) -> Reply | None:
    """A question from a lesson done before this week, for the weekly recap: among the lessons whose question
    was reviewed the fewest times, one chosen in turn from week to week (a question left unanswered simply gives
    way to another the next week). None when no earlier lesson has a question."""
    course: Course = ctx.course(leader)
    monday = today - timedelta(days=today.weekday())
    done_before = {e.lesson_id for e in leader.events if e.kind == LessonKind.DONE and e.local_date < monday}
    candidates = [lesson for lesson in course.lessons if lesson.id in done_before and lesson.question is not None]
    if not candidates:
        return None
    reviews = {lesson.id: sum(1 for q in leader.quiz if q.lesson_id == lesson.id and q.review)
               for lesson in candidates}
    fewest = min(reviews.values())
    pool = [lesson for lesson in candidates if reviews[lesson.id] == fewest]
    return ask(pool[(monday.toordinal() // 7) % len(pool)], review=True)
