"""`coachbot doctor`: checks the set-up before the first morning, one line per part, each with its fix.

Checked: the token (getMe), the data directory (there, writable, free space, readable by its owner only), the
backups, the feeds (how many answer), the model writer and the transcription service when configured (one tiny
request each), the LinkedIn settings when set (the public address cannot be checked from inside), the clock
(against the Date of Telegram's answer) and the time-zone data. Exit status 0 when nothing failed, 1 otherwise;
a warning (some feeds failing, no backup yet) does not fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from bot.settings import Settings

OK, WARN, FAIL, SKIP = "ok", "warn", "FAIL", "skip"
MIN_FREE = 200 * 1024 * 1024  # bytes free in the data directory's file system, at least
MAX_SKEW = 30.0  # seconds the clock may be off Telegram's
TIMEOUT = 10.0


@dataclass(frozen=True)
class Check:
    """One line of the doctor's answer."""

    status: str
    name: str
    said: str
    fix: str = ""

    def line(self) -> str:
        """As printed."""
        fix = f" — fix: {self.fix}" if self.fix and self.status in (FAIL, WARN) else ""
        return f"{self.status:<4}  {self.name}: {self.said}{fix}"


# --- token and clock -----------------------------------------------------------------------------------------


def check_token(settings: Settings) -> tuple[Check, datetime | None]:
    """getMe with the token; also Telegram's time (the Date of its answer), for the clock."""
    if not settings.token:
        return Check(FAIL, "token", "TELEGRAM_BOT_TOKEN is not set",
                     "create a bot with @BotFather and put its token in TELEGRAM_BOT_TOKEN (or .env)"), None
    host = urlsplit(settings.api_url).netloc or settings.api_url
    try:
        with urllib.request.urlopen(f"{settings.api_url}{settings.token}/getMe", timeout=TIMEOUT) as response:
            status, headers, raw = response.status, response.headers, response.read(100_000)
    except urllib.error.HTTPError as error:  # an answer, with its status
        status, headers, raw = error.code, error.headers, error.read(100_000)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Check(FAIL, "token", f"cannot reach the Bot API at {host} ({type(error).__name__})",
                     "check the network, a proxy (HTTPS_PROXY) or TELEGRAM_API_URL"), None
    told = _date_of(headers.get("date", "") if headers is not None else "")
    try:
        body = json.loads(raw)
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if status == 200 and body.get("ok"):
        username = (body.get("result") or {}).get("username", "?")
        return Check(OK, "token", f"the bot is @{username} (getMe answered)"), told
    if status in (401, 404):
        description = f" {body['description']}" if isinstance(body.get("description"), str) else ""
        return Check(FAIL, "token", f"Telegram refuses this token ({status}{description})",
                     "copy the token again from @BotFather (/mybots, API Token) into TELEGRAM_BOT_TOKEN"), told
    return Check(FAIL, "token", f"getMe answered {status}",
                 "try again later; if it lasts, check TELEGRAM_API_URL"), told


def _date_of(header: str) -> datetime | None:
    try:
        told = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    return told.astimezone(UTC) if told.tzinfo else told.replace(tzinfo=UTC)


def check_clock(told: datetime | None, now: datetime) -> Check:
    """The machine's clock against Telegram's."""
    if told is None:
        return Check(SKIP, "clock", "not compared: Telegram was not reached")
    skew = (now - told).total_seconds()
    if abs(skew) > MAX_SKEW:
        side = "ahead of" if skew > 0 else "behind"
        return Check(FAIL, "clock", f"{abs(skew):.0f} s {side} Telegram's: lessons and reminders would be late "
                     "or early", "turn on time synchronisation (timedatectl set-ntp true, or chrony)")
    return Check(OK, "clock", f"within {max(abs(skew), 1):.0f} s of Telegram's")


def check_time_zones(settings: Settings, now: datetime) -> Check:
    """The time-zone data leaders' local times need."""
    from importlib import metadata
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        for name in ("Europe/Paris", "America/New_York", "Asia/Kolkata"):
            ZoneInfo(name)
        count = len(available_timezones())
    except (ZoneInfoNotFoundError, OSError, ValueError):
        return Check(FAIL, "time zones", "the time-zone data is missing",
                     "install it: pip install tzdata (or apt-get install tzdata)")
    try:
        version = f", tzdata {metadata.version('tzdata')}"
    except metadata.PackageNotFoundError:
        version = ""
    local = now.astimezone()
    return Check(OK, "time zones", f"{count} zones{version}; server time zone {local.tzname()}, nightly backup "
                 f"at {settings.backup_hour:%H:%M} server time")


# --- data ----------------------------------------------------------------------------------------------------


