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
    # A leader who posts now and then, with posts from today: the mornings bring posts to write.
    for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology", "stand:poster",
                 "stage:post"):
        leader = coach.handle(leader, WHO, Press(data), NOW).leader
    return coach.handle(leader, WHO, Command("suggest"), NOW, NEWS).leader


def data_of(reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row if b.data]


def test_shorter_sticks_to_the_next_angle_until_longer_and_is_not_pressed_twice(coach):
    leader = onboarded(coach)
    ref = leader.offers[0].ref
    first = coach.handle(leader, WHO, Press(f"pd:{ref}"), NOW, NEWS)
    full = first.replies[-1]  # a line saying what it is, then the post alone in its message
    summary = "Firms of 50 to 250 people spend a fifth more on security this year."
    assert summary in html_to_text(full.text)
    assert f"ps:{ref}" in data_of(full) and f"pf:{ref}" not in data_of(full)

    short = coach.handle(first.leader, WHO, Press(f"ps:{ref}"), NOW, NEWS)
    shown = short.replies[-1]
    assert summary not in html_to_text(shown.text) and "?" not in short.leader.offers[0].post_linkedin
    assert f"pf:{ref}" in data_of(shown) and f"ps:{ref}" not in data_of(shown)  # Longer where Shorter was

    again = coach.handle(short.leader, WHO, Press(f"ps:{ref}"), NOW, NEWS)  # the old message's Shorter
    assert again.replies == () and again.toast and "already" in again.toast
    assert again.leader == short.leader

    angle = coach.handle(short.leader, WHO, Press(f"pa:{ref}"), NOW, NEWS)
    other = angle.replies[-1]
    before, after = short.leader.offers[0].post_linkedin, angle.leader.offers[0].post_linkedin
    assert after != before and after.split("\n")[0] != before.split("\n")[0]  # another post...
    assert summary not in after and f"pf:{ref}" in data_of(other)  # ...still short

    longer = coach.handle(angle.leader, WHO, Press(f"pf:{ref}"), NOW, NEWS)
    back = longer.replies[-1]
    assert summary in longer.leader.offers[0].post_linkedin and f"ps:{ref}" in data_of(back)
    assert longer.leader.offers[0].variant == angle.leader.offers[0].variant  # the same angle, longer
    stale = coach.handle(longer.leader, WHO, Press(f"pf:{ref}"), NOW, NEWS)
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
    assert not request.shorter and f"ps:{ref}" in data_of(shown.replies[-1])
    request, short = written(coach.handle(shown.leader, WHO, Press(f"ps:{ref}"), NOW, NEWS))
    assert request.shorter and request.take == take and f"pf:{ref}" in data_of(short.replies[-1])
    request, angle = written(coach.handle(short.leader, WHO, Press(f"pa:{ref}"), NOW, NEWS))
    assert request.shorter and request.variant == short.leader.offers[0].variant + 1
    request, back = written(coach.handle(angle.leader, WHO, Press(f"pf:{ref}"), NOW, NEWS))
    assert not request.shorter and f"ps:{ref}" in data_of(back.replies[-1])


def test_through_telegram_shorter_then_another_angle_stays_short_until_longer(tmp_path):
    """The same, through python-telegram-bot and the fake Bot API: what a leader sees in Telegram."""
    from bot.adapters.storage import LeaderStore
    from tests.support.feed_server import FeedServer
    from tests.telegram_harness import Harness, run
    from tests.test_suggestions import local_feeds

    def datas(message) -> list[str]:
        return [b.get("callback_data", "") for row in message.reply_markup["inline_keyboard"] for b in row]

    async def scenario():
        with FeedServer() as server:
            async with Harness(tmp_path / "data", feeds_path=local_feeds(tmp_path, server)) as bot:
                await bot.onboard(9)
                await bot.posting(9)
                await bot.desk.refresh(bot.now)
                await bot.send(9, "/suggest")
                await bot.press(9, bot.button(9, "pt:"))
                take = "We tried this in our plants last year: it worked because the teams chose the tools."
                await bot.send(9, take)
                await bot.settle()
                full = bot.last(9)
                ref = next(d for d in datas(full) if d.startswith("ps:"))[3:]
                await bot.press(9, f"ps:{ref}", full.message_id)
                await bot.settle()
                short = bot.last(9)
                assert take in short.text and f"pf:{ref}" in datas(short) and f"ps:{ref}" not in datas(short)
                writing = sum("Writing your post" in m.text for m in bot.api.messages(9))
                await bot.press(9, f"ps:{ref}", full.message_id)  # Shorter again, on the first post
                await bot.settle()
                assert sum("Writing your post" in m.text for m in bot.api.messages(9)) == writing  # nothing written
                toast = bot.api.calls_to("answerCallbackQuery")[-1].params.get("text", "")
                assert "already the short version" in toast
                await bot.press(9, f"pa:{ref}", short.message_id)
                await bot.settle()
                angle = bot.last(9)
                assert angle.text != short.text and f"pf:{ref}" in datas(angle)  # another angle, still short
                await bot.press(9, f"pf:{ref}", angle.message_id)
                await bot.settle()
                assert f"ps:{ref}" in datas(bot.last(9))
                offer = next(o for o in LeaderStore(tmp_path / "data").get(9).offers if o.ref == ref)
                assert not offer.shorter and offer.variant == 1

    run(scenario())
