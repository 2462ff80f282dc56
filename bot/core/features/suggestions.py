"""Suggested posts: /suggest and the morning's suggestions, the leader's take turned into a post, the post ready
to share (LinkedIn, X, copy), and what the leader makes of each (Posted, Not relevant, Another).

The course says "without your view you are only a relay": each suggestion first offers to add the leader's
take; the ready-made draft is one tap further. A post around a take is written outside the core (by the model
when one is configured, else the composer): the feature asks for it (`WritePost`) and shows it when it comes
back (`PostWritten`).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bot.core import schedule
from bot.core.actions import AskTake, CommentOn, Judge, Longer, Publish, Rewrite, ShowPost, StartComment, Verdict
from bot.core.events import PostWritten
from bot.core.features.common import Context, elapsed, say
from bot.core.features.onboarding import reask
from bot.core.features.path import stage_of, where
from bot.core.features.style import edited
from bot.core.feedstate import FeedState
from bot.core.markup import MAX_MESSAGE
from bot.core.matching import topic_key
from bot.core.model import Leader, Offer, OfferStatus, PostEvent, Stage, Taste
from bot.core.news import Item, clip
from bot.core.posts import (
    TAKE_LIMIT,
    Post,
    PostError,
    PostRequest,
    compose,
    first_sentence,
    topics_for,
)
from bot.core.replies import Button, Lines, Msg, Outcome, Reply, Value, WritePost, msg
from bot.core.sharing import copy_text, linkedin_compose_url, x_post_url
from bot.core.suggest import WINDOW, Pool, Suggestion, learn, rank, remember

News = Sequence[Item] | Pool
KEPT_OFFERS = 30  # offers remembered, so that buttons on recent messages keep working
MAX_SHOWN_CHARS = MAX_MESSAGE - 600  # the message keeps whole suggestions only, with room for its words
GIST_LIMIT = 220  # characters of the summary shown under a headline
# Before the posting stage, the morning brings articles worth reading (listening) or worth a comment: no drafts.
STAGE_INTROS = {(Stage.LISTEN, "suggest_intro_first"): "suggest_intro_first_listen",
                (Stage.COMMENT, "suggest_intro_first"): "suggest_intro_first_comment"}
WINDOW_HOURS = int(WINDOW.total_seconds() // 3600)


def suggest(ctx: Context, leader: Leader, now: datetime, news: News,
            states: Mapping[str, FeedState] | None = None) -> Outcome:
    """/suggest: articles for the leader's stage now (to read, to comment on, to post about), and where the
    course is; or why there is none."""
    if not leader.onboarded:
        return reask(ctx, leader)
    changed, reply = offers(ctx, leader, now, news, max(1, leader.suggestions_per_day), "suggest_intro")
    if reply is None:
        return say(leader, Lines((where(ctx, leader), why_none(news, states or {}, now)), "\n\n"))
    return Outcome(changed, (replace(reply, text=Lines((where(ctx, leader), reply.text), "\n\n")),))


def why_none(news: News, states: Mapping[str, FeedState], now: datetime) -> Msg:
    """Why there is nothing to suggest: the feeds not read yet, none of them answering, every recent article
    already shown, or nothing recent in them. `states` are the leader's feeds (their sector's and their own)."""
    if not any(state.checked_at is not None for state in states.values()):
        return msg("no_suggestions_unread")
    if _has_recent(news, now):
        return msg("no_suggestions_all_shown")
    if all(state.last_error is not None and not state.items for state in states.values()
           if state.checked_at is not None):
        return msg("no_suggestions_failing")
    return msg("no_suggestions_nothing_recent", count=WINDOW_HOURS)


def _has_recent(news: News, now: datetime) -> bool:
    if isinstance(news, Pool):
        return any(copy.published > now - WINDOW for story in news.stories for copy in story.copies)
    return any(item.published is not None and now - WINDOW < item.published <= now + WINDOW for item in news)


def _pick(ctx: Context, leader: Leader, now: datetime, news: News, limit: int) -> list[Suggestion]:
    sector = ctx.content.sector(leader.sector)
    keywords = sector.all_keywords() if sector else ()
    return rank(news, keywords=keywords, taste=leader.taste, now=now, language=leader.language, limit=limit)


def request(ctx: Context, leader: Leader, offer: Offer) -> PostRequest:
    """What the post for an offer is written from: the article, the leader's language, their take if any."""
    sector = ctx.content.sector(leader.sector)
    keywords = sector.keywords.get(leader.language, ()) if sector else ()
    return PostRequest(title=offer.title, link=offer.link, source=offer.source, summary=offer.summary,
                       item_language=offer.item_language, language=leader.language, take=offer.take,
                       topics=topics_for(offer.topics, keywords, leader.taste.interests), variant=offer.variant,
                       shorter=offer.shorter, style=leader.style, style_examples=leader.style_examples)


