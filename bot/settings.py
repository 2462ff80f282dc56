"""The bot's configuration: read once from the environment (and a `.env` file) into a frozen object."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from dotenv import dotenv_values

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_API_URL = "https://api.telegram.org/bot"


def _default_feeds() -> Path:
    """./feeds.yaml, or the project's own when the working directory has none."""
    local = Path("feeds.yaml")
    return local if local.is_file() else PROJECT_DIR / "feeds.yaml"


class SettingsError(Exception):
    """A setting has a value that cannot be used; the message names it (never its secret value)."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot is configured with."""

    token: str = field(default="", repr=False)
    api_url: str = DEFAULT_API_URL
    data_dir: Path = Path("data")
    feeds_path: Path = Path("feeds.yaml")
    content_dir: Path = PROJECT_DIR / "content"
    allowed_users: frozenset[int] = frozenset()
    log_level: str = "INFO"
    allow_private_feeds: bool = False
    feed_refresh_minutes: int = 30
    llm_url: str = ""  # an OpenAI-compatible API base ("http://localhost:11434/v1"); empty: no model is used
    llm_model: str = ""
    llm_key: str = field(default="", repr=False)
    backup_hour: time = time(3, 0)  # server time
    backup_keep: int = 14
    operators: frozenset[int] = frozenset()  # Telegram chats that receive the nightly backup
    log_format: str = "text"  # or "json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        """Read the settings from `environ` (default: the process environment) over a `.env` file."""
        values: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        def get(name: str, default: str) -> str:
            return (values.get(name) or "").strip() or default

        allowed: set[int] = set()
        for part in get("COACHBOT_ALLOWED_USERS", "").replace(";", ",").split(","):
            if part.strip():
                try:
                    allowed.add(int(part.strip()))
                except ValueError:
                    raise SettingsError(
                        "COACHBOT_ALLOWED_USERS must list numeric Telegram user ids, separated by commas"
                    ) from None
        level = get("COACHBOT_LOG_LEVEL", "INFO").upper()
        if not isinstance(logging.getLevelName(level), int):
            raise SettingsError("COACHBOT_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        private = get("COACHBOT_ALLOW_PRIVATE_FEEDS", "no").lower()
        if private not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise SettingsError("COACHBOT_ALLOW_PRIVATE_FEEDS must be yes or no")
        minutes = get("COACHBOT_FEED_REFRESH_MINUTES", "30")
        if not minutes.isdigit() or not 1 <= int(minutes) <= 24 * 60:
            raise SettingsError("COACHBOT_FEED_REFRESH_MINUTES must be a number of minutes from 1 to 1440")
        llm_url = get("COACHBOT_LLM_URL", "")
        if llm_url and not llm_url.lower().startswith(("http://", "https://")):
            raise SettingsError("COACHBOT_LLM_URL must be an http(s) address, such as http://localhost:11434/v1")
        hour = get("COACHBOT_BACKUP_HOUR", "03:00")
        try:
            hours, _, minutes_part = hour.partition(":")
            if not hours.isdigit() or not (minutes_part or "00").isdigit() or len(minutes_part or "00") != 2:
                raise ValueError(hour)
            backup_hour = time(int(hours), int(minutes_part or "0"))
        except ValueError:
            raise SettingsError("COACHBOT_BACKUP_HOUR must be a time of day, such as 03:00 (server time)") from None
        keep = get("COACHBOT_BACKUP_KEEP", "14")
        if not keep.isdigit() or not 1 <= int(keep) <= 1000:
            raise SettingsError("COACHBOT_BACKUP_KEEP must be a number of backups from 1 to 1000")
        operators: set[int] = set()
        for part in get("COACHBOT_OPERATORS", "").replace(";", ",").split(","):
            if part.strip():
                try:
                    operators.add(int(part.strip()))
                except ValueError:
                    raise SettingsError(
                        "COACHBOT_OPERATORS must list numeric Telegram chat ids, separated by commas"
                    ) from None
        log_format = get("COACHBOT_LOG_FORMAT", "text").lower()
        if log_format not in ("text", "json"):
            raise SettingsError("COACHBOT_LOG_FORMAT must be text or json")
        return cls(
            token=get("TELEGRAM_BOT_TOKEN", ""),
            api_url=get("TELEGRAM_API_URL", DEFAULT_API_URL),
            data_dir=Path(get("COACHBOT_DATA_DIR", "data")),
            feeds_path=Path(get("COACHBOT_FEEDS", str(_default_feeds()))),
            content_dir=Path(get("COACHBOT_CONTENT_DIR", str(PROJECT_DIR / "content"))),
            allowed_users=frozenset(allowed),
            log_level=level,
            allow_private_feeds=private in ("1", "true", "yes", "on"),
            feed_refresh_minutes=int(minutes),
            llm_url=llm_url,
            llm_model=get("COACHBOT_LLM_MODEL", ""),
            llm_key=get("COACHBOT_LLM_KEY", ""),
            backup_hour=backup_hour.replace(second=0, microsecond=0),
            backup_keep=int(keep),
            operators=frozenset(operators),
            log_format=log_format,
        )

    @property
    def llm_configured(self) -> bool:
        """Whether a language model writes posts: only when both its address and its model are set."""
        return bool(self.llm_url and self.llm_model)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never be written anywhere."""
        return tuple(secret for secret in (self.token, self.llm_key) if secret)
