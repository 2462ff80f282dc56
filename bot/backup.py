"""Backups that restore: one archive of the data directory, taken while the bot runs, checked before it is trusted.

An archive (`coachbot-backup-<UTC time>.tar.gz`) holds every file of the data directory (leaders, feed states,
the update ledger, the inbox of fetched updates, files written for leaders) under `data/`, and a manifest
(`manifest.json`, last): the release that wrote it, the stored formats, counts, and each file's size and SHA-256.

* Consistent while the bot runs: every file of the data directory is replaced atomically (a renamed temporary
  file), so a read gets one whole version; each leader's file is read under that leader's lock when the running
  bot takes the backup (a "Done" being recorded finishes first). The inbox and the update ledger are read before
  the leaders: an update handled meanwhile is at worst handled once more after a restore, never lost.
* Never half-written: the archive is written under a temporary name, synced, then renamed; an archive is listed
  as good only when it reads to its end and every file matches the manifest.
* Restored only after checking, into an empty data directory: a corrupt, incomplete or newer-format archive is
  refused with its reason and nothing is written.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from bot import __version__
from bot.adapters.storage import DIR_MODE, FILE_MODE, fsync_dir
from bot.core import codec, feedstate

PREFIX = "coachbot-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
ARCHIVE_FORMAT = 1  # the layout of the archive itself
BACKUPS = "backups"  # the folder of nightly archives, inside the data directory (never archived itself)
_NAME = re.compile(r"^coachbot-backup-(\d{8}T\d{6}(?:\d{6})?Z)\.tar\.gz$")
_RESTORING = ".restoring"

LeaderLock = Callable[[int], AbstractContextManager[object]]


def release() -> str:
    """The release running: the installed package's version (bot.__version__ when it is not installed)."""
    from importlib import metadata

    try:
        return metadata.version("coachbot")
    except metadata.PackageNotFoundError:
        return __version__


