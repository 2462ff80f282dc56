"""Instants and dates to and from the ISO 8601 strings that storage keeps."""

from __future__ import annotations

from datetime import date, datetime


def instant(value: datetime | None) -> str | None:
    """An instant as stored (None stays None)."""
    return value.isoformat() if value is not None else None


def parse_instant(value: str | None) -> datetime | None:
    """A stored instant (None or empty: None)."""
    return datetime.fromisoformat(value) if value else None


def day(value: date | None) -> str | None:
    """A date as stored (None stays None)."""
    return value.isoformat() if value is not None else None


def parse_day(value: str | None) -> date | None:
    """A stored date (None or empty: None)."""
    return date.fromisoformat(value) if value else None
