"""Publishing from the bot: /linkedin connects an account (or `off` forgets it), 🚀 on a post shows exactly what
will go out and asks once more, the answer of the network is said plainly, and a connection about to end is
told in time.

The core knows no network: it asks the front end for a sign-in address (`ConnectAccount`), to forget a token
(`DisconnectAccount`) or to publish a text (`PublishPost`), and reads what comes back (`Connected`,
`PublishDone`). The post is never lost: every failure keeps it, with a way to try again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.core import schedule
from bot.core.actions import ConfirmPublish, Connect, Publish
from bot.core.events import Connected, PublishDone, PublishResult
from bot.core.features.common import Context, say
from bot.core.features.suggestions import find_offer, mark_posted
from bot.core.model import Leader, OfferStatus, Publishing
from bot.core.replies import Button, ConnectAccount, DisconnectAccount, Outcome, PublishPost, Reply, msg

WARN_BEFORE = timedelta(days=7)  # a connection about to end is told this long before
PENDING_FOR = timedelta(minutes=5)  # a publication on its way holds back a second tap this long (then: a retry)
KEPT_DONE = 30  # published posts remembered (as many as the offers they come from)
DAYTIME = (time(10, 0), time(19, 0))  # a warning that falls outside these local hours waits for the next 10:00


def _reconnect() -> tuple[tuple[Button, ...], ...]:
    return ((Button(msg("button_linkedin_reconnect"), Connect()),),)


def _connect_first(leader: Leader) -> Outcome:
    return say(leader, msg("publish_connect_first"), buttons=((Button(msg("button_linkedin_connect"), Connect()),),))


def command(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/linkedin: connect (or say until when it is connected); /linkedin off: forget the connection."""
    if not ctx.publishing:
        return say(leader, msg("linkedin_unavailable"))
    word = args.strip().lower()
    if word in ("off", "stop", "disconnect", "non", "arrêt", "arret"):
        if leader.publishing.until is None:
            return Outcome(leader, (Reply(msg("linkedin_not_connected")),), effects=(DisconnectAccount(),))
        changed = leader.with_(publishing=replace(leader.publishing, until=None, warned=False, pending=()))
        return Outcome(changed, (Reply(msg("linkedin_disconnected")),), effects=(DisconnectAccount(),))
    if word:
        return say(leader, msg("linkedin_usage"))
    if leader.publishing.connected(now):
        until = schedule.local_now(leader.publishing.until, leader.timezone)  # type: ignore[arg-type]
        return say(leader, msg("linkedin_status", until=until.date()), buttons=_reconnect())
    return connect(ctx, leader)


def connect(ctx: Context, leader: Leader) -> Outcome:
    """The sign-in button (the front end makes its single-use address)."""
    if not ctx.publishing:
        return Outcome(leader, toast=msg("linkedin_unavailable"))
    return Outcome(leader, effects=(ConnectAccount(),))


def connected(ctx: Context, leader: Leader, event: Connected, now: datetime) -> Outcome:
    """The sign-in came back: connected until a date, or not (said plainly)."""
    if event.until is None:
        return say(leader, msg("linkedin_connect_failed"))
    changed = leader.with_(publishing=replace(leader.publishing, until=event.until, warned=False))
    until = schedule.local_now(event.until, leader.timezone)
    return say(changed, msg("linkedin_connected", until=until.date()))


def publish(ctx: Context, leader: Leader, action: Publish, now: datetime) -> Outcome:
    """🚀: the post exactly as it will be published, and one more question."""
    offer = find_offer(leader, action.ref)
    if offer is None or not offer.post_linkedin or not ctx.publishing:
        return Outcome(leader, toast=msg("button_expired"))
    url = leader.publishing.address(offer.ref)
    if url is not None:
        return say(leader, msg("publish_already", url=url))
    if not leader.publishing.connected(now):
        return _connect_first(leader)
    buttons = ((Button(msg("button_publish_yes"), ConfirmPublish(offer.ref, True)),
                Button(msg("button_publish_no"), ConfirmPublish(offer.ref, False))),)
    return say(leader, msg("publish_confirm"), offer.post_linkedin, buttons=buttons)


def _pending(publishing: Publishing, ref: str, now: datetime) -> bool:
    return any(r == ref and now - since < PENDING_FOR for r, since in publishing.pending)


