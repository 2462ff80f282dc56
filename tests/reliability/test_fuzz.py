"""Every command's arguments and every button's data, fuzzed: a clear answer, no exception, nothing changed
by what cannot be understood."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.events import Command, Press, Text, Who
from bot.core.markup import MAX_MESSAGE, html_problems, html_to_text
from bot.core.model import Leader
from bot.core.parse import (
    InputError,
    parse_language,
    parse_pause_days,
    parse_timezone,
)
from bot.core.router import MENU as COMMANDS
from bot.core.when import parse_remind, parse_schedule
from tests.conftest import utc
from tests.support.rendered import RenderedCoach as Coach

NOW = utc(2026, 11, 23, 6, 0)
WHO = Who(5, 5, "en")
NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "So", "Lo")), max_size=100),
    st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>", "&amp;", "0", "-1", "99999999999999", "🙂" * 50,
                     "x" * 5000, "\n\n", "../../etc/passwd", "%s%s%s", "{leader}", "mon-fri" * 100]),
)
PARSERS = {"timezone": parse_timezone, "language": parse_language, "pause": parse_pause_days, "remind": parse_remind,
           "schedule": parse_schedule}
# Buttons the coach itself issues; anything else must change nothing.
ISSUED = re.compile(
    r"^(lang:(en|fr)|tz:[A-Za-z_/+-]+|time:\d{4}|days:[0-6]{1,7}|sec:[a-z0-9-]+|nudge:(\d{4}|off)|goal:[1-7]"
    r"|set:\w+|rem:(on|off)|go:today|del:(yes|no)|(done|later|more):[a-z0-9-]+)$"
)


def onboarded(coach: Coach) -> Leader:
    leader = coach.handle(None, WHO, Command("start"), NOW).leader
    for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
        leader = coach.handle(leader, WHO, Press(data), NOW).leader
    return leader


def check_replies(outcome) -> None:
    for reply in outcome.replies:
        assert html_problems(reply.text) == []
        assert 0 < len(html_to_text(reply.text)) <= MAX_MESSAGE


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(command=st.sampled_from(COMMANDS), args=NASTY)
def test_any_command_argument_gets_an_answer_and_bad_ones_change_nothing(coach, command, args):
    leader = onboarded(coach)
    outcome = coach.handle(leader, WHO, Command(command, args), NOW)
    check_replies(outcome)
    assert outcome.replies or outcome.toast
    parser = PARSERS.get(command)
    if parser is not None and args.strip():
        try:
            parser(args.strip())
        except InputError:
            assert outcome.leader == leader


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=NASTY)
def test_buttons_the_bot_did_not_issue_change_nothing(coach, data):
    leader = onboarded(coach)
    outcome = coach.handle(leader, WHO, Press(data), NOW)
    check_replies(outcome)
    if not ISSUED.match(data):
        assert outcome.leader == leader
        assert outcome.replies == ()


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=NASTY)
def test_any_free_text_in_any_onboarding_step_is_answered(coach, text):
    leader = coach.handle(None, WHO, Command("start"), NOW).leader
    for _ in range(3):
        outcome = coach.handle(leader, WHO, Text(text), NOW)
        check_replies(outcome)
        assert outcome.replies
        leader = outcome.leader