def _loose(folder: Path, limit: int = 3) -> Iterator[Path]:
    """Files and folders under `folder` that others than their owner may read or write."""
    found = 0
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            path = Path(root) / name
            try:
                mode = path.lstat().st_mode
            except OSError:
                continue
            if mode & 0o077:
                yield path
                found += 1
                if found >= limit:
                    return


def check_data_dir(settings: Settings) -> list[Check]:
    """There (or can be), writable, room left, readable by its owner only."""
    folder = settings.data_dir
    if not folder.exists():
        parent = folder.absolute().parent
        if os.access(parent, os.W_OK | os.X_OK):
            return [Check(OK, "data directory", f"{folder} does not exist yet; it is created at the first run "
                          "(mode 0700)")]
        return [Check(FAIL, "data directory", f"{folder} does not exist and {parent} is not writable",
                      f"create it for the bot's user: mkdir -m 700 {folder}")]
    if not folder.is_dir():
        return [Check(FAIL, "data directory", f"{folder} is not a directory", "point COACHBOT_DATA_DIR at a folder")]
    checks: list[Check] = []
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", suffix=".tmp") as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        checks.append(Check(FAIL, "data directory", f"{folder} is not writable ({error.strerror})",
                            f"give it to the bot's user: chown -R <user> {folder}"))
    else:
        checks.append(Check(OK, "data directory", f"{folder} is writable"))
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE:
        checks.append(Check(FAIL, "disk space", f"{free // 1_000_000} MB free where the data lives",
                            f"free some space, or move COACHBOT_DATA_DIR (at least {MIN_FREE // 1_000_000} MB)"))
    else:
        checks.append(Check(OK, "disk space", f"{free / 1e9:.1f} GB free"))
    loose = [folder] if folder.stat().st_mode & 0o077 else []
    loose += list(_loose(folder))
    if loose:
        names = ", ".join(str(path) for path in loose[:3])
        checks.append(Check(FAIL, "permissions", f"others may read the leaders' data ({names})",
                            f"chmod -R go-rwx {folder}"))
    else:
        checks.append(Check(OK, "permissions", "folders 0700 and files 0600: the owner only"))
    return checks


def check_backups(settings: Settings, now: datetime) -> Check:
    """How old the newest backup is."""
    from bot.backup import BACKUPS, newest_taken

    taken = newest_taken(settings.data_dir / BACKUPS)
    if taken is None:
        return Check(WARN, "backups", f"none yet in {settings.data_dir / BACKUPS}",
                     f"coachbot run takes one every night at {settings.backup_hour:%H:%M}; "
                     "or run coachbot backup now")
    age = now - taken
    if age > timedelta(hours=48):
        return Check(WARN, "backups", f"the newest is {age.days} days old",
                     "is coachbot run running? run coachbot backup now")
    return Check(OK, "backups", f"the newest is {age.total_seconds() / 3600:.0f} hours old")


# --- feeds and services --------------------------------------------------------------------------------------


def check_feeds(settings: Settings) -> Check:
    """Read every configured feed once; how many answer."""
    from bot.adapters.content_files import ContentError, read_sectors
    from bot.adapters.feeds import FeedFetcher, FeedSource

    try:
        sectors = read_sectors(settings.feeds_path)
    except (ContentError, OSError, ValueError) as error:
        return Check(FAIL, "feeds", f"the feeds file {settings.feeds_path} cannot be read ({error})",
                     "fix the file, or point COACHBOT_FEEDS at a good one")
    sources = {feed.url: FeedSource(feed.url, feed.name, feed.language) for s in sectors for feed in s.feeds}
    if not sources:
        return Check(FAIL, "feeds", f"{settings.feeds_path} lists no feed", "add feeds to the sectors")

    async def read_all():  # type: ignore[no-untyped-def]
        fetcher = FeedFetcher(allow_private=settings.allow_private_feeds, timeout=TIMEOUT, concurrency=16)
        try:
            return await fetcher.refresh(list(sources.values()), {}, datetime.now(UTC))
        finally:
            await fetcher.aclose()

    _, reports = asyncio.run(read_all())
    failing = [report for report in reports if report.status not in ("ok", "not-modified")]
    answered = len(reports) - len(failing)
    said = f"{answered} of {len(reports)} feeds answer"
    if not answered:
        return Check(FAIL, "feeds", f"{said}: no suggestion can be made",
                     "check the network or a proxy (HTTPS_PROXY); coachbot feeds check says more")
    if failing:
        return Check(WARN, "feeds", f"{said} ({', '.join(r.name for r in failing[:3])}"
                     f"{'...' if len(failing) > 3 else ''} do not)",
                     "coachbot feeds check shows why; remove or replace them in the feeds file")
    return Check(OK, "feeds", said)


