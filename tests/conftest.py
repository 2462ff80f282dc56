"""Shared fixtures: the real content, a coach, fixed instants, a data directory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.content_files import load_content
from bot.core.content import Content
from bot.core.router import Coach
from tests.support.rendered import RenderedCoach

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
FEEDS = ROOT / "feeds.yaml"


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(CONTENT_DIR, FEEDS)


@pytest.fixture(scope="session")
def coach(content: Content) -> RenderedCoach:
    return RenderedCoach(Coach(content))


def utc(*args: int) -> datetime:
    """An aware UTC instant."""
    return datetime(*args, tzinfo=UTC)
