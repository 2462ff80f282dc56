"""The coach's decisions, without Telegram or disk: each event with the stored leader and a fixed time."""

from __future__ import annotations

import json
import re
from datetime import date, time, timedelta

import pytest

from bot.core import schedule
from bot.core.events import Command, Other, Press, Text, Who
from bot.core.features import lessons
from bot.core.features.common import Context
from bot.core.markup import MAX_MESSAGE, html_problems, html_to_text
from bot.core.model import Leader, Pause, Schedule, ScheduleChange
from bot.core.replies import Outcome as RawOutcome
from tests.conftest import utc
from tests.support.rendered import RenderedCoach as Coach
from tests.support.rendered import ShownOutcome as Outcome
from tests.support.rendered import render

MONDAY_6 = utc(2026, 11, 23, 6, 0)  # 07:00 in Paris
WHO = Who(42, 42, "fr-FR")


class Session:
    """Plays a leader against the coach, keeping the stored state between events."""

    def __init__(self, coach: Coach, now=MONDAY_6, who: Who = WHO) -> None:
        self.coach, self.now, self.who = coach, now, who
        self.leader: Leader | None = None

    def do(self, event) -> Outcome:
        outcome = self.coach.handle(self.leader, self.who, event, self.now)
        check_telegram_limits(outcome)
        self.leader = None if outcome.forget else (outcome.leader or self.leader)
        return outcome

    def command(self, name: str, args: str = "") -> Outcome:
        return self.do(Command(name, args))

    def press(self, data: str) -> Outcome:
        return self.do(Press(data))

    def onboard(self) -> None:
        self.command("start")
        for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
            self.press(data)


def check_telegram_limits(outcome: Outcome) -> None:
    for reply in outcome.replies:
        assert len(html_to_text(reply.text)) <= MAX_MESSAGE
        assert html_problems(reply.text) == []
        for row in reply.buttons:
            for button in row:
                assert (button.data is None) != (button.url is None)
                if button.data is not None:
                    assert 1 <= len(button.data.encode()) <= 64


def lesson_of(reply) -> str | None:
    """The lesson a message shows, read from its buttons (Done, or Tell me more)."""
    for row in reply.buttons:
        for button in row:
            verb, _, lesson_id = (button.data or "").partition(":")
            if verb in ("done", "more"):
                return lesson_id
    return None


def text_of(outcome: Outcome) -> str:
    return "\n".join(html_to_text(r.text) for r in outcome.replies)


def buttons_of(outcome: Outcome) -> list[str]:
    return [b.data or b.url or "" for r in outcome.replies for row in r.buttons for b in row]


@pytest.fixture
def session(coach: Coach) -> Session:
    return Session(coach)


def test_start_greets_in_the_language_of_the_app_and_asks_the_language(session):
    outcome = session.command("start")
    assert "Bonjour" in text_of(outcome)
    assert {"lang:fr", "lang:en"} <= set(buttons_of(outcome))
    assert session.leader is not None and session.leader.language == "fr"
    assert session.leader.awaiting == "language"


def test_onboarding_with_buttons_ends_by_offering_the_first_lesson(session):
    session.command("start")
    session.press("lang:en")
    session.press("tz:America/New_York")
    session.press("time:0730")
    session.press("days:024")
    outcome = session.press("sec:finance")
    leader = session.leader
    assert leader.onboarded and leader.awaiting is None
    assert (leader.language, leader.timezone, leader.sector) == ("en", "America/New_York", "finance")
    assert leader.schedule == Schedule(time(7, 30), frozenset({0, 2, 4}))
    assert "go:today" in buttons_of(outcome)
    assert "Finance" in text_of(outcome)


def test_onboarding_accepts_typed_answers(session):
    session.command("start")
    for line in ("français", "Montréal", "7h45", "lun-ven", "Santé"):
        session.do(Text(line))
    leader = session.leader
    assert leader.onboarded
    assert (leader.language, leader.timezone, leader.schedule.at, leader.sector) == (
        "fr", "America/Montreal", time(7, 45), "health")


