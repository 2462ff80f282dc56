"""Onboarding: /start for a newcomer, resuming an unfinished onboarding, and welcoming a leader back.

The questions live in `questions`; how an answer moves onboarding on (or changes a setting) in `answers`.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.actions import OpenToday
from bot.core.events import Who
from bot.core.features.common import Context, summary
from bot.core.features.questions import ask
from bot.core.model import ONBOARDING_STEPS, Leader, Step
from bot.core.parse import language_from_code
from bot.core.replies import Button, Outcome, Reply, msg


def start(ctx: Context, leader: Leader | None, who: Who, now: datetime) -> Outcome:
    """/start: welcome a newcomer, resume an unfinished onboarding, or welcome a leader back."""
    if leader is None:
        leader = Leader(
            user_id=who.user_id,
            chat_id=who.chat_id,
            language=language_from_code(who.language_code),
            created_at=now,
            awaiting=Step.LANGUAGE,
        )
        return Outcome(leader, (ask(ctx, leader, Step.LANGUAGE, before=msg("welcome")),))
    leader = leader.with_(active=True, chat_id=who.chat_id)
    if not leader.onboarded:
        step = leader.awaiting or ONBOARDING_STEPS[0]
        before = msg("welcome") if step is ONBOARDING_STEPS[0] else None
        return Outcome(leader.with_(awaiting=step), (ask(ctx, leader, step, before=before),))
    text = msg("welcome_back", summary=summary(leader, now))
    keyboard = ((Button(msg("button_today"), OpenToday()),),)
    return Outcome(leader.with_(awaiting=None), (Reply(text, keyboard),))


def reask(ctx: Context, leader: Leader) -> Outcome:
    """A command that needs onboarding finished: say so, and ask the question that is owed."""
    step = leader.awaiting or ONBOARDING_STEPS[0]
    left = len(ONBOARDING_STEPS) - ONBOARDING_STEPS.index(step) if step in ONBOARDING_STEPS else 1
    reply = ask(ctx, leader, step, before=msg("finish_onboarding", count=left))
    return Outcome(leader.with_(awaiting=step), (reply,))
