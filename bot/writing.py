"""Who writes a post: a language model when one is configured and its post passes the check, otherwise the
deterministic composer (offline, no third party). The caller only ever gets a post, never an error.

    writer = Writer.from_settings(settings, content)     # once, at start
    post = await writer.write(PostRequest(...))           # for each post

With `COACHBOT_LLM_URL` and `COACHBOT_LLM_MODEL` unset, nothing is sent anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from bot.core.comments import CommentRequest, CommentTemplates, compose_comment
from bot.core.posts import DraftTemplates, Post, PostRequest, compose

if TYPE_CHECKING:
    from bot.adapters.metrics import Metrics
    from bot.core.content import Content
    from bot.settings import Settings

log = logging.getLogger(__name__)


class ModelLike(Protocol):
    """What the writer needs of a model: a checked post, or None."""

    async def write(self, request: PostRequest) -> Post | None:
        """The model's post, checked, or None."""


class CommentModelLike(Protocol):
    """What the writer needs of a model for comments: a checked comment, or None."""

    async def write_comment(self, request: CommentRequest) -> str | None:
        """The model's comment, checked, or None."""


class Writer:
    """Writes posts: the model first when there is one, the composer when it fails or there is none."""

    def __init__(self, templates: Mapping[str, DraftTemplates], model: ModelLike | None = None, *,
                 comments: Mapping[str, CommentTemplates] | None = None,
                 comment_model: CommentModelLike | None = None) -> None:
        self.templates = templates
        self.model = model
        self.comments: Mapping[str, CommentTemplates] = comments or {}
        self.comment_model = comment_model
        self.metrics: Metrics | None = None  # counts the model's posts and the composer's fallbacks

    @classmethod
    def from_settings(cls, settings: Settings, content: Content, *,
                      detect: Callable[[str], str | None] | None = None, timeout: float | None = None) -> Writer:
        """The writer the settings ask for: with a model only when its address and name are both set.
        `detect` (default: lingua, see bot.adapters.language) checks the model's language."""
        comments = {lang: part.comment for lang, part in content.path.items()}
        if not settings.llm_configured:
            return cls(content.drafts, comments=comments)
        from bot.adapters.llm import TIMEOUT, ModelWriter

        if detect is None:
            from bot.adapters.language import detect as lingua_detect

            detect = lingua_detect
        drafts = content.drafts
        model = ModelWriter(url=settings.llm_url, model=settings.llm_model, key=settings.llm_key,
                            prompts=content.prompts, detect=detect,
                            timeout=TIMEOUT if timeout is None else timeout,
                            x_for=lambda request: compose(request, drafts[request.language]).x)
        model.comment_prompts = {lang: part.prompts for lang, part in content.path.items()}
        model.comment_praise = {lang: part.comment.praise for lang, part in content.path.items()}
        return cls(content.drafts, model, comments=comments, comment_model=model)

    def compose(self, request: PostRequest) -> Post:
        """The composer's post (no model, no wait)."""
        return compose(request, self.templates[request.language])

    async def write(self, request: PostRequest) -> Post:
        """The post for the request: the model's when it gives one that passes the check, else the composer's."""
        if self.model is not None:
            try:
                post = await self.model.write(request)
            except Exception as error:  # a model must never cost the leader their post
                log.warning("model writer failed (%s); the composer writes the post", type(error).__name__)
                post = None
            if self.metrics is not None:
                self.metrics.model_call(post is not None)
            if post is not None:
                return post
        return self.compose(request)

    def compose_comment(self, request: CommentRequest) -> str:
        """The composer's comment (no model, no wait)."""
        return compose_comment(request, self.comments[request.language])

    async def write_comment(self, request: CommentRequest) -> tuple[str, str]:
        """The comment on the leader's view, and who wrote it ("model" or "composer"): the model's when it gives
        one that passes the check, else the composer's. The leader's notes are never part of the request."""
        if self.comment_model is not None:
            try:
                text = await self.comment_model.write_comment(request)
            except Exception as error:  # a model must never cost the leader their comment
                log.warning("model writer failed on a comment (%s); the composer writes it", type(error).__name__)
                text = None
            if text is not None:
                return text, "model"
        return self.compose_comment(request), "composer"
