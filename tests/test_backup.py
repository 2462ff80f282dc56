"""Backups that restore: `coachbot backup` then `coachbot restore` into an empty directory gives a bot that says
the same facts, for every release's data fixture; a backup killed half-way is never taken for a good one; a
backup taken while a thousand leaders are being written restores to files that all open and match the manifest;
a corrupt, tampered or newer-format archive is refused with its reason and restores nothing."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
from datetime import datetime
from pathlib import Path

import pytest

from bot.adapters.storage import FeedStore, LeaderStore
from bot.adapters.words import Words
from bot.backup import BackupError, list_backups, prune, read_archive, restore, take_backup
from bot.cli import main
from bot.core import codec
from bot.core.events import Command, Who
from bot.core.markup import html_to_text
from bot.core.model import Leader, Taste
from bot.core.router import Coach
from bot.service import CoachService
from tests.conftest import ROOT, utc
from tests.support.rendered import render

DATA = Path(__file__).parent / "data"
RELEASES = sorted(path for path in DATA.glob("release-*") if path.is_dir())


def _now_for(fixture: Path) -> datetime:
    facts = fixture.with_name(fixture.name + ".facts.json")
    if facts.is_file():
        return datetime.fromisoformat(json.loads(facts.read_text())["now"])
    return utc(2026, 12, 1, 12, 0)


def _say(service: CoachService, user_id: int, command: str, now: datetime) -> str:
    name, _, args = command.partition(" ")
    outcome = service.handle(Who(user_id, user_id), Command(name, args), now)
    shown = render(Words(service.coach.content.catalog), outcome)
    return "\n".join(html_to_text(reply.text) for reply in shown.replies)


def _facts(data_dir: Path, content, now: datetime) -> dict[int, dict[str, object]]:  # noqa: ANN001
    service = CoachService(Coach(content), LeaderStore(data_dir))
    facts: dict[int, dict[str, object]] = {}
    for path in sorted((data_dir / "leaders").glob("*.json")):
        user_id = int(path.stem)
        export = service.handle(Who(user_id, user_id), Command("export"), now).replies[0].document
        facts[user_id] = {
            "stats": _say(service, user_id, "stats", now),
            "reminders": _say(service, user_id, "remind list", now),
            "feeds": _say(service, user_id, "feeds", now),
            "export": json.loads(export.content)["leader"] if export is not None else None,
        }
    return facts


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the command line from an empty working directory (no .env), with no data directory set."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("COACHBOT_") or name == "TELEGRAM_BOT_TOKEN":
            monkeypatch.delenv(name)
    return tmp_path


def test_there_is_a_release_fixture_to_restore():
    assert RELEASES and all((path / "leaders").is_dir() for path in RELEASES)


@pytest.mark.parametrize("fixture", RELEASES, ids=[path.name for path in RELEASES])
def test_backup_then_restore_gives_a_bot_that_says_the_same_facts(fixture, in_tmp, monkeypatch, content, capsys):
    original = in_tmp / "data"
    shutil.copytree(fixture, original)
    monkeypatch.setenv("COACHBOT_DATA_DIR", str(original))
    assert main(["backup"]) == 0
    (archive,) = (original / "backups").glob("coachbot-backup-*.tar.gz")
    restored = in_tmp / "restored"
    monkeypatch.setenv("COACHBOT_DATA_DIR", str(restored))
    assert main(["restore", str(archive)]) == 0
    assert "restored into" in capsys.readouterr().out

    now = _now_for(fixture)
    # Feeds, the update ledger and every leader file come back byte for byte, readable by their owner only.
    for path in fixture.rglob("*"):
        if path.is_file():
            twin = restored / path.relative_to(fixture)
            assert twin.read_bytes() == path.read_bytes(), path
            assert twin.stat().st_mode & 0o777 == 0o600
    assert restored.stat().st_mode & 0o777 == 0o700
    assert FeedStore(restored).all() == FeedStore(original).all()
    before, after = _facts(original, content, now), _facts(restored, content, now)
    assert after == before and len(after) == len(list((fixture / "leaders").glob("*.json")))
    facts_file = fixture.with_name(fixture.name + ".facts.json")
    if facts_file.is_file():  # and they are the facts that release showed
        known = json.loads(facts_file.read_text()).get("leaders", {})
        for user_id, facts in known.items():
            for reminder in facts.get("reminders", []):
                if isinstance(reminder, list) and len(reminder) >= 3:  # its text (its time is said as each
                    assert f" — {reminder[2]}" in after[int(user_id)]["reminders"]  # language writes it)
            for feed in facts.get("own_feeds", []):
                if isinstance(feed, list) and len(feed) == 2:
                    assert f"{feed[1]} — {feed[0]}" in after[int(user_id)]["feeds"]


def test_a_restore_refuses_a_data_directory_in_use(in_tmp, monkeypatch, capsys):
    original = in_tmp / "data"
    shutil.copytree(RELEASES[0], original)
    backup = take_backup(original)
    monkeypatch.setenv("COACHBOT_DATA_DIR", str(original))
    assert main(["restore", str(backup.path)]) == 1
    assert "not empty" in capsys.readouterr().err


def _rewrite(archive: Path, target: Path, *, manifest=None, change=None) -> Path:  # noqa: ANN001
    """A copy of an archive with its manifest or one file's content replaced (the other bytes kept)."""
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(target, "w:gz") as out:
        for member in tar:
            payload = tar.extractfile(member).read()
            if member.name == "manifest.json" and manifest is not None:
                payload = json.dumps(manifest(json.loads(payload))).encode()
            elif change is not None and member.name == change[0]:
                payload = change[1]
            member.size = len(payload)
            out.addfile(member, io.BytesIO(payload))
    return target


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(RELEASES[0], data)
    return take_backup(data).path