def test_a_wrong_typed_answer_explains_and_changes_nothing(session):
    session.command("start")
    session.press("lang:en")
    before = session.leader
    outcome = session.do(Text("Mars/Olympus"))
    assert session.leader == before
    assert "Europe/Paris" in text_of(outcome)  # the example
    assert "tz:Europe/Paris" in buttons_of(outcome)  # asked again


def test_start_again_resumes_and_keeps_progress(session):
    session.onboard()
    session.press("go:today")
    session.press("done:welcome")
    before = session.leader
    outcome = session.command("start")
    assert session.leader.events == before.events
    assert session.leader.onboarded
    assert "Welcome back" in text_of(outcome)


def test_start_in_the_middle_of_onboarding_asks_the_pending_question(session):
    session.command("start")
    session.press("lang:en")
    outcome = session.command("start")
    assert "time zone" in text_of(outcome)
    assert session.leader.awaiting == "timezone"


def test_today_then_done_records_once_and_answers_in_place(session):
    session.onboard()
    lesson = session.command("today")
    assert "done:welcome" in buttons_of(lesson)
    assert session.leader.delivery.lesson_id == "welcome"
    first = session.press("done:welcome")
    assert first.replies[0].edit
    assert "done:welcome" not in buttons_of(first)
    assert first.toast
    second = session.press("done:welcome")
    assert [e.lesson_id for e in session.leader.events] == ["welcome"]
    assert second.replies == () and second.toast


def test_done_command_marks_the_delivered_lesson(session):
    session.onboard()
    session.command("today")
    outcome = session.command("done")
    assert session.leader.done_ids == {"welcome"}
    assert "Welcome" in text_of(outcome)
    again = session.command("done")
    assert session.leader.done_ids == {"welcome"}
    assert "no lesson waiting" in text_of(again)


def test_skip_moves_to_the_next_lesson(session):
    session.onboard()
    asked = session.command("skip")
    assert session.leader.finished_ids == frozenset()  # asked first
    assert "skn:welcome" in buttons_of(asked)
    session.press("skp:welcome")
    assert session.leader.finished_ids == {"welcome"}
    assert "welcome" not in session.leader.done_ids
    assert "here-to-stay" in buttons_of(session.command("today"))[0]


def test_tell_me_more_shows_the_deeper_part_in_place(session, content):
    session.onboard()
    session.command("today")
    outcome = session.press("more:welcome")
    lesson = content.courses["en"].lesson("welcome")
    assert outcome.replies[0].edit
    assert html_to_text(lesson.more)[:40] in text_of(outcome)
    assert "done:welcome" in buttons_of(outcome)


@pytest.mark.parametrize("data", ["done:not-a-lesson", "tz:Mars/Olympus", "time:9999", "days:789", "sec:nope",
                                  "lang:klingon", "bogus", "", "del", "set:nothing", "x" * 64])
def test_forged_or_stale_buttons_change_nothing(session, data):
    session.onboard()
    before = session.leader
    outcome = session.press(data)
    assert session.leader == before
    assert outcome.replies == ()
    assert outcome.toast


def test_the_daily_wake_delivers_once_per_local_day(coach):
    session = Session(coach)
    session.onboard()
    slot = utc(2026, 11, 24, 7, 0)  # Tuesday 08:00 in Paris
    outcome = coach.wake(session.leader, slot)
    assert outcome.replies and lesson_of(outcome.replies[0]) == "welcome"
    claimed = outcome.leader
    assert claimed.delivery.local_date == date(2026, 11, 24)
    assert coach.wake(claimed, slot + timedelta(minutes=1)).replies == ()
    assert schedule.next_slot(claimed, slot) == utc(2026, 11, 25, 7, 0)
    assert coach.next_wake(claimed, slot) == utc(2026, 11, 24, 17, 0)  # the evening nudge, if nothing is done


def test_the_daily_wake_resends_an_unfinished_lesson_the_next_day(coach):
    session = Session(coach)
    session.onboard()
    first = coach.wake(session.leader, utc(2026, 11, 24, 7, 0)).leader
    second = coach.wake(first, utc(2026, 11, 25, 7, 0))
    assert lesson_of(second.replies[0]) == "welcome"