def _with_post(offer: Offer, post: Post) -> Offer:
    return replace(offer, draft=post.x_body, post_linkedin=post.linkedin, post_x=post.x)


def _offer(ctx: Context, leader: Leader, pick: Suggestion, batch: str, now: datetime) -> Offer:
    item = pick.item
    ref = f"{zlib.crc32(f'{batch}|{pick.key}'.encode()):08x}"
    offer = Offer(ref, batch, pick.key, item.title, item.link, item.source, "", pick.topics,
                  None if item.undated else item.published, summary=item.summary, item_language=item.language,
                  variant=schedule.local_today(leader, now).toordinal(), shorter=leader.style.prefers_short)
    try:  # the morning's drafts come from the composer: no model call for every leader every morning
        return _with_post(offer, compose(request(ctx, leader, offer), ctx.content.drafts[leader.language]))
    except PostError:
        return offer


def offers(ctx: Context, leader: Leader, now: datetime, news: News, limit: int,
           intro: str) -> tuple[Leader, Reply | None]:
    """Choose, draft and remember new suggestions; the message that shows them (None if there is none)."""
    picks = _pick(ctx, leader, now, news, limit)
    if not picks:
        return leader, None
    batch = f"{now.strftime('%Y%m%d%H%M%S')}-{len(leader.offers)}"
    fresh = tuple(_offer(ctx, leader, pick, batch, now) for pick in picks)
    changed = leader.with_(taste=remember(leader.taste, picks), offers=(*leader.offers, *fresh)[-KEPT_OFFERS:])
    return changed, _message(ctx, changed, batch, now, intro=intro)


def _age(published: datetime | None, now: datetime) -> Value | None:
    if published is None:
        return None
    amount = elapsed(published, now)
    return msg("age_ago", age=amount) if amount is not None else msg("age_recent")


def _message(ctx: Context, leader: Leader, batch: str, now: datetime, *, intro: str = "suggest_intro",
             edit: bool = False) -> Reply:
    """The suggestions of one batch: each headline once, what the article says, at most four buttons each."""
    shown = [o for o in leader.offers if o.batch == batch and o.status != OfferStatus.REPLACED]
    stage = stage_of(ctx, leader)
    if stage is not Stage.POST:
        intro = STAGE_INTROS.get((stage, intro), f"suggest_intro_{stage.value}")
    parts: list[Msg | Lines] = [msg(intro, sector=ctx.sector_name(leader))]
    rows: list[tuple[Button, ...]] = []
    used = 0
    for number, offer in enumerate(shown, 1):
        used += len(offer.title) + min(len(offer.summary), GIST_LIMIT) + len(offer.source) + 120
        if used > MAX_SHOWN_CHARS and number > 1:  # feeds are wordy: keep each suggestion whole
            break
        lines, buttons = _suggestion(leader, offer, number, now, ctx.content.drafts[leader.language].language_notes,
                                     stage)
        parts.append(lines)
        rows += [buttons] if buttons else []
    if stage is Stage.COMMENT:
        rows.append((Button(msg("button_comment_post"), StartComment()),))
    return Reply(Lines(tuple(parts), "\n\n"), tuple(rows), edit=edit)


