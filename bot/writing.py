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

from bot.core.posts import DraftTemplates, Post, PostRequest, compose

if TYPE_CHECKING:
    from bot.core.content import Content
    from bot.settings import Settings

log = logging.getLogger(__name__)


class ModelLike(Protocol):
    """What the writer needs of a model: a checked post, or None."""

    async def write(self, request: PostRequest) -> Post | None:
        """The model's post, checked, or None."""


class Writer:
    """Writes posts: the model first when there is one, the composer when it fails or there is none."""

    def __init__(self, templates: Mapping[str, DraftTemplates], model: ModelLike | None = None) -> None:
        self.templates = templates
        self.model = model

    @classmethod
    def from_settings(cls, settings: Settings, content: Content, *,
                      detect: Callable[[str], str | None] | None = None, timeout: float | None = None) -> Writer:
        """The writer the settings ask for: with a model only when its address and name are both set.
        `detect` (default: lingua, see bot.adapters.language) checks the model's language."""
        if not settings.llm_configured:
            return cls(content.drafts)
        from bot.adapters.llm import TIMEOUT, ModelWriter

        if detect is None:
            from bot.adapters.language import detect as lingua_detect

            detect = lingua_detect
        drafts = content.drafts
        model = ModelWriter(url=settings.llm_url, model=settings.llm_model, key=settings.llm_key,
                            prompts=content.prompts, detect=detect,
                            timeout=TIMEOUT if timeout is None else timeout,
                            x_for=lambda request: compose(request, drafts[request.language]).x)
        return cls(content.drafts, model)

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
            if post is not None:
                return post
        return self.compose(request)
