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
DEFAULT_HTTP_PORT = 8080
# LinkedIn's API versions (YYYYMM) live about a year; the operator moves it with COACHBOT_LINKEDIN_VERSION.
DEFAULT_LINKEDIN_VERSION = "202510"
_YES = ("1", "true", "yes", "on")
_NO = ("0", "false", "no", "off")


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
    stt_url: str = ""  # an OpenAI-compatible API base that transcribes (/audio/transcriptions); empty: none
    stt_model: str = ""
    stt_key: str = field(default="", repr=False)
    whisper_model: Path | None = None  # a faster-whisper (CTranslate2) model folder on disk, for offline transcription
    public_url: str = ""  # the bot's public https address (LinkedIn's redirect, Telegram's webhook); empty: none
    http_port: int | None = None  # the port of the bot's small web server; None: 8080 when public_url is set
    http_host: str = "0.0.0.0"
    webhook: bool = False  # Telegram sends updates to <public_url>/telegram instead of being polled
    linkedin_client_id: str = ""
    linkedin_secret: str = field(default="", repr=False)
    secret_key: str = field(default="", repr=False)  # encrypts tokens at rest
    linkedin_version: str = DEFAULT_LINKEDIN_VERSION
    linkedin_oauth_url: str = "https://www.linkedin.com/oauth/v2"
    linkedin_api_url: str = "https://api.linkedin.com"
    backup_hour: time = time(3, 0)  # server time
    backup_keep: int = 14
    operators: frozenset[int] = frozenset()  # Telegram chats that receive the nightly backup
    log_format: str = "text"  # or "json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env"), *,
                 partial_publishing: bool = False) -> Settings:
        """Read the settings from `environ` (default: the process environment) over a `.env` file.

        LinkedIn's settings come together or not at all; `partial_publishing` reads them as they are, for
        `coachbot doctor`, which names what is missing."""
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
        stt_url = get("COACHBOT_STT_URL", "")
        if stt_url and not stt_url.lower().startswith(("http://", "https://")):
            raise SettingsError("COACHBOT_STT_URL must be an http(s) address, such as http://localhost:8000/v1")
        whisper = get("COACHBOT_WHISPER_MODEL", "")
        public_url = get("COACHBOT_PUBLIC_URL", "").rstrip("/")
        if public_url and not public_url.lower().startswith(("http://", "https://")):
            raise SettingsError("COACHBOT_PUBLIC_URL must be the bot's http(s) address, such as https://coach.example.com")
        port = get("COACHBOT_HTTP_PORT", "")
        if port and (not port.isdigit() or not 1 <= int(port) <= 65535):
            raise SettingsError("COACHBOT_HTTP_PORT must be a port number from 1 to 65535")
        webhook = get("COACHBOT_WEBHOOK", "no").lower()
        if webhook not in _YES + _NO:
            raise SettingsError("COACHBOT_WEBHOOK must be yes or no")
        if webhook in _YES and not public_url:
            raise SettingsError("COACHBOT_WEBHOOK=yes needs COACHBOT_PUBLIC_URL, the https address Telegram calls")
        client_id, client_secret = get("COACHBOT_LINKEDIN_CLIENT_ID", ""), get("COACHBOT_LINKEDIN_SECRET", "")
        secret_key = get("COACHBOT_SECRET_KEY", "")
        if (client_id or client_secret) and not (client_id and client_secret and public_url) and not partial_publishing:
            raise SettingsError("publishing on LinkedIn needs COACHBOT_LINKEDIN_CLIENT_ID, COACHBOT_LINKEDIN_SECRET "
                                "and COACHBOT_PUBLIC_URL (the redirect is <public url>/linkedin/callback)")
        if client_id and client_secret and public_url and len(secret_key) < 16 and not partial_publishing:
            raise SettingsError("publishing on LinkedIn needs COACHBOT_SECRET_KEY (at least 16 characters; a Fernet "
                                "key is best), which encrypts the leaders' tokens on disk")
        version = get("COACHBOT_LINKEDIN_VERSION", DEFAULT_LINKEDIN_VERSION)
        if not (len(version) in (6, 9) and version[:6].isdigit()):
            raise SettingsError("COACHBOT_LINKEDIN_VERSION must be a LinkedIn API version such as 202510")
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
            public_url=public_url,
            http_port=int(port) if port else None,
            http_host=get("COACHBOT_HTTP_HOST", "0.0.0.0"),
            webhook=webhook in _YES,
            linkedin_client_id=client_id,
            linkedin_secret=client_secret,
            secret_key=secret_key,
            linkedin_version=version,
            linkedin_oauth_url=get("COACHBOT_LINKEDIN_OAUTH_URL", "https://www.linkedin.com/oauth/v2").rstrip("/"),
            linkedin_api_url=get("COACHBOT_LINKEDIN_API_URL", "https://api.linkedin.com").rstrip("/"),
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
            stt_url=stt_url,
            stt_model=get("COACHBOT_STT_MODEL", ""),
            stt_key=get("COACHBOT_STT_KEY", ""),
            whisper_model=Path(whisper).expanduser() if whisper else None,
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
    def stt_configured(self) -> bool:
        """Whether an endpoint transcribes voice notes: only when its own address and model are both set (the
        model writer's endpoint is never assumed to transcribe)."""
        return bool(self.stt_url and self.stt_model)

    @property
    def listening(self) -> bool:
        """Whether voice notes can be transcribed at all (an endpoint, or a model on disk)."""
        return self.stt_configured or self.whisper_model is not None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never be written anywhere."""
        return tuple(secret for secret in (self.token, self.llm_key, self.stt_key, self.linkedin_secret,
                                                  self.secret_key) if secret)

    @property
    def web_port(self) -> int | None:
        """The port of the bot's small web server (None: no web server)."""
        if self.http_port is not None:
            return self.http_port
        return DEFAULT_HTTP_PORT if self.public_url else None

    @property
    def linkedin_configured(self) -> bool:
        """Whether leaders may connect LinkedIn and publish from the bot."""
        return bool(self.linkedin_client_id and self.linkedin_secret and self.public_url and self.secret_key)