def _suggestion(leader: Leader, offer: Offer, number: int, now: datetime,
                notes: Mapping[str, str], stage: Stage = Stage.POST) -> tuple[Lines, tuple[Button, ...]]:
    age = _age(offer.published, now)
    source = msg("offer_source_age", source=offer.source, age=age) if age else msg("offer_source", source=offer.source)
    lines: list[Msg] = [msg("offer_heading", number=number, link=offer.link, title=offer.title), source]
    if offer.item_language and offer.item_language != leader.language:  # said plainly, as the post says it
        note = notes.get(offer.item_language)
        lines.append(msg("offer_language", note=note) if note else msg("offer_in_other"))
    gist = first_sentence(offer.summary, offer.title)
    if gist:
        lines.append(msg("offer_gist", gist=clip(gist, GIST_LIMIT)))
    if offer.status == OfferStatus.IRRELEVANT:
        lines.append(msg("offer_irrelevant"))
        return Lines(tuple(lines)), (Button(msg("button_undo_irrelevant", n=number), Judge(Verdict.UNDO, offer.ref)),
                                     Button(msg("button_another", n=number), Judge(Verdict.ANOTHER, offer.ref)))
    if offer.status == OfferStatus.POSTED:
        lines.append(msg("offer_posted"))
        return Lines(tuple(lines)), (Button(msg("button_post", n=number), ShowPost(offer.ref)),)
    if offer.status == OfferStatus.SAVED:
        lines.append(msg("offer_saved"))
        return Lines(tuple(lines)), ((Button(msg("button_comment_on", n=number), CommentOn(offer.ref)),)
                                     if stage is not Stage.LISTEN else ())
    if stage is not Stage.POST:  # articles worth reading, or worth a comment: no draft pushed
        first = (Button(msg("button_comment_on", n=number), CommentOn(offer.ref)),) if stage is Stage.COMMENT else ()
        return Lines(tuple(lines)), (
            *first,
            Button(msg("button_save", n=number), Judge(Verdict.SAVED, offer.ref)),
            Button(msg("button_irrelevant", n=number), Judge(Verdict.IRRELEVANT, offer.ref)),
        )
    buttons = (
        Button(msg("button_take", n=number), AskTake(offer.ref)),
        Button(msg("button_post", n=number), ShowPost(offer.ref)),
        Button(msg("button_irrelevant", n=number), Judge(Verdict.IRRELEVANT, offer.ref)),
        Button(msg("button_another", n=number), Judge(Verdict.ANOTHER, offer.ref)),
    )
    return Lines(tuple(lines)), buttons


def _find(leader: Leader, ref: str) -> Offer | None:
    offer = next((o for o in leader.offers if o.ref == ref), None)
    return None if offer is None or offer.status == OfferStatus.REPLACED else offer


find_offer = _find


def _post_message(ctx: Context, offer: Offer, *, intro: str, edit: bool = False) -> tuple[Reply, ...]:
    """The post, ready to share: a line that says what it is, then the post as a message of its own with nothing
    else in it (a long press copies all of it, on a phone too), carrying the buttons: 🚀 publish (when the bot
    can), open LinkedIn (it prefills on a desktop only), X, copy for X. An edit redraws the post message only."""
    post = Post(offer.post_linkedin, offer.post_x, "", offer.link)
    rows: list[tuple[Button, ...]] = []
    if ctx.publishing and offer.status != OfferStatus.POSTED:
        rows.append((Button(msg("button_publish"), Publish(offer.ref)),))
    rows += [
        (Button(msg("button_linkedin"), url=linkedin_compose_url(post.linkedin)),
         Button(msg("button_x"), url=x_post_url(post))),
        (Button(msg("button_copy_x"), copy=copy_text(post)),
         Button(msg("button_posted"), Judge(Verdict.POSTED, offer.ref))),
    ]
    if offer.status == OfferStatus.POSTED:
        rows[-1] = (Button(msg("button_copy_x"), copy=copy_text(post)),)
    # "Shorter" is a length kept from angle to angle, until "Longer".
    length = (Button(msg("button_longer"), Longer(offer.ref)) if offer.shorter
              else Button(msg("button_shorter"), Rewrite(offer.ref, shorter=True)))
    rows.append((length, Button(msg("button_angle"), Rewrite(offer.ref, shorter=False))))
    if offer.take is None:
        rows.append((Button(msg("button_take_here"), AskTake(offer.ref)),))
    body = Reply(post.linkedin, tuple(rows), edit=edit)
    if edit:
        return (body,)
    said: Msg | Lines = msg(intro, title=offer.title)
    if offer.status == OfferStatus.POSTED:
        said = Lines((said, msg("offer_posted")), "\n\n")
    return (Reply(said), body)