def test_onboarding_after_the_lesson_time_waits_for_the_next_day(coach):
    session = Session(coach, now=utc(2026, 11, 23, 8, 0))  # 09:00 in Paris, lesson time 08:00
    session.onboard()
    assert coach.wake(session.leader, session.now).replies == ()
    assert coach.next_wake(session.leader, session.now) == utc(2026, 11, 24, 7, 0)  # and no nudge tonight


def test_later_offers_a_choice_and_brings_the_lesson_back_then(coach):
    session = Session(coach)
    session.onboard()
    session.command("today")
    before = session.leader
    outcome = session.press("later:welcome")
    assert session.leader == before
    assert buttons_of(outcome) == ["lat:h:welcome", "lat:e:welcome", "lat:t:welcome"]
    chosen = session.press("lat:h:welcome")
    assert chosen.replies[0].edit and chosen.toast
    back = session.leader.later_at
    assert back == session.now + timedelta(hours=1)
    assert coach.next_wake(session.leader, session.now) == back
    woken = coach.wake(session.leader, back)
    assert woken.replies and lesson_of(woken.replies[0]) == "welcome"
    assert woken.leader.later_at is None


def test_schedule_changes_time_and_days(session):
    session.onboard()
    outcome = session.command("schedule", "07:45 mon,wed")
    assert session.leader.schedule == Schedule(time(7, 45), frozenset({0, 2}))
    assert "07:45" in text_of(outcome)
    session.command("schedule", "off")
    assert not session.leader.schedule.enabled
    session.command("schedule", "on")
    assert session.leader.schedule.enabled
    session.command("remind", "off")  # as in release 0.1.0
    assert not session.leader.schedule.enabled


@pytest.mark.parametrize(
    ("command", "args", "example"),
    [("remind", "25:99", "for example 07:45"), ("remind", "tomorrow-ish", "/remind tomorrow 09:00"),
     ("schedule", "tomorrow 9am", "/schedule 07:45 mon-fri"), ("schedule", "25:99", "for example 07:45"),
     ("timezone", "Mars/Olympus", "a time zone such as Europe/Paris"), ("pause", "-3", "/pause 7"),
     ("language", "klingon", "/language fr"), ("remind", "x" * 4000, "/remind fri 17:00")],
)
def test_bad_arguments_get_an_example_and_change_nothing(session, command, args, example):
    session.onboard()
    before = session.leader
    outcome = session.command(command, args)
    assert session.leader == before
    assert example in text_of(outcome)


def test_timezone_and_language_commands(session):
    session.onboard()
    session.command("timezone", "America/New_York")
    assert session.leader.timezone == "America/New_York"
    outcome = session.command("language", "fr")
    assert session.leader.language == "fr"
    assert text_of(outcome) == "Désormais, je vous écris en français."


def test_pause_and_resume(session):
    session.onboard()
    session.command("pause", "7")
    assert session.leader.pauses == (Pause(date(2026, 11, 23), date(2026, 12, 1)),)
    assert session.coach.wake(session.leader, utc(2026, 11, 24, 7, 0)).replies == ()
    assert session.coach.next_wake(session.leader, session.now) == utc(2026, 12, 1, 7, 0)
    session.now = utc(2026, 11, 25, 12, 0)
    session.command("resume")
    assert session.leader.pauses == (Pause(date(2026, 11, 23), date(2026, 11, 25)),)
    assert "not on pause" in text_of(session.command("resume"))


def test_the_schedule_log_keeps_the_weekdays_in_force_each_day(session):
    session.onboard()
    assert session.leader.schedule_log == (ScheduleChange(date(2026, 11, 23), frozenset(range(5))),)
    session.now = utc(2026, 11, 25, 12, 0)
    session.command("schedule", "mon,wed")
    session.command("schedule", "off")
    log = session.leader.schedule_log
    assert log[0] == ScheduleChange(date(2026, 11, 23), frozenset(range(5)))
    assert log[-1] == ScheduleChange(date(2026, 11, 25), frozenset())  # the same day's changes keep the last


