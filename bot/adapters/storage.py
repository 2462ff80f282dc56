"""Leaders stored with TinyDB, one small file per leader, each write atomic.

TinyDB's own JSON storage rewrites its file in place, so a crash mid-write can leave it unreadable, and one file
for everybody makes every write rewrite everybody. Here each leader has a file of their own
(`<data>/leaders/<user id>.json`), and every write goes to a temporary file that is flushed, synced and renamed
over the old one: after a kill at any moment the file holds either the previous state or the new one. Files are
readable by their owner only. One process writes; the service holds a leader's lock around each read-decide-write
and a store-wide lock serialises the file operations themselves.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from bot.core.codec import leader_from_dict, leader_to_dict
from bot.core.feedstate import FeedState, state_from_dict, state_to_dict
from bot.core.model import Leader

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


class StorageError(Exception):
    """The data could not be read or written; the message says where, never what."""


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a file renamed into it) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload`: temporary file, flush, fsync, rename, then sync the folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads a JSON file and replaces it atomically on every write."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        return json.loads(text)  # type: ignore[no-any-return]

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomically(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def close(self) -> None:
        """Nothing stays open between calls."""


class LeaderStore:
    """Every leader's data, one TinyDB file each."""

    TABLE = "leader"

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / "leaders"
        self._lock = threading.Lock()
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            os.chmod(Path(data_dir), DIR_MODE)
            os.chmod(self.folder, DIR_MODE)
        except OSError as error:
            raise StorageError(f"cannot use the data directory {data_dir}: {error.strerror}") from None
        for stale in self.folder.glob(".*.tmp"):  # a write cut short by a crash: the real file is intact
            stale.unlink(missing_ok=True)

    def _path(self, user_id: int) -> Path:
        return self.folder / f"{int(user_id)}.json"

    def _read(self, path: Path) -> Leader | None:
        try:
            with TinyDB(path, storage=AtomicJSONStorage) as db:
                rows = db.table(self.TABLE).all()
        except (OSError, ValueError) as error:
            raise StorageError(f"cannot read {path.name}: {type(error).__name__}") from None
        return leader_from_dict(dict(rows[0])) if rows else None

    def get(self, user_id: int) -> Leader | None:
        """The stored leader, or None."""
        with self._lock:
            path = self._path(user_id)
            return self._read(path) if path.exists() else None

    def put(self, leader: Leader) -> None:
        """Store a leader, replacing what was there, atomically."""
        with self._lock:
            try:
                with TinyDB(self._path(leader.user_id), storage=AtomicJSONStorage) as db:
                    # One document with a fixed id: a single write replaces it whole.
                    db.table(self.TABLE).upsert(Document(leader_to_dict(leader), doc_id=1))
            except OSError as error:
                raise StorageError(f"cannot write leader data: {error.strerror or error}") from None

    def delete(self, user_id: int) -> None:
        """Forget a leader entirely."""
        with self._lock:
            try:
                self._path(user_id).unlink(missing_ok=True)
                fsync_dir(self.folder)
            except OSError as error:
                raise StorageError(f"cannot delete leader data: {error.strerror or error}") from None

    def all(self) -> Iterator[Leader]:
        """Every stored leader (files that cannot be read are skipped and named in the error log)."""
        for path in sorted(self.folder.glob("*.json")):
            try:
                with self._lock:
                    leader = self._read(path)
            except StorageError as error:
                log.error("skipping a leader file: %s", error)
                continue
            if leader is not None:
                yield leader


