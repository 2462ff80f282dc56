"""Lessons: the day's lesson (morning, /today, "Later" and its choices), Done (and its undo) and "Tell me more",
/done, /skip (asked first), /undo, /roadmap (every lesson, done or not), /lesson N (any lesson again), and the
evening nudge."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.core import schedule
from bot.core.actions import (
    ConfirmSkip,
    LaterWhen,
    LessonDone,
    LessonLater,
    LessonLaterAt,
    LessonMore,
    NoteIt,
    OpenLesson,
    OpenToday,
    StartComment,
    UndoDone,
)
from bot.core.content import Lesson
from bot.core.features import quiz
from bot.core.features.common import Context, local, say
from bot.core.features.onboarding import reask
from bot.core.features.path import account_message, needs_account
from bot.core.model import Delivery, Leader, LessonEvent, LessonKind
from bot.core.replies import Button, Html, Keyboard, Lines, Msg, Outcome, Quoted, Reply, msg

NUDGES = 5  # nudge_0 .. nudge_4 in the catalog, taken in turn


def current(ctx: Context, leader: Leader) -> Lesson | None:
    """The lesson to take next (None: the course is complete)."""
    return ctx.course(leader).current(leader.finished_ids)


def pending(ctx: Context, leader: Leader) -> Lesson | None:
    """The lesson last delivered, if it is neither done nor skipped."""
    if leader.delivery is None or leader.delivery.lesson_id in leader.finished_ids:
        return None
    return ctx.course(leader).lesson(leader.delivery.lesson_id)


def record(leader: Leader, lesson: Lesson, kind: LessonKind, now: datetime) -> Leader:
    """The leader with a lesson marked done or skipped today."""
    event = LessonEvent(lesson.id, kind, now, schedule.local_today(leader, now))
    return leader.with_(events=(*leader.events, event), later_at=None)


def done_today(leader: Leader, lesson_id: str, now: datetime) -> bool:
    """Whether this lesson was marked done on the leader's local date (a Done that can still be undone)."""
    today = schedule.local_today(leader, now)
    return any(e.lesson_id == lesson_id and e.kind == LessonKind.DONE and e.local_date == today for e in leader.events)


def message(ctx: Context, leader: Leader, lesson: Lesson, now: datetime, *, intro: str | None = None,
            more: bool = False, closed: bool | None = None, edit: bool = False, later: bool = True) -> Reply:
    """The lesson message: header, title, body (and its deeper part), action, sources, its state and buttons.

    A skipped lesson can still be marked done; a Done of today can be undone."""
    course = ctx.course(leader)
    finished = lesson.id in leader.finished_ids if closed is None else closed
    parts: list[Msg | Html] = []
    if intro:
        parts.append(msg(intro))
    parts.append(msg("lesson_header", module=lesson.module, module_title=course.modules.get(lesson.module, ""),
                     position=lesson.position, total=len(course.lessons)))
    parts.append(msg("lesson_title", title=lesson.title))
    parts.append(Html(lesson.body))
    if more and lesson.more:
        parts.append(Html(lesson.more))
    parts.append(msg("lesson_action", action=Html(lesson.action)))
    parts.extend(recalled(ctx, leader, lesson))
    if lesson.sources:
        parts.append(msg("lesson_sources", sources=Html("; ".join(lesson.sources))))
    if finished:
        status = "lesson_done_status" if lesson.id in leader.done_ids else "lesson_skipped_status"
        parts.append(msg(status, next=local(leader, schedule.next_slot(leader, now))))
    rows: list[tuple[Button, ...]] = []
    if not finished:
        buttons = [Button(msg("button_done"), LessonDone(lesson.id))]
        if later:
            buttons.append(Button(msg("button_later"), LessonLater(lesson.id)))
        rows.append(tuple(buttons))
    elif lesson.id not in leader.done_ids:  # skipped: it can still be done
        rows.append((Button(msg("button_done"), LessonDone(lesson.id)),))
    elif done_today(leader, lesson.id, now):
        rows.append((Button(msg("button_undo"), UndoDone(lesson.id)),))
    if lesson.more and not more:
        rows.append((Button(msg("button_more"), LessonMore(lesson.id)),))
    extra = []
    if lesson.note:
        extra.append(Button(msg("button_note"), NoteIt(lesson.id)))
    if lesson.stage == "comment":
        extra.append(Button(msg("button_comment_lesson"), StartComment()))
    if extra:
        rows.append(tuple(extra))
    return Reply(Lines(tuple(parts), "\n\n"), tuple(rows), edit=edit)


