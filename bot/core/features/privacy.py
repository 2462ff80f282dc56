"""Privacy: /export sends everything kept about the leader; /delete forgets it, after a confirmation."""

from __future__ import annotations

import json
from datetime import datetime

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


def delete(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/delete: ask first."""
    keyboard = ((Button(msg("button_delete_yes"), ConfirmDelete(True)),
                 Button(msg("button_delete_no"), ConfirmDelete(False))),)
    return Outcome(leader, (Reply(msg("delete_confirm"), keyboard),))


def confirm(ctx: Context, leader: Leader, action: ConfirmDelete) -> Outcome:
    """The answer to the confirmation: forget everything, or nothing."""
    if action.yes:
        return Outcome(None, (Reply(msg("deleted"), edit=True),), forget=True)
    return Outcome(leader, (Reply(msg("delete_cancelled"), edit=True),))
