""""Later" on a lesson offers a choice, and a reminder can be snoozed from the reminder itself."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import utc
from tests.test_coach import Session, buttons_of, lesson_of, text_of
from tests.test_reminders import reminders_in


def test_later_this_evening_and_tomorrow_morning(coach):
    for choice, back in (("e", utc(2026, 11, 23, 17, 0)), ("t", utc(2026, 11, 24, 7, 0))):
        session = Session(coach)
        session.onboard()
        session.command("today")
        session.press("later:welcome")
        chosen = session.press(f"lat:{choice}:welcome")
        assert session.leader.later_at == back
        assert "comes back" in text_of(chosen)
        assert coach.next_wake(session.leader, session.now) <= back
        woken = coach.wake(session.leader, back)
        assert any(lesson_of(r) == "welcome" for r in woken.replies)
        assert woken.leader.later_at is None


def test_this_evening_is_not_offered_in_the_evening(coach):
    session = Session(coach, now=utc(2026, 11, 23, 17, 30))  # 18:30 in Paris
    session.onboard()
    session.command("today")
    offered = buttons_of(session.press("later:welcome"))
    assert offered == ["lat:h:welcome", "lat:t:welcome"]


def test_later_on_a_lesson_already_done_changes_nothing(coach):
    session = Session(coach)
    session.onboard()
    session.command("today")
    session.press("later:welcome")
    session.press("done:welcome")
    before = session.leader
    assert session.press("lat:h:welcome").toast
    assert session.leader == before


def test_a_reminder_is_snoozed_once_from_its_own_buttons(coach):
    session = Session(coach)
    session.onboard()
    session.command("remind", "tomorrow 09:00 Call Anna")
    sent = coach.wake(session.leader, utc(2026, 11, 24, 8, 0))
    (reminder,) = [r for r in sent.replies if any((b.data or "").startswith("snz:") for row in r.buttons
                                                   for b in row)]
    hour, tomorrow = [b.data for row in reminder.buttons for b in row]
    assert hour.startswith("snz:h:") and tomorrow.startswith("snz:t:")
    session.leader, session.now = sent.leader, utc(2026, 11, 24, 8, 5)
    assert session.leader.reminders == ()
    snoozed = session.press(hour)
    assert snoozed.replies[0].edit and "Call Anna" in text_of(snoozed)
    (again,) = session.leader.reminders
    assert again.fire_at == session.now + timedelta(hours=1)
    assert session.press(hour).toast and len(session.leader.reminders) == 1  # pressed twice: snoozed once
    woken = coach.wake(session.leader, session.now + timedelta(hours=1))
    assert ["Call Anna" in said for said in reminders_in(woken)] == [True]
    assert woken.leader.reminders == ()


def test_snoozed_until_tomorrow_comes_at_the_same_local_time(coach):
    session = Session(coach)
    session.onboard()
    session.command("remind", "fri 17:00 Share the week's best read")
    friday = utc(2026, 11, 27, 16, 0)
    sent = coach.wake(session.leader, friday)
    data = [b.data for r in sent.replies for row in r.buttons for b in row if (b.data or "").startswith("snz:t:")]
    session.leader, session.now = sent.leader, friday
    session.press(data[0])
    snoozed = [r for r in session.leader.reminders if r.once]
    assert [r.fire_at for r in snoozed] == [utc(2026, 11, 28, 16, 0)]
    assert len(session.leader.reminders) == 2  # the weekly one stays
    assert session.leader.reminders[0].sent_on == date(2026, 11, 27)


def test_a_forged_snooze_changes_nothing(coach):
    session = Session(coach)
    session.onboard()
    before = session.leader
    assert session.press("snz:h:0123abcd").toast
    assert session.leader == before
