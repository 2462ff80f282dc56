"""Stored format 3: one-off reminders (a date or an instant), reminders lately sent (for their snooze buttons)
and the weekly recap; a leader stored in format 2 opens with the defaults."""

from __future__ import annotations

from datetime import date, time

from bot.core.codec import FORMAT_VERSION, leader_from_dict, leader_to_dict
from bot.core.model import DEFAULT_RECAP_AT, DEFAULT_RECAP_DAY, Leader, Reminder, SentReminder
from tests.conftest import utc


def full_leader() -> Leader:
    return Leader(
        7, 7, onboarded=True, awaiting=None,
        reminders=(Reminder(frozenset({4}), time(17, 0), "Share", date(2026, 11, 20)),
                   Reminder(frozenset(), time(9, 0), "Call Anna", on=date(2026, 12, 4)),
                   Reminder(frozenset(), time(10, 20), "", fire_at=utc(2026, 11, 23, 9, 20))),
        sent_reminders=(SentReminder("0123abcd", "Share", True),),
        recap_day=4, recap_at=None, recapped_on=date(2026, 11, 27),
    )


def test_format_3_keeps_every_new_field():
    leader = full_leader()
    stored = leader_to_dict(leader)
    assert stored["format"] == FORMAT_VERSION >= 3
    assert leader_from_dict(stored) == leader


def test_a_leader_of_format_2_opens_with_the_recap_on_sunday_evening_and_recurring_reminders():
    stored = leader_to_dict(full_leader().with_(
        reminders=(Reminder(frozenset({4}), time(17, 0), "Share", date(2026, 11, 20)),)))
    for key in ("sent_reminders", "recap_day", "recap_at", "recapped_on"):
        del stored[key]
    for reminder in stored["reminders"]:
        del reminder["on"], reminder["fire_at"]
    stored["format"] = 2
    leader = leader_from_dict(stored)
    assert (leader.recap_day, leader.recap_at, leader.recapped_on) == (DEFAULT_RECAP_DAY, DEFAULT_RECAP_AT, None)
    assert leader.reminders == (Reminder(frozenset({4}), time(17, 0), "Share", date(2026, 11, 20)),)
    assert leader.sent_reminders == ()
    assert stored["format"] == 2  # the input is left as it was
