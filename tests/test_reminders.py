"""Reminders of the leader's own, apart from lesson times: the forms they are written in (both languages), one-off
reminders that go once, the cap, the question asked after a bare time, and bad input that changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import schedule
from bot.core.events import Text
from bot.core.features.reminders import MAX_REMINDERS
from bot.core.markup import html_to_text
from bot.core.model import Reminder, Schedule
from bot.core.parse import InputError
from bot.core.when import AmbiguousDate, RemindAction, parse_remind
from tests.conftest import utc
from tests.test_coach import Session, buttons_of, text_of

EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
texts = st.sampled_from(["Call Anna", "Appeler le conseil", "Share the week's best read", "Relire le post"])


def en_time(at: time) -> str:
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d}{'pm' if at.hour >= 12 else 'am'}"


def fr_time(at: time) -> str:
    return f"{at.hour}h{at.minute:02d}" if at.minute else f"{at.hour}h"


# --- the parser, in both languages (property tests) ----------------------------------------------------------


@given(times, st.frozensets(st.integers(0, 6), min_size=1), texts, st.booleans())
def test_weekdays_and_a_time_are_a_recurring_reminder_in_both_languages(at, days, text, french):
    names = FR_DAYS if french else EN_DAYS
    written = ",".join(names[d] for d in sorted(days))
    clock = fr_time(at) if french else en_time(at)
    request = parse_remind(f"{written} {'à' if french else 'at'} {clock} {text}")
    assert (request.action, request.days, request.at, request.text) == (RemindAction.ADD, days, at, text)


@given(times, texts, st.sampled_from(["every day", "daily", "tous les jours", "chaque jour"]))
def test_every_day_in_both_languages(at, text, every):
    request = parse_remind(f"{every} {at.strftime('%H:%M')} {text}")
    assert (request.action, request.days, request.at, request.text) == (RemindAction.ADD, frozenset(range(7)), at,
                                                                          text)


@given(times, texts, st.sampled_from([("tomorrow", 1), ("demain", 1), ("today", 0), ("aujourd’hui", 0)]),
       st.booleans())
def test_tomorrow_and_today_in_both_languages(at, text, word_ahead, french):
    word, ahead = word_ahead
    clock = fr_time(at) if french else en_time(at)
    request = parse_remind(f"{word} {'à' if french else 'at'} {clock} {text}")
    assert (request.action, request.days_ahead, request.at, request.text) == (RemindAction.ONCE, ahead, at, text)


@given(st.dates(date(2026, 1, 1), date(2030, 12, 31)), times, texts, st.integers(0, 3))
def test_a_date_in_both_languages(day, at, text, style):
    if style == 0:
        written = f"le {day.day} {FR_MONTHS[day.month - 1]} à {fr_time(at)}"
    elif style == 1:
        written = f"{EN_MONTHS[day.month - 1][:3]} {day.day} {en_time(at)}"
    elif style == 2:
        written = f"{day.day} {EN_MONTHS[day.month - 1]} {day.year} at {at.strftime('%H:%M')}"
    else:
        written = f"{day.isoformat()} {at.strftime('%H:%M')}"
    request = parse_remind(f"{written} {text}")
    assert (request.action, request.month_day, request.at, request.text) == (RemindAction.ONCE,
                                                                             (day.month, day.day), at, text)
    assert request.year in (None, day.year)


@given(st.integers(1, 600), texts, st.sampled_from(["in {n} minutes", "dans {n} minutes", "in {n} min"]))
def test_minutes_from_now_in_both_languages(n, text, form):
    request = parse_remind(form.format(n=n) + " " + text)
    assert (request.action, request.delay, request.text) == (RemindAction.ONCE, timedelta(minutes=n), text)


@given(st.integers(1, 48), texts, st.sampled_from(["in {n} hours", "dans {n} heures", "in {n}h"]))
def test_hours_from_now_in_both_languages(n, text, form):
    request = parse_remind(form.format(n=n) + " " + text)
    assert (request.action, request.delay, request.text) == (RemindAction.ONCE, timedelta(hours=n), text)


@given(st.integers(1, 12), st.integers(1, 12))
def test_a_numeric_date_is_refused_as_ambiguous_with_its_two_readings(a, b):
    if a == b:  # 4/4 reads one way only
        assert parse_remind(f"{a}/{b} 9:00 Call Anna").month_day == (a, a)
        return
    with pytest.raises(AmbiguousDate) as error:
        parse_remind(f"{a}/{b} 9:00 Call Anna")
    assert error.value.key == "error_reminder_date_ambiguous"
    assert error.value.readings == ((b, a), (a, b))  # day first, then month first


@given(st.integers(1, 31), st.integers(13, 31))
def test_a_numeric_date_with_one_reading_is_that_date_and_one_with_none_is_refused(a, b):
    try:
        real = date(2024, a, b) is not None  # month a, day b (2024: 29 February is a date)
    except ValueError:
        real = False
    for typed in (f"{a}/{b}", f"{b}/{a}"):
        if real:  # b cannot be a month: one reading only, month a, day b
            day_month = parse_remind(f"{typed} 9:00 Call Anna").month_day
            assert day_month == (a, b)
        else:
            with pytest.raises(InputError) as error:
                parse_remind(f"{typed} 9:00 Call Anna")
            assert error.value.key == "error_reminder_date"


@settings(max_examples=50)
@given(times, st.frozensets(st.integers(0, 6), max_size=7))
def test_a_bare_time_or_days_is_a_question_never_a_reminder_or_a_schedule(at, days):
    written = " ".join([EN_DAYS[d][:3] for d in sorted(days)] + [at.strftime("%H:%M")])
    request = parse_remind(written)
    assert request.action is RemindAction.SCHEDULE
    assert (request.at, request.days or frozenset()) == (at, days)


def test_impossible_and_ambiguous_forms_are_refused_with_their_reason():
    for text, key in (("31 février 9h x", "error_reminder_date"), ("le 31 février à 9h x", "error_reminder_date"),
                      ("le 4/12 à 9h x", "error_reminder_date_ambiguous"), ("Feb 30 9am x", "error_reminder_date"),
                      ("tomorrow Call Anna", "error_reminder_when"), ("in 0 minutes x", "error_reminder_delay"),
                      ("in 31 days x", "error_reminder_words"), ("tomorrow fri 9:00 x", "error_reminder_words"),
                      ("fri 9:00 " + "x" * 201, "error_reminder_text_long"),
                      ("4/12 9h x", "error_reminder_date_ambiguous")):
        with pytest.raises(InputError) as error:
            parse_remind(text)
        assert error.value.key == key, text


def reminders_in(outcome) -> list[str]:
    """The reminders among what the coach said (they carry snooze buttons)."""
    return [html_to_text(r.text) for r in outcome.replies
            if any((b.data or "").startswith("snz:") for row in r.buttons for b in row)]


# --- the coach ---------------------------------------------------------------------------------------------


def test_a_bare_time_asks_and_never_moves_the_lessons_silently(coach):
    session = Session(coach)
    session.onboard()
    before = session.leader
    asked = session.command("remind", "5pm")
    assert session.leader == before
    assert "reminder" in text_of(asked) and "lessons" in text_of(asked)
    assert {"clr:r:1700:-", "clr:l:1700:-"} <= set(buttons_of(asked))
    chosen = session.press("clr:r:1700:-")  # a reminder, once, today at 17:00: of what?
    assert session.leader.schedule == before.schedule and session.leader.reminders == ()
    assert chosen.replies[0].edit and "17:00" in text_of(chosen) and "what shall I remind you of" in text_of(chosen)
    added = session.do(Text("Call the chair"))
    (reminder,) = session.leader.reminders
    assert (reminder.on, reminder.at, reminder.days, reminder.text) == (date(2026, 11, 23), time(17, 0), frozenset(),
                                                                        "Call the chair")
    assert "Call the chair" in text_of(added)
    session.press("clr:r:1700:-")
    session.command("today")  # a command instead of the words: nothing is added
    assert len(session.leader.reminders) == 1 and session.leader.reminder_wait is None


def test_a_day_and_a_time_ask_too_and_the_lessons_move_only_when_chosen(coach):
    session = Session(coach)
    session.onboard()
    asked = session.command("remind", "sat 10:00")
    assert session.leader.schedule == Schedule(time(8, 0), frozenset(range(5)))
    assert "clr:l:1000:5" in buttons_of(asked)
    moved = session.press("clr:l:1000:5")
    assert session.leader.schedule == Schedule(time(10, 0), frozenset({5}))
    assert "10:00" in text_of(moved)
    session.command("remind", "sat 10:00")
    session.press("clr:r:1000:5")
    session.do(Text("Read the week's news"))
    assert session.leader.reminders[0].days == frozenset({5})
    bare_days = session.command("remind", "mon,wed")
    assert buttons_of(bare_days) == ["clr:l:-:02"] and "time" in text_of(bare_days)


@pytest.mark.parametrize(
    ("args", "when"),
    [("tomorrow 09:00 Call Anna", utc(2026, 11, 24, 8, 0)),
     ("demain 9h Appeler Anne", utc(2026, 11, 24, 8, 0)),
     ("in 2 hours Call Anna", utc(2026, 11, 23, 8, 0)),
     ("dans 20 minutes Appeler Anne", utc(2026, 11, 23, 6, 20)),
     ("le 4 décembre à 9h Conseil", utc(2026, 12, 4, 8, 0)),
     ("Dec 4 9am Board meeting", utc(2026, 12, 4, 8, 0)),
     ("18:30 Call Anna", utc(2026, 11, 23, 17, 30))],
)
def test_a_one_off_reminder_goes_once_at_its_moment_and_is_then_gone(coach, args, when):
    session = Session(coach)
    session.onboard()
    added = session.command("remind", args)
    assert len(session.leader.reminders) == 1, text_of(added)
    assert "/remind list" in text_of(added)
    leader = session.leader
    assert reminders_in(coach.wake(leader, when - timedelta(minutes=1))) == []
    woken = coach.wake(leader, when)
    said = reminders_in(woken)
    assert len(said) == 1 and args.split()[-1] in said[0]
    assert woken.leader.reminders == ()
    assert coach.wake(woken.leader, when + timedelta(minutes=5)).replies == ()


def test_every_day_and_tous_les_jours_are_recurring(coach):
    session = Session(coach)
    session.onboard()
    session.command("remind", "tous les jours 9h Lire la presse")
    session.command("remind", "every day 12:00 One comment")
    assert [r.days for r in session.leader.reminders] == [frozenset(range(7))] * 2
    leader = session.leader
    for day in (24, 28, 29):  # weekdays and the weekend
        woken = coach.wake(leader, utc(2026, 11, day, 8, 0))
        assert any("Lire la presse" in html_to_text(r.text) for r in woken.replies)
        leader = woken.leader
    assert len(leader.reminders) == 2


def test_the_list_shows_one_off_reminders_with_their_date(coach):
    session = Session(coach)
    session.onboard()
    session.command("remind", "Dec 4 9am Board meeting")
    session.command("remind", "fri 17:00 Share")
    listed = text_of(session.command("remind", "list"))
    # In the order they will come: the first Friday (27 November) before 4 December.
    assert "1. every Friday at 17:00 — Share" in listed
    assert "2. Friday 4 December at 09:00 — Board meeting" in listed
    session.command("remind", "delete 2")  # the numbers of the list
    assert [r.text for r in session.leader.reminders] == ["Share"]


def test_at_most_twenty_reminders_with_a_clear_answer(coach):
    session = Session(coach)
    session.onboard()
    for n in range(MAX_REMINDERS):
        session.command("remind", f"fri 17:{n:02d} Note {n}")
    assert len(session.leader.reminders) == MAX_REMINDERS
    before = session.leader
    refused = session.command("remind", "tomorrow 9:00 One more")
    assert session.leader == before
    assert "20 reminders" in text_of(refused) and "/remind delete 1" in text_of(refused)


@pytest.mark.parametrize(
    ("args", "example"),
    [("31 février 9h Conseil", "/remind Dec 4 9am"), ("Feb 29 2027 9am Board", "/remind Dec 4 9am"),
     ("4/12 9h Conseil", "/remind Dec 4 9am"), ("today 07:00 Too late", "/remind tomorrow 09:00"),
     ("2027-03-28 02:30 Nobody is awake", "/remind tomorrow 09:00"),  # the clocks go forward in Paris that night
     ("tomorrow 9:00 " + "x" * 201, "/remind fri 17:00"), ("in 45 days x", "/remind tomorrow 09:00"),
     ("delete 4", "/remind delete 1"), ("tomorrow Call Anna", "/remind tomorrow 09:00")],
)
def test_bad_reminders_get_an_example_and_change_nothing(coach, args, example):
    session = Session(coach)
    session.onboard()
    session.command("remind", "fri 17:00 Keep me")
    before = session.leader
    outcome = session.command("remind", args)
    assert session.leader == before
    assert example in html_to_text(outcome.replies[0].text).replace("’", "'"), text_of(outcome)


def test_a_recurring_reminder_fires_once_at_local_time_across_the_autumn_night():
    paris = ZoneInfo("Europe/Paris")
    from bot.core.model import Leader

    leader = Leader(1, 1, onboarded=True, awaiting=None,
                    reminders=(Reminder(frozenset(range(7)), time(9, 0), "Read"),))
    moment = datetime(2027, 10, 30, 12, 0, tzinfo=paris)
    seen = []
    for _ in range(3):
        moment = schedule.next_reminder(leader, leader.reminders[0], moment)
        assert moment is not None
        assert moment.astimezone(paris).time() == time(9, 0)
        day = schedule.due_reminder(leader, leader.reminders[0], moment)
        assert day is not None
        assert schedule.due_reminder(leader, leader.reminders[0], moment - timedelta(minutes=1)) is None
        leader = leader.with_(reminders=(Reminder(frozenset(range(7)), time(9, 0), "Read", day),))
        assert schedule.due_reminder(leader, leader.reminders[0], moment + timedelta(hours=1)) is None
        seen.append(moment)
    assert seen == [utc(2027, 10, 31, 8, 0), utc(2027, 11, 1, 8, 0), utc(2027, 11, 2, 8, 0)]


def test_a_recurring_reminder_in_the_skipped_hour_comes_just_after_the_jump():
    from bot.core.model import Leader

    leader = Leader(1, 1, onboarded=True, awaiting=None,
                    reminders=(Reminder(frozenset(range(7)), time(2, 30), "Night shift"),))
    moment = schedule.next_reminder(leader, leader.reminders[0], utc(2027, 3, 27, 12, 0))
    assert moment == utc(2027, 3, 28, 1, 30)  # 03:30 summer time: the offset of the evening before
