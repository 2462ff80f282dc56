"""Notes: what a lesson's action produced (five names, three topics, a charter line), typed after "📝 Note it",
kept, shown back at the lessons that rely on it, listed in /notes (with the articles saved). Topics noted become
interests. Notes go in /export, are gone with /delete, and are never sent to a model."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from bot.core.actions import NoteIt
from bot.core.features.common import Context, say
from bot.core.features.interests import MAX_INTEREST_CHARS, MAX_INTERESTS
from bot.core.features.onboarding import reask
from bot.core.model import Leader, Note, OfferStatus, Waiting, WaitKind
from bot.core.replies import Lines, Msg, Outcome, Reply, msg

NOTE_LIMIT = 1000  # characters of one note
_TOPICS_SPLIT = re.compile(r"[,;\n]|\s+-\s+")


def note_it(ctx: Context, leader: Leader, action: NoteIt) -> Outcome:
    """📝 Note it: wait for the leader's words for this lesson."""
    lesson = ctx.course(leader).lesson(action.lesson_id)
    if lesson is None or not lesson.note:
        return Outcome(leader, toast=msg("button_expired"))
    changed = leader.with_(waiting=Waiting(WaitKind.NOTE, lesson.id), take_for=None)
    return Outcome(changed, (Reply(msg("note_ask", title=lesson.title)),))


def _topics(text: str) -> list[str]:
    parts = (" ".join(p.split()).strip(" .") for p in _TOPICS_SPLIT.split(text))
    return [p for p in parts if p and len(p) <= MAX_INTEREST_CHARS]


def note_given(ctx: Context, leader: Leader, lesson_id: str, text: str, now: datetime) -> Outcome:
    """The note, typed: kept (replacing an earlier one for the same lesson); topics become interests."""
    lesson = ctx.course(leader).lesson(lesson_id)
    if lesson is None:
        return Outcome(leader.with_(waiting=None), (Reply(msg("free_text")),))
    words = text.strip()
    if not words:
        return say(leader, msg("note_too_short"))
    if len(words) > NOTE_LIMIT:
        return say(leader, msg("note_too_long", count=NOTE_LIMIT))
    notes = (*(n for n in leader.notes if n.lesson_id != lesson_id), Note(lesson_id, words, now))
    changed = leader.with_(notes=notes, waiting=None)
    if lesson.note == "topics":
        current = list(leader.taste.interests)
        folded = {i.casefold() for i in current}
        added = [t for t in dict.fromkeys(_topics(words)) if t.casefold() not in folded]
        added = added[:max(0, MAX_INTERESTS - len(current))]
        if added:
            changed = changed.with_(taste=replace(changed.taste, interests=(*current, *added)))
            return say(changed, msg("note_kept_topics", topics=", ".join(added)))
    return say(changed, msg("note_kept"))


def show(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/notes: every note, in course order, and the articles saved."""
    if not leader.onboarded:
        return reask(ctx, leader)
    course = ctx.course(leader)
    lines: list[Msg] = []
    for lesson in course.lessons:
        note = leader.note_for(lesson.id)
        if note is not None:
            lines.append(msg("notes_item", number=lesson.position, title=lesson.title, text=note.text))
    saved = [o for o in leader.offers if o.status == OfferStatus.SAVED]
    parts: list[Msg | Lines] = [msg("notes_title"), Lines(tuple(lines))] if lines else [msg("notes_none")]
    if saved:
        parts += [msg("notes_saved_title"),
                  Lines(tuple(msg("notes_saved_item", link=o.link, title=o.title, source=o.source) for o in saved))]
    return say(leader, Lines(tuple(parts), "\n\n"))