class BackupError(Exception):
    """An archive cannot be written, trusted or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """A good archive and what its manifest says."""

    path: Path
    manifest: dict[str, Any]

    @property
    def created(self) -> datetime:
        """When it was taken."""
        return datetime.fromisoformat(self.manifest["created"])

    @property
    def counts(self) -> dict[str, int]:
        """How many leaders, feeds, updates in the inbox and files it holds."""
        return dict(self.manifest["counts"])


def _no_lock(user_id: int) -> AbstractContextManager[object]:
    return contextlib.nullcontext()


def _sources(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """Every file to archive, as (path inside data/, file): inbox and ledger first, then leaders, then the rest."""
    def files_under(folder: Path) -> list[Path]:
        found = []
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not (Path(root) == data_dir and d == BACKUPS) and d != _RESTORING)
            for name in sorted(names):
                path = Path(root) / name
                if name.startswith(".") and name.endswith(".tmp") or _NAME.match(name):  # a write in progress
                    continue  # or cut short; an archive kept elsewhere in the folder
                if path.is_file() and not path.is_symlink():
                    found.append(path)
        return found

    first = [data_dir / "inbox", data_dir / "updates.json", data_dir / "leaders"]
    seen: set[Path] = set()
    for place in first:
        for path in ([place] if place.is_file() else files_under(place) if place.is_dir() else []):
            seen.add(path)
            yield path.relative_to(data_dir).as_posix(), path
    for path in files_under(data_dir):
        if path not in seen:
            yield path.relative_to(data_dir).as_posix(), path


def _leader_id(name: str) -> int | None:
    parts = PurePosixPath(name).parts
    if len(parts) == 2 and parts[0] == "leaders" and parts[1].endswith(".json") and parts[1][:-5].isdigit():
        return int(parts[1][:-5])
    return None


def _count_updates(payload: bytes) -> int:
    try:
        updates = json.loads(payload)
    except ValueError:
        return 0
    return len(updates) if isinstance(updates, list) else 0


def archive_name(now: datetime) -> str:
    """The file name of an archive taken at `now`."""
    return f"{PREFIX}{now.astimezone(UTC).strftime('%Y%m%dT%H%M%S%fZ')}{SUFFIX}"


def take_backup(data_dir: Path, to_dir: Path | None = None, *, lock: LeaderLock | None = None,
                now: datetime | None = None, on_file: Callable[[str], None] | None = None) -> Backup:
    """Write one archive of `data_dir` into `to_dir` (default: data_dir/backups) and return it.

    `lock(user_id)` holds a leader's lock while their file is read (the running bot's); `on_file` is told each
    file once it is in the archive.
    """
    data_dir = Path(data_dir)
    lock = lock or _no_lock
    if not data_dir.is_dir():
        raise BackupError(f"there is no data directory at {data_dir}: set COACHBOT_DATA_DIR")
    folder = Path(to_dir) if to_dir is not None else data_dir / BACKUPS
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except OSError as error:
        raise BackupError(f"cannot create {folder}: {error.strerror}") from None
    # One backup at a time in a folder (the nightly one and `coachbot backup` may meet): whoever holds the lock
    # knows that a temporary archive there is a dead one.
    try:
        lock_fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        raise BackupError(f"cannot write in {folder}: {error.strerror}") from None
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        _remove_leftovers(folder)
        return _write(data_dir, folder, lock, now or datetime.now(UTC), on_file)
    finally:
        os.close(lock_fd)  # the lock goes with it


def _write(data_dir: Path, folder: Path, lock: LeaderLock, now: datetime,
           on_file: Callable[[str], None] | None) -> Backup:
    final = folder / archive_name(now)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=folder)
    files: dict[str, dict[str, Any]] = {}
    counts = {"leaders": 0, "feeds": 0, "inbox_updates": 0, "files": 0}
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            with tarfile.open(fileobj=handle, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                for name, path in _sources(data_dir):
                    user_id = _leader_id(name)
                    try:
                        with lock(user_id) if user_id is not None else contextlib.nullcontext():
                            payload = path.read_bytes()
                    except FileNotFoundError:  # removed meanwhile (a leader deleted, an inbox batch handled)
                        continue
                    _add(tar, f"data/{name}", payload, now)
                    files[name] = {"size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
                    counts["files"] += 1
                    if user_id is not None:
                        counts["leaders"] += 1
                    elif name.startswith("feeds/") and name.endswith(".json"):
                        counts["feeds"] += 1
                    elif name.startswith("inbox/") and name.endswith(".json"):
                        counts["inbox_updates"] += _count_updates(payload)
                    if on_file is not None:
                        on_file(name)
                manifest = {
                    "kind": "coachbot backup", "archive_format": ARCHIVE_FORMAT, "release": release(),
                    "created": now.astimezone(UTC).isoformat(),
                    "formats": {"leader": codec.FORMAT_VERSION, "feed": feedstate.FORMAT_VERSION},
                    "counts": counts, "files": files,
                }
                _add(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode(), now)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, final)
        fsync_dir(folder)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(error, OSError):
            raise BackupError(f"cannot write the backup in {folder}: {error.strerror or error}") from None
        raise
    return Backup(final, manifest)


def _add(tar: tarfile.TarFile, name: str, payload: bytes, now: datetime) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(payload), FILE_MODE, int(now.timestamp())
    tar.addfile(info, io.BytesIO(payload))


def _remove_leftovers(folder: Path) -> None:
    """Archives cut short (a kill, a full disk) never got their name: their temporary files go."""
    for stale in folder.glob(f".{PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def read_archive(archive: Path, *, check_leaders: bool = False) -> tuple[dict[str, Any], dict[str, bytes] | None]:
    """Check an archive from end to end and return its manifest (and its files when `check_leaders`).

    Refused (BackupError with the reason): unreadable or incomplete, no manifest, a file missing, added or
    changed, a path outside data/, an archive or stored format newer than this release reads; with
    `check_leaders`, a leader file that does not open.
    """
    archive = Path(archive)
    seen: dict[str, str] = {}
    kept: dict[str, bytes] = {}
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST and member.isfile():
                    extracted = tar.extractfile(member)
                    manifest = json.loads(extracted.read()) if extracted is not None else None
                    continue
                path = PurePosixPath(member.name)
                if (not member.isfile() or path.is_absolute() or ".." in path.parts or len(path.parts) < 2
                        or path.parts[0] != "data"):
                    raise BackupError(f"{archive.name} holds an unexpected entry ({member.name}): not a coachbot "
                                      "backup")
                extracted = tar.extractfile(member)
                payload = extracted.read() if extracted is not None else b""
                name = PurePosixPath(*path.parts[1:]).as_posix()
                seen[name] = hashlib.sha256(payload).hexdigest()
                if check_leaders:
                    kept[name] = payload
            stream = tar.fileobj
            while stream is not None and stream.read(1 << 20):  # to the end: gzip checks its CRC and length
                pass
    except FileNotFoundError:
        raise BackupError(f"there is no archive at {archive}") from None
    except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as error:
        raise BackupError(f"{archive.name} is damaged or incomplete ({type(error).__name__}): use another "
                          "backup") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "coachbot backup":
        raise BackupError(f"{archive.name} has no manifest: it is incomplete or not a coachbot backup")
    _check_formats(archive, manifest)
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise BackupError(f"{archive.name} has a damaged manifest: use another backup")
    missing = sorted(set(files) - set(seen))
    extra = sorted(set(seen) - set(files))
    changed = sorted(name for name in set(files) & set(seen) if files[name].get("sha256") != seen[name])
    if missing or extra or changed:
        what = (f"{len(missing)} file(s) missing" if missing else f"{len(extra)} file(s) not in the manifest"
                if extra else f"{len(changed)} file(s) changed since it was written ({changed[0]}...)")
        raise BackupError(f"{archive.name} does not match its manifest: {what}; use another backup")
    if check_leaders:
        _check_leaders(archive, kept)
        return manifest, kept
    return manifest, None


def _check_formats(archive: Path, manifest: dict[str, Any]) -> None:
    release = manifest.get("release", "?")
    formats = manifest.get("formats") or {}
    newer = [
        f"{what} format {formats.get(what)} (this release reads up to {ours})"
        for what, ours in (("leader", codec.FORMAT_VERSION), ("feed", feedstate.FORMAT_VERSION))
        if isinstance(formats.get(what), int) and formats[what] > ours
    ]
    if int(manifest.get("archive_format", 0)) > ARCHIVE_FORMAT:
        newer.insert(0, f"archive format {manifest['archive_format']} (this release reads {ARCHIVE_FORMAT})")
    if newer:
        raise BackupError(f"{archive.name} was written by release {release} with a newer {', '.join(newer)}: "
                          f"restore it with release {release} or later")


def _check_leaders(archive: Path, files: dict[str, bytes]) -> None:
    for name, payload in files.items():
        if _leader_id(name) is None:
            continue
        try:
            rows = json.loads(payload)["leader"]
            for row in rows.values():
                codec.leader_from_dict(dict(row))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{archive.name}: the leader file {name} does not open ({error}); use another "
                              "backup") from None


def list_backups(folder: Path) -> list[Backup]:
    """The good archives in `folder`, newest first (one that does not check out is left out)."""
    found = []
    folder = Path(folder)
    if not folder.is_dir():
        return []
    for path in folder.iterdir():
        if not _NAME.match(path.name) or not path.is_file():
            continue
        try:
            manifest, _ = read_archive(path)
        except BackupError:
            continue
        found.append(Backup(path, manifest))
    return sorted(found, key=lambda backup: backup.path.name, reverse=True)


def newest_taken(folder: Path) -> datetime | None:
    """When the newest archive in `folder` was taken, from its name alone (nothing read; None: there is none)."""
    names = sorted(match.group(1) for path in (Path(folder).iterdir() if Path(folder).is_dir() else ())
                   if (match := _NAME.match(path.name)))
    if not names:
        return None
    stamp = names[-1]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ" if len(stamp) > 16 else "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def prune(folder: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` good archives; remove the older ones (and any that does not check out)."""
    good = list_backups(folder)
    doomed = [backup.path for backup in good[keep:]]
    good_paths = {backup.path for backup in good}
    doomed += [path for path in Path(folder).iterdir() if _NAME.match(path.name) and path not in good_paths]
    for path in doomed:
        with contextlib.suppress(OSError):
            path.unlink()
    return doomed