class UpdateLedger:
    """Which Telegram updates were handled, so that an update delivered again after a crash is skipped.

    Updates of different chats finish in any order, so the ledger keeps a watermark (every update up to it is
    done with) and the ids handled above it. `floor` tells the lowest update still in hand (fetched and not
    handled; None: none), which lets the watermark move up. The file stays readable by the previous release:
    `{"last_update_id": watermark, "handled": [ids above it]}` (that release wrote only `last_update_id`).
    """

    KEEP = 10_000  # handled ids kept above the watermark at most

    def __init__(self, data_dir: Path, *, floor: Callable[[], int | None] = lambda: None) -> None:
        self.path = Path(data_dir) / "updates.json"
        self.floor = floor
        self._handled: set[int] = set()
        self._waiting: set[int] = set()  # recorded, not written yet
        self._mutex = threading.Lock()  # guards the sets
        self._writing = threading.Lock()  # one write at a time
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            self._last = int(stored["last_update_id"])
            self._handled = {int(i) for i in stored.get("handled", ()) if int(i) > self._last}
        except FileNotFoundError:
            self._last = 0
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            log.error("the update ledger is unreadable (%s); starting afresh", type(error).__name__)
            self._last, self._handled = 0, set()

    @property
    def last(self) -> int:
        """The watermark: every update up to this id is done with."""
        return self._last

    def handled(self, update_id: int) -> bool:
        """Whether this update was handled already."""
        return update_id <= self._last or update_id in self._handled

    def record(self, update_id: int) -> None:
        """Remember that an update was handled (written atomically before this returns; thread-safe).

        Records made at the same time share one write: whoever writes takes every id waiting.
        """
        with self._mutex:
            if self.handled(update_id):
                return
            self._waiting.add(update_id)
        with self._writing:
            with self._mutex:
                if update_id not in self._waiting:  # another record's write took it
                    if not self.handled(update_id):
                        raise StorageError("cannot record the update")
                    return
                batch = set(self._waiting)
                handled = self._handled | batch
                floor = self.floor()
            # Everything below the lowest update in hand is done with; nothing in hand: everything fetched is.
            last = max(self._last, floor - 1) if floor is not None else max(max(handled), self._last)
            kept = sorted(i for i in handled if i > last)
            if len(kept) > self.KEEP:
                last, kept = kept[-self.KEEP - 1], kept[-self.KEEP:]
            try:
                write_atomically(self.path, json.dumps({"last_update_id": last, "handled": kept}).encode())
            except OSError as error:
                with self._mutex:
                    self._waiting -= batch
                raise StorageError(f"cannot record the update: {error.strerror or error}") from None
            with self._mutex:
                self._last, self._handled = last, set(kept)
                self._waiting -= batch


class FeedStore:
    """What is known of each feed (validators, failures, last items), one small file per feed, atomic."""

    TABLE = "feed"

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / "feeds"
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        except OSError as error:
            raise StorageError(f"cannot use the data directory {data_dir}: {error.strerror}") from None
        for stale in self.folder.glob(".*.tmp"):
            stale.unlink(missing_ok=True)

    def _path(self, url: str) -> Path:
        return self.folder / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"

    def put(self, state: FeedState) -> None:
        """Store one feed's state, replacing what was there, atomically."""
        try:
            with TinyDB(self._path(state.url), storage=AtomicJSONStorage) as db:
                db.table(self.TABLE).upsert(Document(state_to_dict(state), doc_id=1))
        except OSError as error:
            raise StorageError(f"cannot write feed data: {error.strerror or error}") from None

    def delete(self, url: str) -> None:
        """Forget a feed: its state and items."""
        try:
            self._path(url).unlink(missing_ok=True)
            fsync_dir(self.folder)
        except OSError as error:
            raise StorageError(f"cannot delete feed data: {error.strerror or error}") from None

    def all(self) -> dict[str, FeedState]:
        """Every stored feed state, by address (unreadable files are skipped and logged)."""
        states: dict[str, FeedState] = {}
        for path in sorted(self.folder.glob("*.json")):
            try:
                with TinyDB(path, storage=AtomicJSONStorage) as db:
                    rows = db.table(self.TABLE).all()
                if rows:
                    state = state_from_dict(dict(rows[0]))
                    states[state.url] = state
            except (OSError, ValueError, KeyError, TypeError) as error:
                log.error("skipping a feed file %s: %s", path.name, type(error).__name__)
        return states
