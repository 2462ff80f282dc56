"""Shorter is a length, Longer undoes it: after "Shorter", another angle stays short and the post offers
"Longer" where "Shorter" was; a "Shorter" pressed again (on an older message) says so instead of writing the
same text again. With a take and without."""

from __future__ import annotations

from datetime import timedelta

from bot.core.events import Command, PostWritten, Press, Text, Who
from bot.core.markup import html_to_text
from bot.core.news import Item
from bot.writing import Writer
from tests.conftest import utc

NOW = utc(2026, 11, 23, 6, 0)
WHO = Who(21, 21, "en")
NEWS = [
    Item("Cybersecurity budgets rise again at mid-sized firms", "https://news.example.org/1", "Security Wire",
         "Firms of 50 to 250 people spend a fifth more on security this year. Most of it goes to training.",
         NOW - timedelta(hours=2), "en"),
]


def onboarded(coach):
    leader = coach.handle(None, WHO, Command("start"), NOW).leader
    for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
        leader = coach.handle(leader, WHO, Press(data), NOW).leader
    return coach.handle(leader, WHO, Command("suggest"), NOW, NEWS).leader


def data_of(reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row if b.data]


def test_shorter_sticks_to_the_next_angle_until_longer_and_is_not_pressed_twice(coach):
    leader = onboarded(coach)
    ref = leader.offers[0].ref
    first = coach.handle(leader, WHO, Press(f"pd:{ref}"), NOW, NEWS)
    (full,) = first.replies
    summary = "Firms of 50 to 250 people spend a fifth more on security this year."
    assert summary in html_to_text(full.text)
    assert f"ps:{ref}" in data_of(full) and f"pl:{ref}" not in data_of(full)

    short = coach.handle(first.leader, WHO, Press(f"ps:{ref}"), NOW, NEWS)
    (shown,) = short.replies
    assert summary not in html_to_text(shown.text) and "?" not in short.leader.offers[0].post_linkedin
    assert f"pl:{ref}" in data_of(shown) and f"ps:{ref}" not in data_of(shown)  # Longer where Shorter was

    again = coach.handle(short.leader, WHO, Press(f"ps:{ref}"), NOW, NEWS)  # the old message's Shorter
    assert again.replies == () and again.toast and "already" in again.toast
    assert again.leader == short.leader

    angle = coach.handle(short.leader, WHO, Press(f"pa:{ref}"), NOW, NEWS)
    (other,) = angle.replies
    before, after = short.leader.offers[0].post_linkedin, angle.leader.offers[0].post_linkedin
    assert after != before and after.split("\n")[0] != before.split("\n")[0]  # another post...
    assert summary not in after and f"pl:{ref}" in data_of(other)  # ...still short

    longer = coach.handle(angle.leader, WHO, Press(f"pl:{ref}"), NOW, NEWS)
    (back,) = longer.replies
    assert summary in longer.leader.offers[0].post_linkedin and f"ps:{ref}" in data_of(back)
    assert longer.leader.offers[0].variant == angle.leader.offers[0].variant  # the same angle, longer
    stale = coach.handle(longer.leader, WHO, Press(f"pl:{ref}"), NOW, NEWS)
    assert stale.replies == () and stale.toast and stale.leader == longer.leader


def test_with_a_take_shorter_and_longer_ask_for_the_post_at_that_length(coach):
    leader = onboarded(coach)
    ref = leader.offers[0].ref
    asked = coach.handle(leader, WHO, Press(f"pt:{ref}"), NOW, NEWS)
    take = "We doubled our training budget last year. Phishing clicks fell by half."
    typed = coach.handle(asked.leader, WHO, Text(take), NOW, NEWS)
    writer = Writer(coach.content.drafts)

    def written(outcome):
        (effect,) = outcome.raw.effects
        post = writer.compose(effect.request)
        return effect.request, coach.handle(outcome.leader, WHO, PostWritten(ref, post.linkedin, post.x), NOW, NEWS)

    request, shown = written(typed)
    assert not request.shorter and f"ps:{ref}" in data_of(shown.replies[0])
    request, short = written(coach.handle(shown.leader, WHO, Press(f"ps:{ref}"), NOW, NEWS))
    assert request.shorter and request.take == take and f"pl:{ref}" in data_of(short.replies[0])
    request, angle = written(coach.handle(short.leader, WHO, Press(f"pa:{ref}"), NOW, NEWS))
    assert request.shorter and request.variant == short.leader.offers[0].variant + 1
    request, back = written(coach.handle(angle.leader, WHO, Press(f"pl:{ref}"), NOW, NEWS))
    assert not request.shorter and f"ps:{ref}" in data_of(back.replies[0])
