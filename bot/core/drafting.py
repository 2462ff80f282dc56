"""The morning's drafts as release 0.1.0 called them: thin wrappers over `bot.core.posts` and
`bot.core.sharing`, kept until the coach calls `posts.compose` (or `bot.writing.Writer.write`) and the share
links of `sharing` directly.

Instead of `draft(suggestion, templates=..., day=...)`, build a `posts.PostRequest` and call
`posts.compose(request, templates)` (or `await Writer.write(request)`); instead of `linkedin_share_url(link)`,
call `sharing.linkedin_compose_url(post.linkedin)`; instead of `x_intent_url(draft, link)`,
`sharing.x_post_url(post)`; the copy button takes `sharing.copy_text(post)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core.news import Item, percent_encode
from bot.core.posts import (
    FIELDS,
    MAX_HASHTAGS,
    DraftTemplates,
    PostRequest,
    compose,
    first_sentence,
    hashtags,
    template_fields,
    topics_for,
)
from bot.core.sharing import (
    X_LIMIT,
    X_URL_WEIGHT,
    fits_x,
    x_weight,
)
from bot.core.suggest import Suggestion

__all__ = ["FIELDS", "MAX_HASHTAGS", "X_LIMIT", "X_URL_WEIGHT", "DraftTemplates", "draft", "fits_x", "hashtags",
           "linkedin_share_url", "request_for", "summary_sentence", "template_fields", "x_intent_url", "x_weight"]


def request_for(item: Item, *, language: str, topics: Sequence[str] = (), keywords: Sequence[str] = (),
                interests: Sequence[str] = (), take: str | None = None, variant: int = 0,
                shorter: bool = False) -> PostRequest:
    """The request for a post about an item, for a leader who reads `language`: hashtags only from the
    `topics` the item matched that are among the sector's `keywords` in that language (`sector.keywords[lang]`)
    or the leader's `interests`. The morning's drafts pass the day's ordinal as `variant` (the wording changes
    daily); "another angle" adds one to it; the take is the leader's text as typed."""
    return PostRequest(title=item.title, link=item.link, source=item.source, summary=item.summary,
                       item_language=item.language, language=language, take=take,
                       topics=topics_for(topics, keywords, interests), variant=variant, shorter=shorter)


def linkedin_share_url(link: str) -> str:
    """LinkedIn's page to share a link (it carries only the URL). Prefer `sharing.linkedin_compose_url`, which
    carries the whole post."""
    return f"https://www.linkedin.com/sharing/share-offsite/?url={percent_encode(link)}"


def x_intent_url(draft: str, link: str) -> str:
    """X's page to post the draft with its link. Prefer `sharing.x_post_url(post)`."""
    return f"https://x.com/intent/post?text={percent_encode(draft)}&url={percent_encode(link)}"


def summary_sentence(item: Item) -> str:
    """The first sentence of the item's summary; empty when there is none or it only repeats the title."""
    return first_sentence(item.summary, item.title)


def draft(suggestion: Suggestion, *, templates: DraftTemplates, day: date, theme: str | None = None) -> str:
    """The X text of the post for a suggestion, without its link (which `x_intent_url` adds), wording changed
    from day to day. `theme` is ignored: a public post never names the course. The post is in the templates'
    language; hashtags are made of the item's topics when it is in that language, none otherwise
    (`posts.topics_for` keeps the topics in the leader's language)."""
    item = suggestion.item
    same_language = item.language in (None, templates.language)
    request = PostRequest(title=item.title, link=item.link, source=item.source, summary=item.summary,
                          item_language=item.language, language=templates.language,
                          topics=suggestion.topics if same_language else (), variant=day.toordinal())
    return compose(request, templates).x_body
