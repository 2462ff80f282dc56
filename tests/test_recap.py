"""The weekly recap: once a week at the leader's moment (Sunday 18:00 by default), movable or off, recorded before
it is sent, with the week's lessons and posts, streak and strength, next week's module, and the picture."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.core.markup import html_to_text
from tests.conftest import utc
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram_harness import Harness, run
from tests.test_coach import Session, text_of

SUNDAY_18 = utc(2026, 11, 29, 17, 0)  # Sunday 18:00 in Paris


def a_week_of_lessons(coach) -> Session:
    session = Session(coach)
    session.onboard()
    for day in (23, 24, 25, 26, 27):
        session.now = utc(2026, 11, day, 9, 0)
        lesson = session.command("today")
        lesson_id = next(b.data for r in lesson.replies for row in r.buttons for b in row
                         if (b.data or "").startswith("done:")).split(":", 1)[1]
        session.press(f"done:{lesson_id}")
    return session


def test_the_recap_comes_once_on_sunday_evening_with_the_week_and_the_picture(coach):
    session = a_week_of_lessons(coach)
    leader = session.leader
    assert coach.next_wake(leader, utc(2026, 11, 29, 9, 0)) == SUNDAY_18
    woken = coach.wake(leader, SUNDAY_18)
    text = "\n".join(html_to_text(r.text) for r in woken.replies)
    # At the listening stage the week counts lessons and comments: no post is asked for, none is counted.
    assert "5 lessons done" in text and "no comment" in text and "post" not in text
    assert "Streak: 5 days" in text and "Next week: module 2" in text
    assert any(r.chart is not None for r in woken.replies)
    assert woken.leader.recapped_on == date(2026, 11, 29)
    assert coach.wake(woken.leader, SUNDAY_18 + timedelta(minutes=10)).replies == ()  # once
    assert coach.next_wake(woken.leader, SUNDAY_18) == utc(2026, 11, 30, 7, 0)  # Monday's lesson


def test_the_recap_can_be_moved_or_switched_off_with_a_clear_answer(coach):
    session = a_week_of_lessons(coach)
    session.command("recap", "fri 17:00")
    assert (session.leader.recap_day, session.leader.recap_at) == (4, time(17, 0))
    assert "Friday at 17:00" in text_of(session.command("recap"))
    assert any("lessons done" in html_to_text(r.text) for r in coach.wake(session.leader,
                                                                          utc(2026, 11, 27, 16, 0)).replies)
    session.command("recap", "off")
    assert session.leader.recap_at is None
    assert coach.wake(session.leader, utc(2026, 11, 27, 16, 0)).replies == ()
    before = session.leader
    for bad in ("someday", "mon,tue 9:00", "25:00 fri", "fri"):
        answer = session.command("recap", bad)
        assert session.leader == before
        assert "/recap sun 18:00" in text_of(answer), bad
    back = session.command("recap", "on")
    assert session.leader.recap_at == time(18, 0) and "Friday at 18:00" in text_of(back)


def test_a_quiet_week_gets_no_reproach(coach):
    session = a_week_of_lessons(coach)
    quiet = coach.wake(session.leader, utc(2026, 12, 6, 17, 0))  # the next Sunday, nothing done that week
    text = text_of(quiet)
    assert "quiet week" in text and "/today" in text


def test_the_recap_goes_once_across_a_restart(tmp_path):
    api = FakeBotApi()

    async def scenario():
        async with Harness(tmp_path, api=api) as bot:
            await bot.onboard(601)
            await bot.send(601, "/today")
            await bot.press(601, "done:welcome")
        async with Harness(tmp_path, api=api, now=SUNDAY_18) as bot:
            assert bot.when(601) == SUNDAY_18
            await bot.run_job(601)
            assert bot.api.messages(601)[-1].photo is not None
            sent = len(bot.api.messages(601))
        async with Harness(tmp_path, api=api, now=SUNDAY_18 + timedelta(minutes=30)) as bot:
            assert bot.when(601) == utc(2026, 11, 30, 7, 0)  # not the recap again
            assert len(bot.api.messages(601)) == sent

    run(scenario())
