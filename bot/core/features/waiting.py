"""The one way in for the leader's own words: whatever the bot is waiting for (an answer to a question, a
reminder's text, a take on an article, the text of a post to comment on, the leader's view for that comment, a note
for a lesson, a post of their own for /style), plain text goes through `words`. A typed line comes here; so can
a confirmed voice transcript, in one line:

    return waiting.words(ctx, leader, transcript, now)
"""

from __future__ import annotations

from datetime import datetime

from bot.core.features import answers, comments, notes, reminders, style, suggestions
from bot.core.features.common import Context
from bot.core.model import Leader, WaitKind
from bot.core.replies import Outcome, Reply, msg


def words(ctx: Context, leader: Leader, text: str, now: datetime) -> Outcome:
    """The leader's words, handed to what waits for them (or the free-text answer when nothing does)."""
    if leader.awaiting:
        return answers.answer(ctx, leader, leader.awaiting, text, now, typed=True)
    if leader.reminder_wait is not None:
        return reminders.text_for(leader, text, now)
    if leader.take_for:
        return suggestions.take(ctx, leader, text)
    waiting = leader.waiting
    if waiting is not None:
        if waiting.kind is WaitKind.COMMENT_POST:
            return comments.post_given(ctx, leader, text, now)
        if waiting.kind is WaitKind.COMMENT_VIEW:
            return comments.view_given(ctx, leader, text, now)
        if waiting.kind is WaitKind.NOTE:
            return notes.note_given(ctx, leader, waiting.ref, text, now)
    if leader.style_waiting:
        return style.example(ctx, leader, text)
    return Outcome(leader, (Reply(msg("free_text")),))