def _empty(data_dir: Path) -> bool:
    if not data_dir.exists():
        return True
    if not data_dir.is_dir():
        return False
    for entry in data_dir.iterdir():
        if entry.name == _RESTORING:
            continue
        if entry.name == BACKUPS and entry.is_dir():
            continue
        return False
    return True


def restore(archive: Path, data_dir: Path) -> Backup:
    """Put an archive back into an empty data directory, after checking all of it; return what it held."""
    data_dir = Path(data_dir)
    if not _empty(data_dir):
        raise BackupError(f"{data_dir} is not empty: restore into an empty data directory (move the current one "
                          "aside first)")
    manifest, files = read_archive(archive, check_leaders=True)
    assert files is not None
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(data_dir, DIR_MODE)
        staging = data_dir / _RESTORING
        if staging.exists():  # a restore cut short before
            shutil.rmtree(staging)
        staging.mkdir(mode=DIR_MODE)
        for name, payload in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
        for root, dirs, _names in os.walk(staging):
            for folder in dirs:
                os.chmod(Path(root) / folder, DIR_MODE)
        os.sync()  # every file on disk at once (a sync per file costs ten thousand waits) before it takes its place
        for root, _dirs, _names in os.walk(staging):
            fsync_dir(Path(root))
        for entry in sorted(staging.iterdir()):
            os.replace(entry, data_dir / entry.name)
        staging.rmdir()
        fsync_dir(data_dir)
    except OSError as error:
        raise BackupError(f"cannot write into {data_dir}: {error.strerror or error}") from None
    return Backup(Path(archive), manifest)


def describe(backup: Backup) -> str:
    """One line about an archive: name, size, when, what it holds."""
    counts = backup.counts
    size = backup.path.stat().st_size if backup.path.exists() else 0
    return (f"{backup.path.name}  {size / 1_000_000:.1f} MB  release {backup.manifest.get('release', '?')}  "
            f"{counts.get('leaders', 0)} leaders, {counts.get('feeds', 0)} feeds, "
            f"{counts.get('inbox_updates', 0)} updates waiting, {counts.get('files', 0)} files")
