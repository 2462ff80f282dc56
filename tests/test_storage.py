"""Leaders on disk: one small file each, atomic writes, owner-only permissions, a clear error on faults."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime, time

import pytest

from bot.adapters.storage import LeaderStore, StorageError, write_atomically
from bot.core.codec import leader_from_dict, leader_to_dict
from bot.core.model import (
    Delivery,
    Leader,
    LessonEvent,
    Offer,
    OwnFeed,
    Pause,
    PostEvent,
    Reminder,
    Schedule,
    ScheduleChange,
)
from bot.core.suggest import Taste
from tests.conftest import utc


def full_leader(user_id: int = 7) -> Leader:
    return Leader(
        user_id=user_id,
        chat_id=user_id,
        language="fr",
        timezone="America/Montreal",
        schedule=Schedule(time(7, 45), frozenset({0, 2, 4}), True),
        sector="health",
        onboarded=True,
        awaiting=None,
        pauses=(Pause(date(2026, 11, 20), date(2026, 12, 1)),),
        schedule_log=(ScheduleChange(date(2026, 11, 1), frozenset({0, 2, 4})),),
        active=False,
        created_at=utc(2026, 11, 1, 8, 0),
        events=(LessonEvent("welcome", "done", utc(2026, 11, 2, 8, 0), date(2026, 11, 2)),),
        delivery=Delivery(date(2026, 11, 2), "welcome"),
        later_at=utc(2026, 11, 2, 11, 0),
        posts=(PostEvent("https://example.org/a", utc(2026, 11, 2, 9, 0), date(2026, 11, 2)),),
        reminders=(Reminder(frozenset({4}), time(17, 0), "Share the week's best read", date(2026, 11, 6)),),
        nudge_at=None,
        nudged_on=date(2026, 11, 3),
        nudge_turn=4,
        weekly_goal=3,
        freezes_told=date(2026, 11, 1),
        taste=Taste(
            interests=("AI", "supply chain"),
            sources={"Le Monde": -1.0},
            topics={"ai": 2.0},
            seen=("https://example.org/a",),
        ),
        suggestions_per_day=2,
        own_feeds=(OwnFeed("https://blog.example.org/feed", "blog.example.org"),),
        offers=(
            Offer(
                "a1b2c3",
                "2026-11-02",
                "https://example.org/a",
                "A title",
                "https://example.org/a?x=1",
                "Le Monde",
                "A draft",
                ("ai",),
                utc(2026, 11, 2, 6, 0),
                "posted",
            ),
        ),
    )


def test_codec_round_trip_keeps_every_field():
    leader = full_leader()
    assert leader_from_dict(json.loads(json.dumps(leader_to_dict(leader)))) == leader


def test_put_get_delete(tmp_path):
    store = LeaderStore(tmp_path)
    assert store.get(7) is None
    store.put(full_leader())
    assert store.get(7) == full_leader()
    store.put(full_leader().with_(language="en"))
    assert store.get(7).language == "en"
    store.delete(7)
    assert store.get(7) is None
    assert list(tmp_path.rglob("*.json")) == []


def test_one_file_per_leader_so_a_write_touches_only_its_owner(tmp_path):
    store = LeaderStore(tmp_path)
    store.put(full_leader(1))
    other = tmp_path / "leaders" / "1.json"
    mtime = other.stat().st_mtime_ns
    store.put(full_leader(2))
    assert other.stat().st_mtime_ns == mtime
    assert sorted(leader.user_id for leader in store.all()) == [1, 2]


def test_files_are_readable_by_their_owner_only(tmp_path):
    store = LeaderStore(tmp_path / "data")
    store.put(full_leader())
    path = tmp_path / "data" / "leaders" / "7.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    store = LeaderStore(tmp_path)
    store.put(full_leader())

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StorageError) as error:
        store.put(full_leader().with_(language="en"))
    assert "No space left" in str(error.value)
    monkeypatch.undo()
    assert store.get(7) == full_leader()
    assert [p.name for p in (tmp_path / "leaders").iterdir()] == ["7.json"]  # no temporary file left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_directory_gives_a_storage_error(tmp_path):
    store = LeaderStore(tmp_path)
    (tmp_path / "leaders").chmod(0o500)
    try:
        with pytest.raises(StorageError):
            store.put(full_leader())
    finally:
        (tmp_path / "leaders").chmod(0o700)


def test_an_unreadable_file_is_skipped_by_all_and_reported_by_get(tmp_path, caplog):
    store = LeaderStore(tmp_path)
    store.put(full_leader(1))
    (tmp_path / "leaders" / "2.json").write_text("{broken")
    assert [leader.user_id for leader in store.all()] == [1]
    assert "2.json" in caplog.text
    with pytest.raises(StorageError):
        store.get(2)


def test_write_atomically_replaces_whole(tmp_path):
    path = tmp_path / "x.json"
    write_atomically(path, b"one")
    write_atomically(path, b"two")
    assert path.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_times_are_stored_as_aware_iso_strings(tmp_path):
    store = LeaderStore(tmp_path)
    store.put(full_leader())
    raw = json.loads((tmp_path / "leaders" / "7.json").read_text())
    stored = raw["leader"]["1"]
    assert datetime.fromisoformat(stored["created_at"]).tzinfo is not None