def _refused(archive: Path, where: Path, reason: str, *, listed: bool = False) -> None:
    with pytest.raises(BackupError, match=reason):
        restore(archive, where)
    assert not where.exists() or not any(where.iterdir())
    if not listed:  # listing checks the manifest and every checksum; a restore also opens every leader
        assert archive not in [backup.path for backup in list_backups(archive.parent)]


def test_a_newer_format_archive_is_refused_with_its_reason(archive, tmp_path):
    newer = _rewrite(archive, tmp_path / "coachbot-backup-20991231T000000Z.tar.gz",
                     manifest=lambda m: {**m, "release": "9.0.0",
                                         "formats": {**m["formats"], "leader": codec.FORMAT_VERSION + 1}})
    _refused(newer, tmp_path / "empty", r"release 9\.0\.0 with a newer leader format")


def test_a_corrupt_or_tampered_archive_is_refused_with_its_reason(archive, tmp_path):
    damaged = tmp_path / "damaged" / archive.name
    damaged.parent.mkdir()
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    _refused(damaged, tmp_path / "empty", "damaged or incomplete")

    leader = next(name for name in read_archive(archive)[0]["files"] if name.startswith("leaders/"))
    tampered = _rewrite(archive, tmp_path / "damaged" / "coachbot-backup-20990101T000000Z.tar.gz",
                        change=(f"data/{leader}", b'{"leader": {"1": {}}}'))
    _refused(tampered, tmp_path / "empty", "does not match its manifest")

    # A leader file that does not open, with a manifest that agrees (written by hand): refused too.
    bad = b'{"leader": {"1": {"format": 1}}}'
    broken = _rewrite(archive, tmp_path / "damaged" / "coachbot-backup-20980101T000000Z.tar.gz",
                      change=(f"data/{leader}", bad),
                      manifest=lambda m: {**m, "files": {**m["files"], leader: {
                          "size": len(bad), "sha256": hashlib.sha256(bad).hexdigest()}}})
    _refused(broken, tmp_path / "empty", "does not open", listed=True)

    truncated = tmp_path / "damaged" / "coachbot-backup-20970101T000000Z.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused(truncated, tmp_path / "empty", "damaged or incomplete")