def test_settings_offer_buttons_that_ask_again(session):
    session.onboard()
    outcome = session.command("settings")
    assert {"set:language", "set:timezone", "set:time", "set:days", "set:sector", "rem:off"} <= set(buttons_of(outcome))
    asked = session.press("set:time")
    assert "time:0800" in buttons_of(asked)
    session.do(Text("06:15"))
    assert session.leader.schedule.at == time(6, 15)
    assert session.leader.awaiting is None


def test_export_holds_everything_stored(session):
    session.onboard()
    session.command("today")
    session.press("done:welcome")
    outcome = session.command("export")
    document = outcome.replies[0].document
    data = json.loads(document.content)
    assert data["leader"]["user_id"] == 42
    assert data["leader"]["events"][0]["lesson"] == "welcome"


def test_delete_asks_then_forgets(session):
    session.onboard()
    confirm = session.command("delete")
    yes, no = (next(d for d in buttons_of(confirm) if d.startswith(prefix)) for prefix in ("del:yes:", "del:no:"))
    assert session.leader is not None
    cancelled = session.press(no)
    assert session.leader is not None and not cancelled.forget
    gone = session.press(yes)
    assert gone.forget and session.leader is None


def test_a_delete_confirmation_expires_and_the_old_button_confirms_nothing(session):
    session.onboard()
    yes = next(d for d in buttons_of(session.command("delete")) if d.startswith("del:yes:"))
    session.now += timedelta(minutes=16)
    late = session.press(yes)
    assert not late.forget and session.leader is not None and "expired" in text_of(late)
    assert not session.press("del:yes").forget  # a button of release 0.1.0
    assert session.leader is not None


def test_strangers_get_help_without_being_stored(coach):
    for event in (Command("today"), Text("hello"), Press("done:welcome"), Command("help")):
        outcome = coach.handle(None, WHO, event, MONDAY_6)
        assert outcome.leader is None
        assert outcome.replies or outcome.toast


@pytest.mark.parametrize("event", [Command("frobnicate"), Text("x" * 4000), Other("sticker"), Text("<script>")])
def test_unknown_input_gets_a_clear_answer_and_changes_nothing(session, event):
    session.onboard()
    before = session.leader
    outcome = session.do(event)
    assert session.leader == before
    assert outcome.replies and "/help" in text_of(outcome)
    assert "<script>" not in outcome.replies[0].text


def test_an_unknown_command_is_echoed_escaped_and_short(session):
    session.onboard()
    outcome = session.command("<b>" + "x" * 100)
    assert "&lt;b&gt;" in outcome.replies[0].text
    assert len(text_of(outcome)) < 200


def test_roadmap_shows_ten_modules_with_progress(session):
    session.onboard()
    session.command("today")
    session.press("done:welcome")
    outcome = session.command("roadmap")
    text = text_of(outcome)
    modules = re.findall(r"— (\d+)/(\d+)", text)
    assert len(modules) == 10
    assert modules[0] == ("1", "4") and all(done == "0" for done, _ in modules[1:])
    assert sum(int(total) for _, total in modules) == 42
    assert "One lesson done out of 42." in text


def test_every_lesson_message_fits_telegram_in_both_languages(coach, content):
    for language, course in content.courses.items():
        leader = Leader(1, 1, language=language, onboarded=True, awaiting=None)
        for lesson in course.lessons:
            for more in (False, True):
                raw = lessons.message(Context(content), leader, lesson, MONDAY_6, more=more, intro="intro_daily")
                reply = render(coach.words, RawOutcome(leader, (raw,), language=language)).replies[0]
                assert html_problems(reply.text) == [], lesson.id
                assert len(html_to_text(reply.text)) <= MAX_MESSAGE


