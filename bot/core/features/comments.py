"""The comment helper (/comment, the 💬 button of the lessons that ask for a comment and of the articles worth a
comment): the post to answer (its text: a LinkedIn link cannot be read without logging in), then one sentence of
the leader's view; the comment is built on their words, kept word for word. It is written outside the core (by
the model when one is configured, else the composer): the feature asks for it (`WriteComment`) and shows it when
it comes back (`CommentWritten`). "✅ I commented" is an action of the habit, like a lesson done or a post."""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import datetime

from bot.core import schedule
from bot.core.actions import Commented, CommentOn, RewriteComment
from bot.core.comments import CommentError, CommentRequest, post_text, view_text
from bot.core.events import CommentWritten
from bot.core.features.common import Context, say
from bot.core.features.onboarding import reask
from bot.core.model import CommentDraft, CommentEvent, Leader, OfferStatus, Waiting, WaitKind
from bot.core.posts import first_sentence
from bot.core.replies import Button, Lines, Msg, Outcome, Reply, WriteComment, msg


def _ref(post: str, now: datetime) -> str:
    return f"{zlib.crc32(f'{now.isoformat()}|{post}'.encode()):08x}"


def start(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """/comment (or its button): wait for the post's text; `/comment <text>` gives it at once."""
    if not leader.onboarded:
        return reask(ctx, leader)
    waiting = leader.with_(waiting=Waiting(WaitKind.COMMENT_POST))
    if args.strip():
        return post_given(ctx, waiting, args, now)
    return Outcome(waiting, (Reply(msg("comment_ask_post")),))


def comment_on(ctx: Context, leader: Leader, action: CommentOn, now: datetime) -> Outcome:
    """💬 on an article worth a comment: the article is the post to answer; wait for the leader's view."""
    offer = next((o for o in leader.offers if o.ref == action.ref and o.status != OfferStatus.REPLACED), None)
    if offer is None:
        return Outcome(leader, toast=msg("button_expired"))
    gist = first_sentence(offer.summary, offer.title)
    text = f"{offer.title}. {gist}" if gist and gist != offer.title else offer.title
    draft = CommentDraft(_ref(text, now), text, language=leader.language)
    changed = leader.with_(comment=draft, waiting=Waiting(WaitKind.COMMENT_VIEW), take_for=None)
    return Outcome(changed, (Reply(msg("comment_ask_view_article", title=offer.title)),))


def post_given(ctx: Context, leader: Leader, text: str, now: datetime) -> Outcome:
    """The post's text, pasted: kept, and the leader's view asked for (a link alone is refused, and said why)."""
    try:
        post = post_text(text)
    except CommentError as error:
        return say(leader, msg(error.key))
    draft = CommentDraft(_ref(post, now), post, language=leader.language)
    changed = leader.with_(comment=draft, waiting=Waiting(WaitKind.COMMENT_VIEW))
    return Outcome(changed, (Reply(msg("comment_ask_view")),))


def request(draft: CommentDraft) -> CommentRequest:
    """What the comment is written from."""
    return CommentRequest(post=draft.post, view=draft.view, language=draft.language, variant=draft.variant,
                          shorter=draft.shorter)


def view_given(ctx: Context, leader: Leader, text: str, now: datetime) -> Outcome:
    """The leader's view: the comment is written around it, their words kept as they wrote them."""
    draft = leader.comment
    if draft is None:
        return Outcome(leader.with_(waiting=None), (Reply(msg("free_text")),))
    try:
        view = view_text(text)
    except CommentError as error:
        return say(leader, msg(error.key))
    viewed = replace(draft, view=view, text="", variant=0, shorter=False)
    changed = leader.with_(comment=viewed, waiting=None)
    return Outcome(changed, (Reply(msg("comment_writing")),), effects=(WriteComment(viewed.ref, request(viewed)),))


def message(draft: CommentDraft, *, edit: bool = False) -> Reply:
    """The comment, ready to copy, with ✅ I commented, ✂️ Shorter and 🔄 Another way."""
    text: Msg | Lines = msg("comment_ready", comment=draft.text)
    if draft.commented:
        text = Lines((text, msg("comment_done_status")), "\n\n")
    rows: list[tuple[Button, ...]] = []
    if not draft.commented:
        rows.append((Button(msg("button_commented"), Commented(draft.ref)),))
    rows.append((Button(msg("button_comment_shorter"), RewriteComment(draft.ref, True)),
                 Button(msg("button_comment_other"), RewriteComment(draft.ref, False))))
    return Reply(text, tuple(rows), edit=edit)


def written(ctx: Context, leader: Leader, event: CommentWritten) -> Outcome:
    """The comment has come back: show it, ready to copy."""
    draft = leader.comment
    if draft is None or draft.ref != event.ref:
        return Outcome(leader)
    done = replace(draft, text=event.text)
    return Outcome(leader.with_(comment=done), (message(done),))


def _current(leader: Leader, ref: str) -> CommentDraft | None:
    draft = leader.comment
    return draft if draft is not None and draft.ref == ref and draft.text else None


def rewrite(ctx: Context, leader: Leader, action: RewriteComment) -> Outcome:
    """Shorter, or another way: the comment is written again."""
    draft = _current(leader, action.ref)
    if draft is None:
        return Outcome(leader, toast=msg("button_expired"))
    again = replace(draft, shorter=True) if action.shorter else replace(draft, variant=draft.variant + 1)
    return Outcome(leader.with_(comment=again), (Reply(msg("comment_writing")),),
                   effects=(WriteComment(again.ref, request(again)),))


def commented(ctx: Context, leader: Leader, action: Commented, now: datetime) -> Outcome:
    """✅ I commented: an action of the habit, recorded once."""
    draft = _current(leader, action.ref)
    if draft is None:
        return Outcome(leader, toast=msg("button_expired"))
    if draft.commented:
        return Outcome(leader, toast=msg("already_done"))
    done = replace(draft, commented=True)
    event = CommentEvent(now, schedule.local_today(leader, now))
    changed = leader.with_(comment=done, comments=(*leader.comments, event))
    return Outcome(changed, (message(done, edit=True),), toast=msg("commented_toast"))