def confirm(ctx: Context, leader: Leader, action: ConfirmPublish, now: datetime) -> Outcome:
    """Yes: publish (once, however many taps); no: nothing goes out, the post stays."""
    offer = find_offer(leader, action.ref)
    if offer is None or not offer.post_linkedin or not ctx.publishing:
        return Outcome(leader, toast=msg("button_expired"))
    if not action.yes:
        return Outcome(leader, (Reply(msg("publish_cancelled"), edit=True),))
    state = leader.publishing
    url = state.address(offer.ref)
    if url is not None:
        return Outcome(leader, toast=msg("publish_already_toast"))
    if _pending(state, offer.ref, now):
        return Outcome(leader, toast=msg("publish_on_its_way"))
    if not state.connected(now):
        return _connect_first(leader)
    pending = (*(p for p in state.pending if p[0] != offer.ref and now - p[1] < PENDING_FOR), (offer.ref, now))
    changed = leader.with_(publishing=replace(state, pending=pending))
    # The post shown keeps its text and loses its two buttons; "Publishing…" is the answer to the tap.
    return Outcome(changed, (Reply(offer.post_linkedin, edit=True),), toast=msg("publishing"),
                   effects=(PublishPost(offer.ref, offer.post_linkedin),))


def done(ctx: Context, leader: Leader, event: PublishDone, now: datetime) -> Outcome:
    """The network answered: "Published" with the post's address (and the habit counts it), or why not."""
    state = leader.publishing
    state = replace(state, pending=tuple(p for p in state.pending if p[0] != event.ref))
    offer = find_offer(leader, event.ref)
    retry = ((Button(msg("button_publish_retry"), Publish(event.ref)),),) if offer is not None else ()
    match event.result:
        case PublishResult.PUBLISHED:
            state = replace(state, done=(*state.done, (event.ref, event.url))[-KEPT_DONE:])
            changed = leader.with_(publishing=state)
            if offer is not None and offer.status != OfferStatus.POSTED:
                changed = mark_posted(ctx, changed, offer, now)
            return say(changed, msg("published", url=event.url))
        case PublishResult.UNAUTHORIZED:
            changed = leader.with_(publishing=replace(state, until=None, warned=False))
            return say(changed, msg("publish_unauthorized"), buttons=_reconnect())
        case PublishResult.FORBIDDEN:
            changed = leader.with_(publishing=replace(state, until=None, warned=False))
            return say(changed, msg("publish_forbidden"), buttons=_reconnect())
        case PublishResult.DUPLICATE:
            return say(leader.with_(publishing=state), msg("publish_duplicate"))
        case PublishResult.RATE_LIMITED:
            return say(leader.with_(publishing=state), msg("publish_rate_limited"), buttons=retry)
        case PublishResult.TIMEOUT:
            return say(leader.with_(publishing=state), msg("publish_timeout"), buttons=retry)
    return say(leader.with_(publishing=state), msg("publish_failed"), buttons=retry)


def warn_at(ctx: Context, leader: Leader) -> datetime | None:
    """When the leader is to be told that their connection ends soon (a week before, in their daytime); None:
    nothing to tell. The warning also comes with any scheduled message that falls earlier."""
    state = leader.publishing
    if not ctx.publishing or state.until is None or state.warned:
        return None
    moment = state.until - WARN_BEFORE
    local = schedule.local_now(moment, leader.timezone)
    if local.time() < DAYTIME[0]:
        return schedule.at_local(leader, local.date(), DAYTIME[0])
    if local.time() > DAYTIME[1]:
        return schedule.at_local(leader, local.date() + timedelta(days=1), DAYTIME[0])
    return moment


def due(ctx: Context, leader: Leader, now: datetime) -> tuple[Leader, list[Reply]]:
    """At a scheduled moment: a connection ending within a week is told once, with a button to renew it."""
    state = leader.publishing
    if not ctx.publishing or state.until is None or state.warned or state.until - now > WARN_BEFORE:
        return leader, []
    changed = leader.with_(publishing=replace(state, warned=True))
    if state.until <= now:
        return changed, [Reply(msg("linkedin_expired"), _reconnect())]
    until = schedule.local_now(state.until, leader.timezone)
    return changed, [Reply(msg("linkedin_expires_soon", until=until.date()), _reconnect())]

