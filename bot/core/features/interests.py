"""/interests: topics the leader cares about, which weigh more than the sector's keywords in suggestions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.core.features.common import Context, invalid, say
from bot.core.model import Leader
from bot.core.news import plain_text
from bot.core.parse import InputError
from bot.core.replies import Outcome, msg

MAX_INTERESTS = 20
MAX_INTEREST_CHARS = 40
ADD = ("add", "ajouter")
REMOVE = ("remove", "retirer", "supprimer", "delete")
CLEAR = ("clear", "effacer", "vider")


def interests(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """`/interests`, `/interests add AI, supply chain`, `/interests remove AI`, `/interests clear`."""
    verb, _, rest = args.partition(" ")
    verb = verb.lower()
    current = list(leader.taste.interests)
    if verb in ADD:
        # As plain words: "<b>AI</b>" is the interest "AI" (the words are read, never their markup).
        wanted = [w for w in (plain_text(p, 4 * MAX_INTEREST_CHARS) for p in rest.split(",")) if w]
        if not wanted or any(len(w) > MAX_INTEREST_CHARS for w in wanted):
            return invalid(leader, InputError("error_interests"))
        folded = {i.casefold() for i in current}
        for word in wanted:
            if word.casefold() not in folded:
                folded.add(word.casefold())
                current.append(word)
        if len(current) > MAX_INTERESTS:
            return invalid(leader, InputError("error_interests_count"))
    elif verb in REMOVE:
        gone = {p.strip().casefold() for p in rest.split(",") if p.strip()}
        kept = [i for i in current if i.casefold() not in gone]
        if not gone or len(kept) == len(current):
            return invalid(leader, InputError("error_interests_remove"))
        current = kept
    elif verb in CLEAR:
        current = []
    elif verb:
        return invalid(leader, InputError("error_interests"))
    changed = leader.with_(taste=replace(leader.taste, interests=tuple(current)))
    listed = ", ".join(current) if current else msg("interests_none")
    return say(changed, msg("interests", interests=listed))
