"""Voice notes: a leader says their words instead of typing them, and stays in control of them.

A voice note within the limits (two minutes, 20 MB) is fetched and transcribed outside the core (`Transcribe`),
then comes back (`Transcribed`) as "I heard: …" with ✅ Use it, ✏️ Edit (type the corrected text) and 🔁 Again.
Only a confirmed transcript is used, and only fillers were taken out of it. What waited for the leader's words
(a take after ✍️ My take) keeps waiting whatever happens to the note: a failing service, a note too long, no
service at all. A voice note that nothing waited for is first confirmed, then the leader says what it is for.

`use` hands confirmed words to the one way in for the leader's words (`waiting.words`): an answer, a take, the
post to comment on or the view for that comment, a note, whatever waits for them.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.actions import Choice, HeardFor, OnHeard
from bot.core.events import Transcribed, VoiceNote
from bot.core.features import waiting
from bot.core.features.common import Context, say
from bot.core.features.onboarding import reask
from bot.core.model import Leader, OfferStatus
from bot.core.posts import TAKE_LIMIT
from bot.core.replies import Button, Outcome, Reply, Transcribe, msg
from bot.core.speech import MAX_BYTES, MAX_SECONDS, check_of, without_fillers

HEARD_LIMIT = 3_000  # characters of a transcript kept (two minutes of speech are about 2,000)
PURPOSES_SHOWN = 3  # suggestions a note sent on its own may become the take on


def is_waiting(leader: Leader) -> bool:
    """Whether something waits for the leader's words (an answer, a reminder's text, a take, a comment's post or
    view, a note, a post of their own for /style)."""
    return bool(leader.awaiting or leader.reminder_wait is not None or leader.take_for or leader.waiting is not None
                or leader.style_waiting)


def use(ctx: Context, leader: Leader, words: str, now: datetime) -> Outcome:
    """The leader's confirmed words go to what waited for them. Nothing waited: the bot asks what they are for,
    keeping them meanwhile."""
    if leader.take_for and len(words) > TAKE_LIMIT:  # kept, to be shortened: the take is typed from what was said
        return say(leader.with_(heard=words, heard_editing=True),
                   msg("take_too_long", count=TAKE_LIMIT), msg("voice_edit", words=words))
    if is_waiting(leader):
        return waiting.words(ctx, leader.with_(heard=None, heard_editing=False), words, now)
    return _ask_purpose(leader.with_(heard=words, heard_editing=False), words)


def arrived(ctx: Context, leader: Leader, note: VoiceNote) -> Outcome:
    """A voice note: refused when too long or when nothing can transcribe it; else fetched and transcribed."""
    if not leader.onboarded:  # the onboarding's questions are answered with their buttons
        return reask(ctx, leader)
    if note.seconds > MAX_SECONDS:
        return say(leader, msg("voice_too_long"))
    if (note.size or 0) > MAX_BYTES:
        return say(leader, msg("voice_too_big"))
    if not ctx.listening:
        return say(leader, msg("voice_no_service"))
    changed = leader.with_(heard=None, heard_editing=False)
    return Outcome(changed, (Reply(msg("voice_listening")),), effects=(Transcribe(leader.language),))


def transcribed(ctx: Context, leader: Leader, event: Transcribed) -> Outcome:
    """The transcript came back: "I heard: …" to confirm; or why there is none (and the leader may type)."""
    heard = event.heard
    if heard.problem is not None:
        return say(leader, msg(f"voice_{heard.problem.value}"))
    words = without_fillers(heard.text, leader.language)[:HEARD_LIMIT].strip()
    if not words:
        return say(leader, msg("voice_empty"))
    return Outcome(leader.with_(heard=words, heard_editing=False), (_heard(words),))


def _heard(words: str, *, edit: bool = False, buttons: bool = True) -> Reply:
    check = check_of(words)
    row = (
        Button(msg("button_heard_use"), OnHeard(Choice.USE, check)),
        Button(msg("button_heard_edit"), OnHeard(Choice.EDIT, check)),
        Button(msg("button_heard_again"), OnHeard(Choice.AGAIN, check)),
    )
    return Reply(msg("voice_heard", words=words), (row,) if buttons else (), edit=edit)


def on_heard(ctx: Context, leader: Leader, action: OnHeard, now: datetime) -> Outcome:
    """✅ Use it, ✏️ Edit, 🔁 Again (or leave it) on the transcript shown last."""
    words = leader.heard
    if words is None or check_of(words) != action.check:
        return Outcome(leader, toast=msg("button_expired"))
    settled = _heard(words, edit=True, buttons=False)  # the buttons go: the choice is made
    match action.choice:
        case Choice.USE:
            outcome = use(ctx, leader, words, now)
            return Outcome(outcome.leader, (settled, *outcome.replies), toast=outcome.toast,
                           effects=outcome.effects)
        case Choice.EDIT:
            # The words in a block that one tap copies (a copy button would hold 256 characters only).
            return Outcome(leader.with_(heard_editing=True), (Reply(msg("voice_edit", words=words)),))
        case Choice.AGAIN:
            return Outcome(leader.with_(heard=None, heard_editing=False), (settled, Reply(msg("voice_again"))))
    return Outcome(leader.with_(heard=None, heard_editing=False), (Reply(msg("voice_dropped")),))


def edited(ctx: Context, leader: Leader, text: str, now: datetime) -> Outcome:
    """The corrected transcript, typed after ✏️ Edit: it is the confirmed text."""
    words = text.strip()
    if not words:
        return say(leader, msg("voice_edit", words=leader.heard or ""))
    return use(ctx, leader.with_(heard=None, heard_editing=False), words, now)


def _ask_purpose(leader: Leader, words: str) -> Outcome:
    """A confirmed note that nothing waited for: which suggestion it is a take on (or leave it)."""
    open_offers = [o for o in reversed(leader.offers) if o.status == OfferStatus.OFFERED][:PURPOSES_SHOWN]
    if not open_offers:
        return Outcome(leader.with_(heard=None), (Reply(msg("voice_for_nothing")),))
    rows = tuple((Button(msg("button_heard_for", title=o.title[:40]), HeardFor(o.ref)),) for o in open_offers)
    rows += ((Button(msg("button_heard_drop"), OnHeard(Choice.DROP, check_of(words))),),)
    return Outcome(leader, (Reply(msg("voice_for_what"), rows),))


def heard_for(ctx: Context, leader: Leader, action: HeardFor, now: datetime) -> Outcome:
    """The confirmed note becomes the take on the suggestion chosen."""
    words = leader.heard
    if words is None or not any(o.ref == action.ref for o in leader.offers):
        return Outcome(leader, toast=msg("button_expired"))
    return use(ctx, leader.with_(heard=None, take_for=action.ref), words, now)
