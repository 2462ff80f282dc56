"""Secrets kept at rest, encrypted with `cryptography`'s Fernet (AES-128-CBC with an HMAC-SHA256, authenticated):
each leader's network token in a file of its own, `data/linkedin/<user id>.token`, readable by no one without
COACHBOT_SECRET_KEY.

The key is COACHBOT_SECRET_KEY itself when it is a Fernet key (`Fernet.generate_key()`), else one derived from
it with PBKDF2-HMAC-SHA256. A file that does not decrypt (another key, a damaged file) reads as no token: the
leader connects again.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from bot.adapters.storage import DIR_MODE, write_atomically

log = logging.getLogger(__name__)

KDF_SALT = b"coachbot tokens at rest"
KDF_ROUNDS = 200_000


def fernet_key(secret: str) -> bytes:
    """The Fernet key for a COACHBOT_SECRET_KEY value."""
    try:
        if len(base64.urlsafe_b64decode(secret.encode())) == 32:
            return secret.encode()
    except (binascii.Error, ValueError):
        pass
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=KDF_SALT, iterations=KDF_ROUNDS)
    return base64.urlsafe_b64encode(kdf.derive(secret.encode()))


@dataclass(frozen=True)
class Kept:
    """A leader's token for the network, the member it belongs to, and when it ends."""

    token: str
    member: str
    expires_at: datetime

    def __repr__(self) -> str:  # never the token, whatever prints it
        return f"Kept(member={self.member!r}, expires_at={self.expires_at.isoformat()})"


class TokenVault:
    """Tokens by leader, encrypted on disk."""

    def __init__(self, data_dir: Path, secret: str, *, folder: str = "linkedin") -> None:
        self.folder = Path(data_dir) / folder
        self._fernet = Fernet(fernet_key(secret))

    def _path(self, user_id: int) -> Path:
        return self.folder / f"{int(user_id)}.token"

    def put(self, user_id: int, kept: Kept) -> None:
        """Keep the leader's token (replacing any earlier one)."""
        self.folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        plain = json.dumps({"token": kept.token, "member": kept.member, "expires_at": kept.expires_at.isoformat()})
        write_atomically(self._path(user_id), self._fernet.encrypt(plain.encode()))

    def get(self, user_id: int) -> Kept | None:
        """The leader's token (None: none, or it cannot be read with this key)."""
        try:
            sealed = self._path(user_id).read_bytes()
        except FileNotFoundError:
            return None
        try:
            data = json.loads(self._fernet.decrypt(sealed))
            return Kept(str(data["token"]), str(data["member"]), datetime.fromisoformat(data["expires_at"]))
        except (InvalidToken, ValueError, KeyError, TypeError):
            log.warning("a stored token cannot be read with this COACHBOT_SECRET_KEY; the leader connects again")
            return None

    def remove(self, user_id: int) -> None:
        """Forget the leader's token (nothing happens when there is none)."""
        try:
            os.unlink(self._path(user_id))
        except FileNotFoundError:
            pass