def post_replies(ctx: Context, offer: Offer) -> tuple[Reply, ...]:
    """The post of an offer, ready to share (its two messages)."""
    return _post_message(ctx, offer, intro="post_take" if offer.take else "post_draft")


def _replace(leader: Leader, offer: Offer) -> Leader:
    return leader.with_(offers=tuple(offer if o.ref == offer.ref else o for o in leader.offers))


def show_post(ctx: Context, leader: Leader, action: ShowPost) -> Outcome:
    """The ready-made post (or the last one written around the leader's take)."""
    offer = _find(leader, action.ref)
    if offer is None or not offer.post_linkedin:
        return Outcome(leader, toast=msg("button_expired"))
    return Outcome(leader, post_replies(ctx, offer))


def ask_take(ctx: Context, leader: Leader, action: AskTake) -> Outcome:
    """"My take": wait for the leader's sentences about this article."""
    offer = _find(leader, action.ref)
    if offer is None:
        return Outcome(leader, toast=msg("button_expired"))
    return Outcome(leader.with_(take_for=offer.ref, reminder_wait=None), (Reply(msg("take_ask", title=offer.title)),))


def take(ctx: Context, leader: Leader, text: str) -> Outcome:
    """The leader's take, typed: the post is written around it, their words kept as they wrote them."""
    offer = _find(leader, leader.take_for or "")
    if offer is None:
        return Outcome(leader.with_(take_for=None), (Reply(msg("free_text")),))
    words = text.strip()
    if len(words) > TAKE_LIMIT:
        return say(leader, msg("take_too_long", count=TAKE_LIMIT))
    if len(words.split()) < 2:
        return say(leader, msg("take_too_short"))
    # The take first (other angles follow), at the length the leader leans to.
    taken = replace(offer, take=words, shorter=leader.style.prefers_short, variant=0)
    changed = _replace(leader, taken).with_(take_for=None)
    return Outcome(changed, (Reply(msg("post_writing")),),
                   effects=(WritePost(offer.ref, request(ctx, changed, taken)),))


def rewrite(ctx: Context, leader: Leader, action: Rewrite | Longer) -> Outcome:
    """Shorter, Longer, or another angle (at the same length): the post is written again."""
    offer = _find(leader, action.ref)
    if offer is None:
        return Outcome(leader, toast=msg("button_expired"))
    if isinstance(action, Longer):
        if not offer.shorter:
            return Outcome(leader, toast=msg("post_already_long"))
        again = replace(offer, shorter=False)
        leader = edited(leader, shorter=False)  # an edit: the leader's style learns from it
    elif action.shorter:
        if offer.shorter:  # a "Shorter" pressed on an older message: the same text would come back
            return Outcome(leader, toast=msg("post_already_short"))
        again = replace(offer, shorter=True)
        leader = edited(leader, shorter=True)
    else:
        again = replace(offer, variant=offer.variant + 1)
    changed = _replace(leader, again)
    if again.take is None:  # the ready-made draft: the composer, at once
        try:
            post = compose(request(ctx, changed, again), ctx.content.drafts[leader.language])
        except PostError:
            return Outcome(leader, toast=msg("button_expired"))
        written = _with_post(again, post)
        return Outcome(_replace(leader, written), _post_message(ctx, written, intro="post_draft"))
    writing = WritePost(offer.ref, request(ctx, changed, again))
    return Outcome(changed, (Reply(msg("post_writing")),), effects=(writing,))


def written(ctx: Context, leader: Leader, event: PostWritten) -> Outcome:
    """The post around the leader's take has come back: show it, ready to share."""
    offer = _find(leader, event.ref)
    if offer is None:
        return Outcome(leader)
    done = replace(offer, post_linkedin=event.linkedin, post_x=event.x)
    return Outcome(_replace(leader, done), _post_message(ctx, done, intro="post_take"))


def _weights(taste: Taste, offer: Offer) -> tuple[tuple[str, float | None], ...]:
    """The learned weights a verdict on this offer changes, as they are now."""
    topics = dict.fromkeys(topic_key(topic) for topic in offer.topics)
    return (("s:" + offer.source, taste.sources.get(offer.source)),
            *(("t:" + key, taste.topics.get(key)) for key in topics))


