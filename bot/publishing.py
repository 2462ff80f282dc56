"""Publishing for leaders on LinkedIn: the sign-in (its single-use `state`), the encrypted token, and the post.

The port the front ends use (`Publisher`): a sign-in address for a leader, the end of a sign-in (the callback
of the web server), a publication, and forgetting a leader's token. The core never sees a token: it is told
"connected until…" and "published at…".

Each sign-in's `state` is 32 random bytes, bound to the Telegram user who asked, usable once, for 10 minutes;
only its SHA-256 is kept, in `data/linkedin/states.json` (so a restart in between does not lose it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot import logs
from bot.adapters.linkedin import LinkedInClient, LinkedInError, Publication
from bot.adapters.storage import DIR_MODE, write_atomically
from bot.adapters.vault import Kept, TokenVault
from bot.core.events import PublishResult

log = logging.getLogger(__name__)

STATE_LIFE = timedelta(minutes=10)


class Publisher(Protocol):
    """What the front ends ask of the network the bot publishes on."""

    def connect_url(self, user_id: int, now: datetime) -> str: ...
    async def publish(self, user_id: int, text: str, now: datetime) -> Publication: ...
    def forget(self, user_id: int) -> None: ...


class SignInRefused(Exception):
    """A callback whose state is wrong, used already or expired (user_id None), or whose sign-in failed (user_id:
    the leader it was for); nothing was kept."""

    def __init__(self, reason: str, user_id: int | None = None) -> None:
        super().__init__(reason)
        self.user_id = user_id


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


class SignIns:
    """Pending sign-ins: the digest of each state, the leader it was made for, and until when it is good."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "linkedin" / "states.json"
        self._pending: dict[str, tuple[int, datetime]] = {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            self._pending = {k: (int(v["user"]), datetime.fromisoformat(v["until"])) for k, v in stored.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._pending = {}

    def _save(self, now: datetime) -> None:
        self._pending = {k: v for k, v in self._pending.items() if v[1] > now}
        self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        data = {k: {"user": user, "until": until.isoformat()} for k, (user, until) in self._pending.items()}
        write_atomically(self.path, json.dumps(data).encode())

    def issue(self, user_id: int, now: datetime) -> str:
        """A new state for this leader."""
        state = secrets.token_urlsafe(32)
        self._pending[_digest(state)] = (user_id, now + STATE_LIFE)
        self._save(now)
        return state

    def redeem(self, state: str, now: datetime) -> int:
        """The leader a state was made for; it cannot be used again. SignInRefused if it is not good."""
        if not state or len(state) > 200:
            raise SignInRefused("no state, or not one of ours")
        found = self._pending.pop(_digest(state), None)
        if found is None:
            raise SignInRefused("a state that is unknown or used already")
        self._save(now)
        user_id, until = found
        if until <= now:
            raise SignInRefused("an expired state")
        return user_id

    def forget(self, user_id: int, now: datetime) -> None:
        """Drop the leader's pending sign-ins."""
        before = len(self._pending)
        self._pending = {k: v for k, v in self._pending.items() if v[0] != user_id}
        if len(self._pending) != before:
            self._save(now)


class LinkedInPublisher:
    """LinkedIn for every leader: sign-ins, tokens kept encrypted, posts."""

    def __init__(self, client: LinkedInClient, vault: TokenVault, sign_ins: SignIns) -> None:
        self.client = client
        self.vault = vault
        self.sign_ins = sign_ins

    def connect_url(self, user_id: int, now: datetime) -> str:
        """LinkedIn's page that asks the leader to allow the bot to publish, with a fresh state."""
        return self.client.authorization_url(self.sign_ins.issue(user_id, now))

    async def complete(self, code: str, state: str, error: str, now: datetime) -> tuple[int, datetime]:
        """The callback: the leader and until when they are connected; SignInRefused (nothing kept) if not."""
        user_id = self.sign_ins.redeem(state, now)
        if error or not code:
            said = "".join(c for c in error[:60] if c.isalnum() or c in "_-") or "without a code"
            raise SignInRefused(f"LinkedIn answered {said}", user_id)
        try:
            grant = await self.client.sign_in(code)
        except LinkedInError as failure:
            raise SignInRefused(str(failure), user_id) from None
        logs.remember(grant.token)
        until = now + timedelta(seconds=grant.expires_in)
        self.vault.put(user_id, Kept(grant.token, grant.member, until))
        log.info("leader %s connected LinkedIn", user_id)
        return user_id, until

    async def publish(self, user_id: int, text: str, now: datetime) -> Publication:
        """Publish for the leader (UNAUTHORIZED when no usable token is kept)."""
        kept = self.vault.get(user_id)
        if kept is None or kept.expires_at <= now:
            return Publication(PublishResult.UNAUTHORIZED, code="no token kept")
        logs.remember(kept.token)
        publication = await self.client.publish(kept.token, kept.member, text)
        if publication.result is PublishResult.UNAUTHORIZED:
            self.vault.remove(user_id)  # refused for good: nothing to keep
        log.info("publishing for leader %s: %s %s", user_id, publication.result.value, publication.code)
        return publication

    def forget(self, user_id: int) -> None:
        """Remove the leader's token and pending sign-ins (/linkedin off, /delete)."""
        self.vault.remove(user_id)
        self.sign_ins.forget(user_id, datetime.now().astimezone())

    async def aclose(self) -> None:
        """Close the connections to LinkedIn."""
        await self.client.aclose()


def forget_leader(data_dir: Path, user_id: int) -> None:
    """/delete: the leader's token and pending sign-ins go (whether or not LinkedIn is configured now)."""
    (Path(data_dir) / "linkedin" / f"{int(user_id)}.token").unlink(missing_ok=True)
    if (Path(data_dir) / "linkedin" / "states.json").exists():
        SignIns(data_dir).forget(user_id, datetime.now().astimezone())