def recalled(ctx: Context, leader: Leader, lesson: Lesson) -> list[Msg]:
    """The leader's notes from the earlier lessons this one relies on, shown back."""
    course = ctx.course(leader)
    lines = []
    for lesson_id in lesson.recalls:
        note, earlier = leader.note_for(lesson_id), course.lesson(lesson_id)
        if note is not None and earlier is not None:
            lines.append(msg("note_recall", number=earlier.position, title=earlier.title, text=note.text))
    return lines


def today(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/today (and the "today's lesson" button): the lesson of the day, or the next one (the account step
    first, for a leader who has no account yet)."""
    if not leader.onboarded:
        return reask(ctx, leader)
    if needs_account(leader):
        return Outcome(leader, (account_message(ctx, leader),))
    lesson = current(ctx, leader)
    if lesson is None:
        return say(leader, msg("roadmap_complete"))
    day = schedule.local_today(leader, now)
    if leader.delivery is None or leader.delivery.local_date != day or leader.delivery.lesson_id != lesson.id:
        leader = leader.with_(delivery=Delivery(day, lesson.id))
    return Outcome(leader, (message(ctx, leader, lesson, now),))


def done(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/done: mark the lesson delivered done."""
    lesson = pending(ctx, leader)
    if lesson is None:
        return say(leader, msg("nothing_to_mark"))
    leader = record(leader, lesson, LessonKind.DONE, now)
    following = local(leader, schedule.next_slot(leader, now))
    said = Reply(msg("done_recorded", title=Quoted(lesson.title), next=following))
    question = quiz.ask(lesson)
    return Outcome(leader, (said, question) if question else (said,))


def skip(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/skip: asks first; a skipped lesson stays in /roadmap, to be taken later."""
    if not leader.onboarded:
        return reask(ctx, leader)
    lesson = pending(ctx, leader) or current(ctx, leader)
    if lesson is None:
        return say(leader, msg("roadmap_complete"))
    keyboard: Keyboard = ((Button(msg("button_skip_yes"), ConfirmSkip(lesson.id, True)),
                           Button(msg("button_skip_no"), ConfirmSkip(lesson.id, False))),)
    return say(leader, msg("skip_confirm", title=Quoted(lesson.title), number=lesson.position), buttons=keyboard)


def confirm_skip(ctx: Context, leader: Leader, action: ConfirmSkip, now: datetime) -> Outcome:
    """The answer to "skip this lesson?"."""
    lesson = ctx.course(leader).lesson(action.lesson_id)
    if lesson is None:
        return Outcome(leader, toast=msg("button_expired"))
    if not action.yes:
        return Outcome(leader, (Reply(msg("skip_kept", title=Quoted(lesson.title)), edit=True),))
    if lesson.id in leader.finished_ids:
        return Outcome(leader, toast=msg("already_done"))
    leader = record(leader, lesson, LessonKind.SKIPPED, now)
    following = current(ctx, leader)
    if following is None:
        text = msg("skipped_last", title=Quoted(lesson.title))
    else:
        text = msg("skipped_for_later", title=Quoted(lesson.title), number=lesson.position,
                   next=Quoted(following.title))
    return Outcome(leader, (Reply(text, edit=True),), toast=msg("saved"))


def undo(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/undo: take back the last Done of today."""
    today = schedule.local_today(leader, now)
    last = next((e for e in reversed(leader.events) if e.kind == LessonKind.DONE), None)
    if last is None:
        return say(leader, msg("undo_nothing"))
    if last.local_date != today:
        return say(leader, msg("undo_too_late"))
    lesson = ctx.course(leader).lesson(last.lesson_id)
    changed = _undone(leader, last.lesson_id, today)
    title = lesson.title if lesson else last.lesson_id
    return say(changed, msg("undone", title=Quoted(title)))


def _undone(leader: Leader, lesson_id: str, today: date) -> Leader:
    kept = tuple(e for e in leader.events
                 if not (e.lesson_id == lesson_id and e.kind == LessonKind.DONE and e.local_date == today))
    return leader.with_(events=kept)


def undo_press(ctx: Context, leader: Leader, action: UndoDone, now: datetime) -> Outcome:
    """The Undo button on a lesson marked done today: the lesson is open again, in place."""
    lesson = ctx.course(leader).lesson(action.lesson_id)
    if lesson is None:
        return Outcome(leader, toast=msg("button_expired"))
    if not done_today(leader, lesson.id, now):
        return Outcome(leader, toast=msg("undo_too_late"))
    changed = _undone(leader, lesson.id, schedule.local_today(leader, now))
    return Outcome(changed, (message(ctx, changed, lesson, now, edit=True),), toast=msg("undone_toast"))


def open_lesson(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/lesson N: any lesson of the course again, by its number."""
    if not leader.onboarded:
        return reask(ctx, leader)
    course = ctx.course(leader)
    value = args.strip().lstrip("#")
    if not value.isdigit() or not 1 <= int(value) <= len(course.lessons):
        return say(leader, msg("error_lesson_number", count=len(course.lessons)))
    lesson = course.lessons[int(value) - 1]
    return Outcome(leader, (message(ctx, leader, lesson, now, later=False),))


def open_press(ctx: Context, leader: Leader, action: OpenLesson, now: datetime) -> Outcome:
    """A button that opens a lesson again."""
    lesson = ctx.course(leader).lesson(action.lesson_id)
    if lesson is None or not leader.onboarded:
        return Outcome(leader, toast=msg("button_expired"))
    return Outcome(leader, (message(ctx, leader, lesson, now, later=False),))


ROADMAP_BUTTONS = 4  # lessons left behind offered as buttons under the roadmap


def roadmap(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/roadmap: each module with its lessons, done, skipped or ahead, and what comes next; any lesson opens
    again with /lesson N, and the first lessons left behind have a button."""
    course = ctx.course(leader)
    done_ids = course.credited(leader.done_ids)
    finished = course.credited(leader.finished_ids)
    following = course.current(leader.finished_ids)
    behind = [lesson for lesson in course.lessons if lesson.id in finished and lesson.id not in done_ids]
    behind += list(course.earlier_open(leader.finished_ids))
    lines: list[Msg] = [msg("roadmap_title")]
    for module, title in sorted(course.modules.items()):
        lessons = [lesson for lesson in course.lessons if lesson.module == module]
        count = sum(1 for lesson in lessons if lesson.id in done_ids)
        if lessons and all(lesson.id in finished for lesson in lessons):
            mark = "✅"
        elif following is not None and following.module == module:
            mark = "▶️"
        else:
            mark = "◻️"
        lines.append(msg("roadmap_module", mark=mark, module=module, title=title, done=count, total=len(lessons)))
        for lesson in lessons:
            if lesson.id in done_ids:
                state = "✅"
            elif lesson.id in finished:
                state = "⏭"
            elif following is not None and lesson.id == following.id:
                state = "▶️"
            else:
                state = "▫️"
            lines.append(msg("roadmap_lesson", mark=state, number=lesson.position, title=lesson.title))
    total_done = sum(1 for lesson in course.lessons if lesson.id in done_ids)
    lines.append(msg("roadmap_total", count=total_done, total=len(course.lessons)))
    if following is not None:
        lines.append(msg("roadmap_next", title=following.title))
    lines.append(msg("roadmap_open_hint"))
    keyboard: Keyboard = tuple((Button(msg("button_open_lesson", number=lesson.position, title=lesson.title),
                                       OpenLesson(lesson.id)),) for lesson in behind[:ROADMAP_BUTTONS])
    return say(leader, Lines(tuple(lines)), buttons=keyboard)


def press(ctx: Context, leader: Leader, action: LessonDone | LessonLater | LessonMore, now: datetime) -> Outcome:
    """Done, Later or "Tell me more" on a lesson message."""
    lesson = ctx.course(leader).lesson(action.lesson_id)
    if lesson is None:
        return Outcome(leader, toast=msg("button_expired"))
    if isinstance(action, LessonMore):
        finished = lesson.id in leader.finished_ids
        return Outcome(leader, (message(ctx, leader, lesson, now, more=True, closed=finished, edit=True),))
    if lesson.id in leader.done_ids or (isinstance(action, LessonLater) and lesson.id in leader.finished_ids):
        return Outcome(leader, toast=msg("already_done"))
    if isinstance(action, LessonLater):
        return Outcome(leader, (later_choices(leader, lesson, now),))
    leader = record(leader, lesson, LessonKind.DONE, now)
    replies = [message(ctx, leader, lesson, now, closed=True, edit=True)]
    question = quiz.ask(lesson)
    if question is not None:
        replies.append(question)
    return Outcome(leader, tuple(replies), toast=msg("done_toast"))


EVENING = time(18, 0)  # "this evening", offered until an hour before
MORNING = time(8, 0)  # "tomorrow morning"


def later_choices(leader: Leader, lesson: Lesson, now: datetime) -> Reply:
    """When shall the lesson come back? In an hour, this evening (while it is still ahead), tomorrow morning."""
    clock = schedule.local_now(now, leader.timezone)
    choices = [Button(msg("button_later_hour"), LessonLaterAt(lesson.id, LaterWhen.HOUR))]
    if clock.time() < time(EVENING.hour - 1, EVENING.minute):
        choices.append(Button(msg("button_later_evening", time=EVENING), LessonLaterAt(lesson.id, LaterWhen.EVENING)))
    choices.append(Button(msg("button_later_tomorrow", time=MORNING), LessonLaterAt(lesson.id, LaterWhen.TOMORROW)))
    return Reply(msg("later_ask", title=Quoted(lesson.title)), (tuple(choices),))


def later_at(ctx: Context, leader: Leader, action: LessonLaterAt, now: datetime) -> Outcome:
    """The moment chosen for a lesson put off: it comes back then, once."""
    lesson = ctx.course(leader).lesson(action.lesson_id)
    if lesson is None:
        return Outcome(leader, toast=msg("button_expired"))
    if lesson.id in leader.finished_ids:
        return Outcome(leader, toast=msg("already_done"))
    today = schedule.local_today(leader, now)
    if action.when is LaterWhen.HOUR:
        moment = now + timedelta(hours=1)
    elif action.when is LaterWhen.EVENING:
        moment = schedule.at_local(leader, today, EVENING)
        if moment <= now:
            moment = now + timedelta(hours=1)
    else:
        moment = schedule.at_local(leader, today + timedelta(days=1), MORNING)
    changed = leader.with_(later_at=moment)
    if leader.delivery is None or leader.delivery.lesson_id != lesson.id:
        changed = changed.with_(delivery=Delivery(today, lesson.id))
    said = msg("later_set_at", title=Quoted(lesson.title), at=schedule.local_now(moment, leader.timezone))
    return Outcome(changed, (Reply(said, edit=True),), toast=msg("saved"))


def account_ready(ctx: Context, leader: Leader, now: datetime) -> Outcome:
    """"My profile is ready": the account step is done, and lesson 1 follows."""
    if leader.account_ready:
        return Outcome(leader, toast=msg("already_done"))
    changed = leader.with_(account_ready=True)
    shown = today(ctx, changed, "", now)
    return Outcome(shown.leader, (Reply(msg("account_ready"), edit=True), *shown.replies), toast=msg("saved"))


def morning(ctx: Context, leader: Leader, slot: datetime) -> tuple[Leader, Lesson | None]:
    """Record the day's delivery (before anything is sent): the leader, and the lesson to send if any."""
    day: date = schedule.local_now(slot, leader.timezone).date()
    lesson = current(ctx, leader)
    return leader.with_(delivery=Delivery(day, lesson.id if lesson else ""), later_at=None), lesson


def later(ctx: Context, leader: Leader, now: datetime) -> tuple[Leader, Reply | None]:
    """The lesson put off with "Later", when its time has come."""
    if leader.later_at is None or leader.later_at > now:
        return leader, None
    lesson = pending(ctx, leader)
    leader = leader.with_(later_at=None)
    if lesson is None or schedule.is_paused(leader, schedule.local_today(leader, now)):
        return leader, None
    return leader, message(ctx, leader, lesson, now, intro="intro_later")


def nudge(leader: Leader, now: datetime) -> tuple[Leader, Reply | None]:
    """The evening nudge, on a scheduled day whose lesson is not done yet (at most once, wording in turn)."""
    day = schedule.due_nudge(leader, now)
    if day is None:
        return leader, None
    key = f"nudge_{leader.nudge_turn % NUDGES}"
    leader = leader.with_(nudged_on=day, nudge_turn=leader.nudge_turn + 1)
    keyboard: Keyboard = ((Button(msg("button_today"), OpenToday()),),)
    return leader, Reply(msg(key), keyboard)
