"""The daily slot on the leader's own calendar: catch-up window, pauses, daylight saving."""

from datetime import date, time, timedelta

from bot.core import schedule
from bot.core.model import Delivery, Leader, Pause, Schedule
from tests.conftest import utc


def leader(**changes) -> Leader:
    base = Leader(
        user_id=1,
        chat_id=1,
        onboarded=True,
        awaiting=None,
        timezone="Europe/Paris",
        schedule=Schedule(time(8, 0), frozenset(range(7))),
    )
    return base.with_(**changes)


def test_next_slot_is_the_local_time_in_utc():
    # 2026-11-23 is a Monday; Paris is UTC+1 in winter.
    assert schedule.next_slot(leader(), utc(2026, 11, 23, 6, 0)) == utc(2026, 11, 23, 7, 0)
    assert schedule.next_slot(leader(), utc(2026, 11, 23, 7, 0)) == utc(2026, 11, 24, 7, 0)


def test_only_chosen_days_count():
    weekdays = leader(schedule=Schedule(time(8, 0), frozenset(range(5))))
    # Saturday 2026-11-28 at noon: next is Monday 30th.
    assert schedule.next_slot(weekdays, utc(2026, 11, 28, 12, 0)) == utc(2026, 11, 30, 7, 0)


def test_a_day_already_delivered_is_not_offered_again():
    delivered = leader(delivery=Delivery(date(2026, 11, 23), "welcome"))
    assert schedule.due_slot(delivered, utc(2026, 11, 23, 7, 30)) is None
    assert schedule.next_slot(delivered, utc(2026, 11, 23, 6, 0)) == utc(2026, 11, 24, 7, 0)


def test_catch_up_within_three_hours_only():
    assert schedule.due_slot(leader(), utc(2026, 11, 23, 9, 59)) == utc(2026, 11, 23, 7, 0)
    assert schedule.due_slot(leader(), utc(2026, 11, 23, 10, 0)) is None
    assert schedule.due_slot(leader(), utc(2026, 11, 23, 6, 59)) is None


def test_a_late_evening_slot_is_caught_up_after_midnight():
    late = leader(schedule=Schedule(time(23, 30), frozenset(range(7))))
    # 23:30 Paris on the 23rd is 22:30 UTC; at 00:30 Paris on the 24th it is still within the window.
    assert schedule.due_slot(late, utc(2026, 11, 23, 23, 30)) == utc(2026, 11, 23, 22, 30)


def test_paused_days_have_no_slot():
    paused = leader(pauses=(Pause(date(2026, 11, 23), date(2026, 11, 26)),))
    assert schedule.due_slot(paused, utc(2026, 11, 24, 7, 30)) is None
    assert schedule.next_slot(paused, utc(2026, 11, 23, 12, 0)) == utc(2026, 11, 26, 7, 0)


def test_a_long_pause_still_finds_the_next_slot():
    paused = leader(
        pauses=(Pause(date(2026, 11, 23), date(2027, 1, 20)),), schedule=Schedule(time(8, 0), frozenset({2}))
    )
    slot = schedule.next_slot(paused, utc(2026, 11, 23, 12, 0))
    assert slot is not None and slot.date() >= date(2027, 1, 20)


def test_spring_forward_delivers_at_the_local_time():
    # 2026-03-29: Paris jumps from 02:00 to 03:00. 08:00 local is 06:00 UTC that day (CEST).
    assert schedule.next_slot(leader(), utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 6, 0)
    assert schedule.next_slot(leader(), utc(2026, 3, 27, 12, 0)) == utc(2026, 3, 28, 7, 0)


def test_a_time_that_does_not_exist_lands_just_after_the_jump():
    night = leader(schedule=Schedule(time(2, 30), frozenset(range(7))))
    slot = schedule.next_slot(night, utc(2026, 3, 28, 12, 0))
    assert slot == utc(2026, 3, 29, 1, 30)  # 03:30 CEST
    assert schedule.local_now(slot, "Europe/Paris").date() == date(2026, 3, 29)


def test_autumn_repeated_hour_gives_one_slot():
    # 2026-10-25: Paris goes back from 03:00 to 02:00; 02:30 happens twice.
    night = leader(schedule=Schedule(time(2, 30), frozenset(range(7))))
    first = schedule.next_slot(night, utc(2026, 10, 24, 12, 0))
    assert first == utc(2026, 10, 25, 0, 30)  # the first 02:30 (CEST)
    delivered = night.with_(delivery=Delivery(date(2026, 10, 25), "welcome"))
    # At the second 02:30 (01:30 UTC) nothing is due, and the next slot is the next day.
    assert schedule.due_slot(delivered, utc(2026, 10, 25, 1, 30)) is None
    assert schedule.next_slot(delivered, utc(2026, 10, 25, 1, 30)) == utc(2026, 10, 26, 1, 30)


def test_moving_to_new_york_does_not_offer_a_day_twice():
    delivered = leader(delivery=Delivery(date(2026, 11, 23), "welcome"))
    # Delivered in Paris at 08:00 (07:00 UTC); the leader then flies to New York, where it is still the 23rd.
    moved = delivered.with_(timezone="America/New_York")
    assert schedule.due_slot(moved, utc(2026, 11, 23, 13, 30)) is None  # 08:30 in New York
    assert schedule.next_slot(moved, utc(2026, 11, 23, 13, 30)) == utc(2026, 11, 24, 13, 0)


def test_no_slot_when_switched_off_or_inactive():
    assert schedule.next_slot(leader(schedule=Schedule(time(8), frozenset(range(7)), False)), utc(2026, 11, 23)) is None
    assert schedule.next_slot(leader(active=False), utc(2026, 11, 23)) is None
    assert schedule.next_slot(leader(onboarded=False), utc(2026, 11, 23)) is None


def test_next_wake_is_the_earliest_of_slot_and_later():
    now = utc(2026, 11, 23, 9, 0)
    later = leader(delivery=Delivery(date(2026, 11, 23), "welcome"), later_at=now + timedelta(hours=3))
    assert schedule.next_wake(later, now) == now + timedelta(hours=3)
    assert schedule.next_wake(leader(), utc(2026, 11, 23, 7, 5)) == utc(2026, 11, 23, 7, 5)  # due now
