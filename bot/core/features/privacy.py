"""Privacy: /export sends everything kept about the leader; /delete forgets it, after a confirmation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.core.actions import ConfirmDelete
from bot.core.codec import leader_to_dict
from bot.core.features.common import Context
from bot.core.model import Leader
from bot.core.replies import Button, Document, Outcome, Reply, msg


def export(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/export: the leader's data as a JSON file."""
    data = {"exported_at": now.isoformat(), "leader": leader_to_dict(leader)}
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    document = Document(f"coachbot-export-{leader.user_id}.json", content)
    return Outcome(leader, (Reply(msg("export_caption"), document=document),))


CONFIRM_WITHIN = timedelta(minutes=15)


def _minutes(now: datetime) -> int:
    return int(now.timestamp() // 60)


def delete(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/delete: ask first; the answer is valid on that question only, and for a quarter of an hour."""
    asked = _minutes(now)
    keyboard = ((Button(msg("button_delete_yes"), ConfirmDelete(True, asked)),
                 Button(msg("button_delete_no"), ConfirmDelete(False, asked))),)
    return Outcome(leader, (Reply(msg("delete_confirm"), keyboard),))


def confirm(ctx: Context, leader: Leader, action: ConfirmDelete, now: datetime) -> Outcome:
    """The answer to the confirmation: forget everything, or nothing."""
    if not action.yes:
        return Outcome(leader, (Reply(msg("delete_cancelled"), edit=True),))
    fresh = action.asked is not None and 0 <= _minutes(now) - action.asked <= CONFIRM_WITHIN.total_seconds() // 60
    if not fresh:
        return Outcome(leader, (Reply(msg("delete_expired"), edit=True),))
    return Outcome(None, (Reply(msg("deleted"), edit=True),), forget=True)