def _restored(taste: Taste, weights: tuple[tuple[str, float | None], ...]) -> Taste:
    """The taste with these weights put back as they were."""
    sources, topics = dict(taste.sources), dict(taste.topics)
    for key, value in weights:
        kind, name = key[:2], key[2:]
        target = sources if kind == "s:" else topics
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return replace(taste, sources=sources, topics=topics)


def judge(ctx: Context, leader: Leader, action: Judge, now: datetime, news: News) -> Outcome:
    """Posted, Not relevant or Another on a suggestion."""
    offer = _find(leader, action.ref)
    if offer is None:
        return Outcome(leader, toast=msg("button_expired"))
    if action.verdict is Verdict.ANOTHER:
        fresh = _pick(ctx, leader, now, news, 1)
        if not fresh:
            return Outcome(leader, toast=msg("no_other_suggestion"))
        new = _offer(ctx, leader, fresh[0], offer.batch, now)
        kept: list[Offer] = []
        for o in leader.offers:
            kept += [replace(o, status=OfferStatus.REPLACED), new] if o == offer else [o]
        changed = leader.with_(taste=remember(leader.taste, fresh), offers=tuple(kept)[-KEPT_OFFERS:])
        return Outcome(changed, (_message(ctx, changed, offer.batch, now, edit=True),))
    item = Item(offer.title, offer.link, offer.source, published=offer.published)
    if action.verdict is Verdict.UNDO:  # "Not relevant" taken back: the weights it lowered are raised again
        if offer.status != OfferStatus.IRRELEVANT:
            return Outcome(leader, toast=msg("already_done"))
        taste = (_restored(leader.taste, offer.weights_before) if offer.weights_before
                 else learn(leader.taste, Suggestion(item, 0.0, offer.key, offer.topics), "undo"))
        back = replace(offer, status=OfferStatus.OFFERED, weights_before=())
        changed = _replace(leader.with_(taste=taste), back)
        return Outcome(changed, (_message(ctx, changed, offer.batch, now, edit=True),), toast=msg("irrelevant_undone"))
    if offer.status != OfferStatus.OFFERED:
        return Outcome(leader, toast=msg("already_done"))
    if action.verdict is Verdict.POSTED:
        changed = mark_posted(ctx, leader, offer, now)
        posted = replace(offer, status=OfferStatus.POSTED)
        shown = _post_message(ctx, posted, intro="post_take" if posted.take else "post_draft", edit=True)
        # Nothing congratulates a post before the course has reached posting.
        toast = msg("posted_toast") if stage_of(ctx, leader) is Stage.POST else msg("posted_toast_early")
        return Outcome(changed, shown if posted.post_linkedin else (), toast=toast)
    item = Item(offer.title, offer.link, offer.source, published=offer.published)
    verdict = Verdict.POSTED.value if action.verdict is Verdict.SAVED else action.verdict.value  # saved: liked
    taste = learn(leader.taste, Suggestion(item, 0.0, offer.key, offer.topics), verdict)
    status = OfferStatus.SAVED if action.verdict is Verdict.SAVED else OfferStatus.IRRELEVANT
    before = _weights(leader.taste, offer) if status == OfferStatus.IRRELEVANT else ()
    changed = _replace(leader.with_(taste=taste), replace(offer, status=status, weights_before=before))
    if status == OfferStatus.SAVED:
        return Outcome(changed, (_message(ctx, changed, offer.batch, now, edit=True),), toast=msg("saved_toast"))
    return Outcome(changed, (_message(ctx, changed, offer.batch, now, edit=True),), toast=msg("irrelevant_toast"))


def mark_posted(ctx: Context, leader: Leader, offer: Offer, now: datetime) -> Leader:
    """The offer was posted (said by the leader, or published by the bot): its source and topic weigh more, and
    it counts for the habit."""
    item = Item(offer.title, offer.link, offer.source, published=offer.published)
    taste = learn(leader.taste, Suggestion(item, 0.0, offer.key, offer.topics), Verdict.POSTED.value)
    changed = _replace(leader.with_(taste=taste), replace(offer, status=OfferStatus.POSTED))
    return changed.with_(posts=(*leader.posts, PostEvent(offer.key, now, schedule.local_today(leader, now))))
