"""Logging that never writes a secret.

The bot token travels in every Bot API URL, and libraries log URLs (httpx at INFO, python-telegram-bot at
DEBUG, exceptions quoting the request). Every log record is scrubbed when it is created, before any handler
or formatter sees it, so no level and no handler can leak it.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# OAuth's secrets as libraries may quote them: a bearer token, a token or client secret in a form or JSON, an
# authorization code or state in a callback address.
_BEARER = re.compile(r"(Bearer\s+)[^\s\"',]+", re.IGNORECASE)
_OAUTH_FIELD = re.compile(
    r"((?:access_token|refresh_token|id_token|client_secret)[\"']?\s*[:=]\s*[\"']?)[^\s&\"',}]+", re.IGNORECASE)
_CALLBACK_PARAM = re.compile(r"([?&](?:code|state)=)[^\s&\"']+")
_base_factory = logging.getLogRecordFactory()
_secrets: tuple[str, ...] = ()


def redact(text: str) -> str:
    """Replace every known secret, and anything shaped like a bot token or an OAuth secret, by a placeholder."""
    for secret in _secrets:
        text = text.replace(secret, "[redacted]")
    text = _TOKEN_SHAPE.sub("[redacted]", text)
    text = _BEARER.sub(r"\1[redacted]", text)
    text = _OAUTH_FIELD.sub(r"\1[redacted]", text)
    return _CALLBACK_PARAM.sub(r"\1[redacted]", text)


def remember(secret: str) -> None:
    """A secret learnt while running (a leader's access token): scrubbed from every log record from now on."""
    global _secrets
    if len(secret) >= 8 and secret not in _secrets:
        _secrets = (*_secrets, secret)


def _record_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)  # type: ignore[arg-type]
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep what can be shown
        message = str(record.msg)
    record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    return record


def install_redaction(secrets: Iterable[str]) -> None:
    """Scrub these secrets (and token-shaped strings) from every log record from now on."""
    global _secrets
    _secrets = tuple(s for s in secrets if s)
    logging.setLogRecordFactory(_record_factory)


# What every LogRecord has; anything else on a record came from `extra=` and is the event's own field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def _scrubbed(value: Any) -> Any:
    """A field's value fit for JSON, every string in it scrubbed of secrets."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, dict):
        return {redact(str(key)): _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrubbed(item) for item in value]
    return redact(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the event's fields (`extra=`),
    and the traceback if any; every string scrubbed of secrets again (the fields are not scrubbed at creation)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = _scrubbed(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(record.stack_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def configure(level: str, secrets: Iterable[str], log_format: str = "text") -> None:
    """Set up logging for the bot: one stream handler, scrubbed records, quiet HTTP libraries; `log_format`
    "json" writes one JSON object per line."""
    install_redaction(secrets)
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    if log_format == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    # httpx logs every request URL at INFO; keep it for warnings (they are scrubbed anyway).
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLevelName(level)))