def check_model(settings: Settings) -> Check:
    """The model writer, when configured: one tiny request."""
    if not settings.llm_url and not settings.llm_model:
        return Check(SKIP, "model writer", "not configured: the bot composes posts itself")
    if not settings.llm_configured:
        missing = "COACHBOT_LLM_MODEL" if settings.llm_url else "COACHBOT_LLM_URL"
        return Check(FAIL, "model writer", f"{missing} is not set: no model is used", f"set {missing} too")
    from bot.adapters.llm import probe_model

    reason = asyncio.run(probe_model(url=settings.llm_url, model=settings.llm_model, key=settings.llm_key,
                                     timeout=TIMEOUT))
    where = urlsplit(settings.llm_url).netloc
    if reason is not None:
        return Check(FAIL, "model writer", f"{settings.llm_model} at {where}: {reason} (the bot composes posts "
                     "itself meanwhile)", "check COACHBOT_LLM_URL, COACHBOT_LLM_MODEL and COACHBOT_LLM_KEY")
    return Check(OK, "model writer", f"{settings.llm_model} at {where} answers")


def check_transcription(settings: Settings) -> Check:
    """The transcription service, when configured: one tiny request."""
    if not hasattr(settings, "stt_url"):
        return Check(SKIP, "transcription", "this release has no transcription settings")
    url, model, key = settings.stt_url, settings.stt_model, settings.stt_key
    if not url and not model:
        return Check(SKIP, "transcription", "not configured: voice notes are not transcribed")
    if not url or not model:
        missing = "COACHBOT_STT_MODEL" if url else "COACHBOT_STT_URL"
        return Check(FAIL, "transcription", f"{missing} is not set", f"set {missing} too")
    from bot.adapters.llm import probe_transcription

    reason = asyncio.run(probe_transcription(url=url, model=model, key=key, timeout=TIMEOUT))
    where = urlsplit(url).netloc
    if reason is not None:
        return Check(FAIL, "transcription", f"{model} at {where}: {reason}",
                     "check COACHBOT_STT_URL, COACHBOT_STT_MODEL and COACHBOT_STT_KEY")
    return Check(OK, "transcription", f"{model} at {where} answers")


def check_linkedin(settings: Settings) -> Check:
    """LinkedIn's settings, when set: all three, and a public https address (not checkable from here)."""
    values = {
        "COACHBOT_LINKEDIN_CLIENT_ID": settings.linkedin_client_id,
        "COACHBOT_LINKEDIN_SECRET": settings.linkedin_secret,
        "COACHBOT_PUBLIC_URL": settings.public_url,
    }
    if not any(values.values()):
        return Check(SKIP, "LinkedIn", "not configured: posts are shared by link")
    missing = [name for name, value in values.items() if not value]
    if missing:
        return Check(FAIL, "LinkedIn", f"{', '.join(missing)} not set: publishing to LinkedIn is off",
                     "set all three (see README, LinkedIn)")
    public = values["COACHBOT_PUBLIC_URL"]
    if len(settings.secret_key) < 16:
        return Check(FAIL, "LinkedIn", "COACHBOT_SECRET_KEY not set: leaders' tokens cannot be stored encrypted",
                     "set a Fernet key or a passphrase of 16 characters or more (see README, Configuration)")
    if urlsplit(public).scheme != "https" or not urlsplit(public).netloc:
        return Check(FAIL, "LinkedIn", f"COACHBOT_PUBLIC_URL ({public}) is not an https address",
                     "give the public https address that reaches the bot's web server")
    return Check(OK, "LinkedIn", f"settings complete; whether {public} reaches this machine cannot be checked "
                 f"from here: open {public.rstrip('/')}/healthz from outside")


def checks(settings: Settings) -> Iterator[Check]:
    """Every check, in order (each runs when its line is wanted)."""
    token, told = check_token(settings)
    yield token
    yield from check_data_dir(settings)
    yield check_backups(settings, datetime.now(UTC))
    yield check_feeds(settings)
    yield check_model(settings)
    yield check_transcription(settings)
    yield check_linkedin(settings)
    yield check_clock(told, datetime.now(UTC))
    yield check_time_zones(settings, datetime.now(UTC))


def run_doctor(settings: Settings, out: TextIO) -> int:
    """Print one line per check; 0 when none failed, else 1."""
    failed = 0
    for check in checks(settings):
        print(check.line(), file=out, flush=True)
        failed += check.status == FAIL
    print(f"{failed} problem(s) found" if failed else "all is well", file=out)
    return 1 if failed else 0
