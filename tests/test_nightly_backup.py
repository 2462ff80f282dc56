"""The nightly backup of `coachbot run`: scheduled at the set hour of server time, written while the bot runs,
the newest kept, sent to the operators' chats when small enough, and restorable."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.adapters.nightly import JOB_NAME, next_run
from bot.adapters.storage import LeaderStore
from bot.backup import list_backups, read_archive, restore
from tests.telegram_harness import Harness, run

OPERATOR = 999


def test_the_nightly_backup_is_taken_kept_and_sent_to_the_operators(tmp_path):
    async def scenario() -> None:
        async with Harness(tmp_path / "data") as bot:
            await bot.onboard(42)
            bot.api.user_sends(OPERATOR, "hello")  # the operator opened a chat with the bot (not handled here)
            nightly = bot.app.bot_data["nightly"]
            (job,) = bot.app.job_queue.get_jobs_by_name(JOB_NAME)
            when = job.job.trigger.run_date.astimezone()
            assert (when.hour, when.minute) == (3, 0) and when - datetime.now().astimezone() <= timedelta(days=1)

            nightly.operators = frozenset({OPERATOR})
            backup = await nightly.run(bot.app.bot)
            assert backup is not None and list_backups(tmp_path / "data" / "backups") == [backup]
            (sent,) = [m for m in bot.api.messages(OPERATOR) if m.document]
            assert sent.document == (backup.path.name, backup.path.read_bytes())
            assert "1 leaders" in (sent.caption or "")

            nightly.send_limit = 100  # bytes: the archive is over the limit, kept, not sent
            nightly.keep = 2
            for _ in range(3):
                assert await nightly.run(bot.app.bot) is not None
            assert len([m for m in bot.api.messages(OPERATOR) if m.document]) == 1
            kept = list_backups(tmp_path / "data" / "backups")
            assert len(kept) == 2 and backup not in kept
            assert read_archive(kept[0].path)[0]["counts"]["leaders"] == 1

    run(scenario())
    restored = tmp_path / "restored"
    restore(list_backups(tmp_path / "data" / "backups")[0].path, restored)
    leader = LeaderStore(restored).get(42)
    assert leader is not None and leader.onboarded


def test_the_next_run_is_the_next_time_the_server_clock_shows_the_hour():
    now = datetime(2026, 12, 4, 2, 59).astimezone()
    assert next_run(time(3, 0), now) == datetime(2026, 12, 4, 3, 0).astimezone()
    later = datetime(2026, 12, 4, 3, 0).astimezone()
    assert next_run(time(3, 0), later) == datetime(2026, 12, 5, 3, 0).astimezone()


def test_the_backup_settings_are_read_and_bad_ones_named():
    import pytest

    from bot.settings import Settings, SettingsError

    default = Settings.from_env({}, dotenv=None)
    assert (default.backup_hour, default.backup_keep, default.operators) == (time(3, 0), 14, frozenset())
    chosen = Settings.from_env({"COACHBOT_BACKUP_HOUR": "4:30", "COACHBOT_BACKUP_KEEP": "7",
                                "COACHBOT_OPERATORS": "12, 34"}, dotenv=None)
    assert (chosen.backup_hour, chosen.backup_keep, chosen.operators) == (time(4, 30), 7, frozenset({12, 34}))
    assert Settings.from_env({"COACHBOT_BACKUP_HOUR": "5"}, dotenv=None).backup_hour == time(5, 0)
    for name, bad in (("COACHBOT_BACKUP_HOUR", "25:00"), ("COACHBOT_BACKUP_HOUR", "soon"),
                      ("COACHBOT_BACKUP_KEEP", "0"), ("COACHBOT_OPERATORS", "@ops")):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: bad}, dotenv=None)