def test_keeping_the_newest_backups(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(RELEASES[0], data)
    taken = [take_backup(data, now=utc(2026, 12, day, 3, 0)).path for day in range(1, 6)]
    removed = prune(data / "backups", 3)
    assert sorted(removed) == taken[:2]
    assert [backup.path for backup in list_backups(data / "backups")] == taken[:1:-1]


HALFWAY = """
import sys
import bot.backup

real, added = bot.backup._add, []

def slow(tar, name, payload, now):
    real(tar, name, payload, now)
    added.append(name)
    if len(added) == 40:  # well into the leaders: the archive is half-written under its temporary name
        tar.fileobj.flush()
        print("halfway", flush=True)
        sys.stdin.read()  # held here until killed

bot.backup._add = slow
from bot.cli import main
raise SystemExit(main(["backup"]))
"""


def test_a_backup_killed_half_way_is_never_taken_for_a_good_one(tmp_path, content):
    data = tmp_path / "data"
    store = LeaderStore(data)
    for user_id in range(1, 101):
        store.put(Leader(user_id, user_id, onboarded=True, taste=Taste(interests=(f"topic {user_id}",))))
    previous = take_backup(data, now=utc(2026, 12, 3, 3, 0))
    before = previous.path.read_bytes()

    env = {**os.environ, "COACHBOT_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", HALFWAY], cwd=tmp_path, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "halfway"
        (partial,) = (data / "backups").glob(".coachbot-backup-*.tmp")
        assert partial.stat().st_size > 0
        # The backup in progress holds the folder's lock: another one would wait, not clear its temporary file.
        with (data / "backups" / ".lock").open("a") as handle, pytest.raises(BlockingIOError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert partial.exists()  # the kill left it there...
    assert [backup.path for backup in list_backups(data / "backups")] == [previous.path]  # ...never listed
    assert previous.path.read_bytes() == before and read_archive(previous.path)[0]["counts"]["leaders"] == 100
    # The same bytes under an archive's name (a copy cut short) are refused too.
    as_named = data / "backups" / "coachbot-backup-20991231T000000Z.tar.gz"
    shutil.copy(partial, as_named)
    assert [backup.path for backup in list_backups(data / "backups")] == [previous.path]
    with pytest.raises(BackupError, match="damaged or incomplete|no manifest"):
        restore(as_named, tmp_path / "empty")
    as_named.unlink()
    # The next backup clears what was left and both good ones are listed.
    following = take_backup(data)
    assert not partial.exists()
    assert [backup.path for backup in list_backups(data / "backups")] == [following.path, previous.path]


def test_restoring_a_backup_taken_while_a_thousand_leaders_are_written(tmp_path, content):
    data = tmp_path / "data"
    store = LeaderStore(data)
    leaders = 1000
    for user_id in range(1, leaders + 1):  # written as the store writes them, without a sync each (faster)
        leader = Leader(user_id, user_id, onboarded=True, taste=Taste(interests=("v0",)))
        (data / "leaders" / f"{user_id}.json").write_text(json.dumps({"leader": {"1": codec.leader_to_dict(leader)}}))
        os.chmod(data / "leaders" / f"{user_id}.json", 0o600)
    service = CoachService(Coach(content), store)
    written: dict[int, set[str]] = {user_id: {"v0"} for user_id in range(1, leaders + 1)}
    started, enough, finished = threading.Event(), threading.Event(), threading.Event()
    counts = [0]

    def writer(offset: int) -> None:
        started.wait()
        version = 0
        while not finished.is_set():
            version += 1
            for user_id in range(1 + offset, leaders + 1, 2):
                if finished.is_set():
                    break
                with service.holding(user_id):
                    leader = store.get(user_id)
                    assert leader is not None
                    mark = f"v{version}"
                    written[user_id].add(mark)
                    store.put(leader.with_(taste=Taste(interests=(mark,))))
                counts[0] += 1
                if counts[0] >= 100:
                    enough.set()

    def on_file(name: str) -> None:
        if name.startswith("leaders/") and not started.is_set():
            started.set()
            assert enough.wait(60)  # the writers are well under way while the leaders are read

    locked: list[int] = []

    def holding(user_id: int):  # noqa: ANN202 - the service's lock, noting whose file is read under it
        locked.append(user_id)
        return service.holding(user_id)

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    try:
        backup = take_backup(data, lock=holding, on_file=on_file)
    finally:
        started.set()
        finished.set()
        for thread in threads:
            thread.join()
    assert counts[0] > 100
    assert sorted(locked) == list(range(1, leaders + 1))  # each leader's file read under that leader's lock

    restored = tmp_path / "restored"
    restore(backup.path, restored)
    manifest = backup.manifest
    assert manifest["counts"]["leaders"] == leaders
    files = sorted((restored / "leaders").glob("*.json"))
    assert len(files) == leaders
    for path in files:
        entry = manifest["files"][f"leaders/{path.name}"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    opened = list(LeaderStore(restored).all())
    assert len(opened) == leaders
    for leader in opened:  # each is one version its writer wrote whole
        (mark,) = leader.taste.interests
        assert mark in written[leader.user_id]
    assert any(leader.taste.interests != ("v0",) for leader in opened)


def test_an_archive_is_gzip_and_says_what_it_holds(archive):
    with gzip.open(archive) as raw:
        raw.read()
    manifest, _ = read_archive(archive)
    assert manifest["release"] and manifest["formats"]["leader"] == codec.FORMAT_VERSION
    assert manifest["counts"]["leaders"] == len(list((RELEASES[0] / "leaders").glob("*.json")))
    assert manifest["counts"]["feeds"] == len(list((RELEASES[0] / "feeds").glob("*.json")))
    assert "updates.json" in manifest["files"]


NIGHT_HALFWAY = """
import sys
from datetime import timedelta

import bot.adapters.nightly
import bot.backup

# The night comes a second after the start (the scheduling seam), and the archive is held half-written.
bot.adapters.nightly.next_run = lambda at, now: now + timedelta(seconds=1)
real, added = bot.backup._add, []

def slow(tar, name, payload, now):
    real(tar, name, payload, now)
    added.append(name)
    if len(added) == 40:
        tar.fileobj.flush()
        print("halfway", flush=True)
        sys.stdin.read()  # held here (in the backup's thread) until killed

bot.backup._add = slow
from bot.cli import main
raise SystemExit(main(["run"]))
"""


def test_the_bot_killed_in_the_middle_of_its_nightly_backup_keeps_the_previous_one(tmp_path):
    from tests.support.fake_bot_api import FakeBotApi, FakeBotApiServer

    data = tmp_path / "data"
    store = LeaderStore(data)
    for user_id in range(1, 101):
        store.put(Leader(user_id, user_id, onboarded=True, taste=Taste(interests=(f"topic {user_id}",))))
    previous = take_backup(data, now=utc(2026, 12, 3, 3, 0))
    before = previous.path.read_bytes()
    (tmp_path / "feeds.yaml").write_text("sectors: []\n")
    api = FakeBotApi()
    with FakeBotApiServer(api) as server:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
               "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": server.base_url,
               "COACHBOT_DATA_DIR": str(data), "COACHBOT_FEEDS": str(tmp_path / "feeds.yaml")}
        bot = subprocess.Popen([sys.executable, "-c", NIGHT_HALFWAY], cwd=tmp_path, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert bot.stdout is not None and bot.stdout.readline().strip() == "halfway"
            (partial,) = (data / "backups").glob(".coachbot-backup-*.tmp")
            bot.send_signal(signal.SIGKILL)
            assert bot.wait(timeout=30) == -signal.SIGKILL
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.wait()
    assert partial.exists() and partial.stat().st_size > 0
    assert [backup.path for backup in list_backups(data / "backups")] == [previous.path]
    assert previous.path.read_bytes() == before
    restored = tmp_path / "restored"
    restore(previous.path, restored)
    assert len(list(LeaderStore(restored).all())) == 100


def test_the_inbox_of_updates_not_handled_yet_is_kept_and_counted(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(RELEASES[0], data)
    (data / "inbox").mkdir(mode=0o700)
    batch = [{"update_id": 900, "message": {"text": "/stats"}}, {"update_id": 901, "message": {"text": "/help"}}]
    (data / "inbox" / "000000000900-1-0.json").write_text(json.dumps(batch))
    (data / "inbox" / ".000000000902-1-1.json.tmp").write_text("[{")  # a batch being written: not archived
    backup = take_backup(data)
    assert backup.counts["inbox_updates"] == 2
    assert "inbox/000000000900-1-0.json" in backup.manifest["files"]
    assert not any(".tmp" in name for name in backup.manifest["files"])
    restore(backup.path, tmp_path / "restored")
    assert json.loads((tmp_path / "restored" / "inbox" / "000000000900-1-0.json").read_text()) == batch
