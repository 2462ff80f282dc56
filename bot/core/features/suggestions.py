"""Suggested posts: /suggest and the morning's suggestions, each with its draft and ways to share it, and what
the leader makes of them (Posted, Not relevant, Another)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.core import schedule
from bot.core.actions import Judge, Verdict
from bot.core.drafting import draft, linkedin_share_url, x_intent_url
from bot.core.features.common import Context, say
from bot.core.features.onboarding import reask
from bot.core.markup import MAX_MESSAGE
from bot.core.model import Leader, Offer, OfferStatus, PostEvent
from bot.core.news import Item
from bot.core.replies import Button, Lines, Msg, Outcome, Reply, Value, msg
from bot.core.suggest import Pool, Suggestion, learn, rank, remember

News = Sequence[Item] | Pool
KEPT_OFFERS = 30  # offers remembered, so that buttons on recent messages keep working
MAX_SHOWN_CHARS = MAX_MESSAGE - 400  # the message keeps whole suggestions only, with room for its words


def suggest(ctx: Context, leader: Leader, now: datetime, news: News) -> Outcome:
    """/suggest: posts worth sharing now."""
    if not leader.onboarded:
        return reask(ctx, leader)
    changed, reply = offers(ctx, leader, now, news, max(1, leader.suggestions_per_day), "suggest_intro")
    if reply is None:
        return say(leader, msg("no_suggestions"))
    return Outcome(changed, (reply,))


def _pick(ctx: Context, leader: Leader, now: datetime, news: News, limit: int) -> list[Suggestion]:
    sector = ctx.content.sector(leader.sector)
    keywords = sector.all_keywords() if sector else ()
    return rank(news, keywords=keywords, taste=leader.taste, now=now, language=leader.language, limit=limit)


def _offer(ctx: Context, leader: Leader, pick: Suggestion, batch: str, now: datetime) -> Offer:
    day = schedule.local_today(leader, now)
    text = draft(pick, templates=ctx.content.drafts[leader.language], day=day)
    ref = f"{zlib.crc32(f'{batch}|{pick.key}'.encode()):08x}"
    item = pick.item
    return Offer(ref, batch, pick.key, item.title, item.link, item.source, text, pick.topics, item.published)


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
    hours = int((now - published).total_seconds() // 3600)
    if hours < 1:
        return msg("age_recent")
    if hours < 48:
        return msg("age_hours", count=hours)
    return msg("age_days", count=hours // 24)


def _message(ctx: Context, leader: Leader, batch: str, now: datetime, *, intro: str = "suggest_intro",
             edit: bool = False) -> Reply:
    shown = [o for o in leader.offers if o.batch == batch and o.status != OfferStatus.REPLACED]
    parts: list[Msg | Lines] = [msg(intro, sector=ctx.sector_name(leader))]
    rows: list[tuple[Button, ...]] = []
    used = 0
    for number, offer in enumerate(shown, 1):
        used += len(offer.title) + len(offer.draft) + len(offer.source) + 80
        if used > MAX_SHOWN_CHARS and number > 1:  # feeds are wordy: keep each suggestion whole
            break
        lines, buttons = _suggestion(offer, number, now)
        parts.append(lines)
        rows += buttons
    return Reply(Lines(tuple(parts), "\n\n"), tuple(rows), edit=edit)


def _suggestion(offer: Offer, number: int, now: datetime) -> tuple[Lines, list[tuple[Button, ...]]]:
    age = _age(offer.published, now)
    heading = msg("offer_heading", number=number, link=offer.link, title=offer.title)
    source = msg("offer_source_age", source=offer.source, age=age) if age else msg("offer_source", source=offer.source)
    lines: list[Msg] = [heading, source]
    rows: list[tuple[Button, ...]] = []
    if offer.status == OfferStatus.IRRELEVANT:
        lines.append(msg("offer_irrelevant"))
        rows.append((Button(msg("button_another", n=number), Judge(Verdict.ANOTHER, offer.ref)),))
        return Lines(tuple(lines)), rows
    lines.append(msg("offer_draft", draft=offer.draft))
    if offer.status == OfferStatus.POSTED:
        lines.append(msg("offer_posted"))
    rows.append((
        Button(msg("button_linkedin", n=number), url=linkedin_share_url(offer.link)),
        Button(msg("button_x", n=number), url=x_intent_url(offer.draft, offer.link)),
        Button(msg("button_copy", n=number), copy=offer.draft),
    ))
    if offer.status == OfferStatus.OFFERED:
        rows.append((
            Button(msg("button_posted", n=number), Judge(Verdict.POSTED, offer.ref)),
            Button(msg("button_irrelevant", n=number), Judge(Verdict.IRRELEVANT, offer.ref)),
            Button(msg("button_another", n=number), Judge(Verdict.ANOTHER, offer.ref)),
        ))
    return Lines(tuple(lines)), rows


def judge(ctx: Context, leader: Leader, action: Judge, now: datetime, news: News) -> Outcome:
    """Posted, Not relevant or Another on a suggestion."""
    offer = next((o for o in leader.offers if o.ref == action.ref), None)
    if offer is None or offer.status == OfferStatus.REPLACED:
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
    if offer.status != OfferStatus.OFFERED:
        return Outcome(leader, toast=msg("already_done"))
    item = Item(offer.title, offer.link, offer.source, published=offer.published)
    taste = learn(leader.taste, Suggestion(item, 0.0, offer.key, offer.topics), action.verdict.value)
    status = OfferStatus.POSTED if action.verdict is Verdict.POSTED else OfferStatus.IRRELEVANT
    changed = leader.with_(taste=taste, offers=tuple(replace(o, status=status) if o == offer else o
                                                     for o in leader.offers))
    if status is OfferStatus.POSTED:
        changed = changed.with_(posts=(*leader.posts, PostEvent(offer.key, now, schedule.local_today(leader, now))))
    toast = msg("posted_toast" if status is OfferStatus.POSTED else "irrelevant_toast")
    return Outcome(changed, (_message(ctx, changed, offer.batch, now, edit=True),), toast=toast)