def test_the_command_menu_is_valid_in_both_languages(coach):
    for language in ("en", "fr"):
        menu = coach.coach.command_menu()
        assert len(menu) >= 10
        for name, message in menu:
            description = coach.words.plain(message, language)
            assert name.isascii() and name.islower() and 1 <= len(name) <= 32
            assert 1 <= len(description) <= 256


def test_reminders_of_the_leaders_own_are_added_listed_sent_once_and_deleted(coach):
    session = Session(coach)
    session.onboard()
    added = session.command("remind", "fri 17:00 Share the <b>week's</b> best read")
    assert "Share the &lt;b&gt;week's&lt;/b&gt; best read" in added.replies[0].text
    assert "1. every Friday at 17:00" in text_of(session.command("remind", "list"))
    friday = utc(2026, 11, 27, 16, 0)  # 17:00 in Paris
    assert coach.next_wake(session.leader, session.now) <= friday
    woken = coach.wake(session.leader, friday)
    assert any("best read" in html_to_text(r.text) for r in woken.replies)
    assert coach.wake(woken.leader, friday + timedelta(minutes=5)).replies == ()
    session.leader = woken.leader
    session.command("remind", "delete 1")
    assert session.leader.reminders == ()
    bad = session.command("remind", "delete 3")
    assert "/remind list" in text_of(bad)


def test_the_evening_nudge_comes_once_only_when_nothing_is_done_and_rotates(coach):
    session = Session(coach)
    session.onboard()
    texts = []
    leader = session.leader
    for day in (24, 25):
        leader = coach.wake(leader, utc(2026, 11, day, 7, 0)).leader  # the lesson, not done
        evening = coach.wake(leader, utc(2026, 11, day, 17, 0))
        assert len(evening.replies) == 1 and "go:today" in buttons_of(evening)
        texts.append(evening.replies[0].text)
        leader = evening.leader
        assert coach.wake(leader, utc(2026, 11, day, 17, 30)).replies == ()  # at most once a day
    assert texts[0] != texts[1]
    # A day with the lesson done: no nudge.
    leader = coach.wake(leader, utc(2026, 11, 26, 7, 0)).leader
    done = coach.handle(leader, WHO, Press("done:welcome"), utc(2026, 11, 26, 9, 0)).leader
    assert coach.wake(done, utc(2026, 11, 26, 17, 0)).replies == ()


def test_the_evening_nudge_can_be_moved_or_switched_off(session):
    session.onboard()
    session.press("set:nudge")
    session.press("nudge:2000")
    assert session.leader.nudge_at == time(20, 0)
    session.press("nudge:off")
    assert session.leader.nudge_at is None
    session.press("goal:3")
    assert session.leader.weekly_goal == 3
    assert "Weekly goal: 3" in text_of(session.command("settings"))


def test_no_evening_nudge_when_the_lesson_comes_after_the_nudge_time(coach):
    session = Session(coach)
    session.onboard()
    session.command("schedule", "19:30")  # lessons in the evening, after the 18:00 nudge
    leader = coach.wake(session.leader, utc(2026, 11, 24, 18, 30)).leader  # the lesson, 19:30 in Paris
    assert coach.wake(leader, utc(2026, 11, 24, 18, 31)).replies == ()
    assert coach.next_wake(leader, utc(2026, 11, 24, 18, 31)) == utc(2026, 11, 25, 18, 30)


def test_timezone_and_language_without_argument_show_and_ask(session):
    session.onboard()
    shown = session.command("timezone")
    assert "Europe/Paris" in text_of(shown) and session.leader.timezone == "Europe/Paris"
    asked = session.command("language")
    assert {"lang:fr", "lang:en"} <= set(buttons_of(asked))
    session.press("lang:fr")
    assert session.leader.language == "fr" and session.leader.awaiting is None


@pytest.mark.parametrize("code", ["en", "fr"])
def test_help_names_every_command_of_the_menu(coach, code):
    from bot.core.router import MENU

    shown = text_of(coach.handle(None, Who(7, 7, code), Command("help"), MONDAY_6))
    missing = [name for name in MENU if name != "help" and f"/{name}" not in shown]
    assert missing == [], missing
