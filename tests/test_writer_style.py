"""/style: the leader pastes posts of their own; the bot learns their choices (a closing question or not,
hashtags or not, short or long, a sign-off) and from their edits, and the posts follow; a model gets the posts
as style examples. Stored with the leader, in /export, gone with /delete; older data opens without it."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.adapters.content_files import read_prompts
from bot.adapters.llm import user_message
from bot.core.codec import leader_from_dict, leader_to_dict
from bot.core.events import Command, PostWritten, Press, Text, Who
from bot.core.features.style import learn_style
from bot.core.markup import html_to_text
from bot.core.model import Style
from bot.core.news import Item
from bot.writing import Writer
from tests.conftest import CONTENT_DIR, utc

NOW = utc(2026, 11, 23, 6, 0)
WHO = Who(31, 31, "en")
NEWS = [Item("Cybersecurity budgets rise again at mid-sized firms", "https://news.example.org/1", "Security Wire",
             "Firms spend a fifth more on security this year. Most of it goes to training.",
             NOW - timedelta(hours=2), "en")]
MINE = [
    "We moved our night shift to four days last spring. Output held, absences fell.\n\nSmall changes, kept.\n\n— Anne",
    "Three of our apprentices now run a line. I did not expect it so soon.\n\n— Anne",
]
TAKE = "We doubled our training budget last year. Phishing clicks fell by half."


def onboarded(coach):
    leader = coach.handle(None, WHO, Command("start"), NOW).leader
    for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
        leader = coach.handle(leader, WHO, Press(data), NOW).leader
    return leader


def test_learning_from_the_leaders_own_posts():
    learnt = learn_style(tuple(MINE), Style())
    assert (learnt.question, learnt.hashtags, learnt.length, learnt.sign_off) == (False, False, "short", "— Anne")
    asking = learn_style(("Remote work is not over for plants, and here is why. " * 20 + "\n\nWhat do you see?"
                          "\n\n#Industry",), Style(shorter=1))
    assert (asking.question, asking.hashtags, asking.length, asking.sign_off) == (True, True, "long", None)
    assert asking.shorter == 1  # the edits are kept
    assert learn_style((), asking) == Style(shorter=1)


def test_style_pasted_in_the_chat_shapes_the_posts_and_is_exported(coach):
    leader = onboarded(coach)
    shown = coach.handle(leader, WHO, Command("style"), NOW)
    assert "Nothing learnt yet" in html_to_text(shown.replies[0].text) and shown.leader.style_waiting
    shown = coach.handle(shown.leader, WHO, Text(MINE[0]), NOW)  # pasted in the next message
    assert not shown.leader.style_waiting
    shown = coach.handle(shown.leader, WHO, Command("style", MINE[1]), NOW)  # or after the command
    leader = shown.leader
    assert leader.style_examples == tuple(MINE) and not leader.style_waiting
    said = html_to_text(shown.replies[0].text)
    assert "— Anne" in said and "do not end with a question" in said and "do not use hashtags" in said
    # The post around a take follows: short, no question, no hashtag, signed.
    leader = coach.handle(leader, WHO, Command("suggest"), NOW, NEWS).leader
    ref = leader.offers[0].ref
    asked = coach.handle(leader, WHO, Press(f"pt:{ref}"), NOW, NEWS)
    typed = coach.handle(asked.leader, WHO, Text(TAKE), NOW, NEWS)
    (effect,) = typed.raw.effects
    assert effect.request.shorter and effect.request.style == leader.style
    post = Writer(coach.content.drafts).compose(effect.request)
    assert TAKE in post.linkedin and post.linkedin.rstrip().endswith("— Anne")
    assert "?" not in post.linkedin and "#" not in post.linkedin and "Firms spend" not in post.linkedin
    written = coach.handle(typed.leader, WHO, PostWritten(ref, post.linkedin, post.x), NOW, NEWS)
    # In the export, as stored; back from storage the same.
    exported = coach.handle(written.leader, WHO, Command("export"), NOW)
    data = json.loads(exported.replies[0].document.content)["leader"]
    assert data["style_examples"] == MINE and data["style"]["sign_off"] == "— Anne"
    assert leader_from_dict(leader_to_dict(written.leader)) == written.leader


def test_remove_clear_takes_and_bad_input(coach):
    leader = onboarded(coach)
    leader = coach.handle(leader, WHO, Command("style", MINE[0]), NOW).leader
    leader = coach.handle(leader, WHO, Command("style", MINE[1]), NOW).leader
    removed = coach.handle(leader, WHO, Command("style", "remove 1"), NOW).leader
    assert removed.style_examples == (MINE[1],)
    bad = coach.handle(removed, WHO, Command("style", "remove 7"), NOW)
    assert bad.leader == removed and "/style remove 1" in html_to_text(bad.replies[0].text)
    short = coach.handle(removed, WHO, Command("style", "Great post"), NOW)
    assert short.leader.style_examples == removed.style_examples and "does not look like a post" in \
        html_to_text(short.replies[0].text)
    none = coach.handle(removed, WHO, Command("style", "takes"), NOW)
    assert none.leader == removed and "not written a take" in html_to_text(none.replies[0].text)
    cleared = coach.handle(removed, WHO, Command("style", "clear"), NOW).leader
    assert cleared.style_examples == () and cleared.style == Style()
    # A command while the bot waits for a post ends the wait; the next text is not taken as a post.
    waiting = coach.handle(cleared, WHO, Command("style"), NOW).leader
    moved_on = coach.handle(waiting, WHO, Command("today"), NOW).leader
    assert not moved_on.style_waiting
    assert coach.handle(moved_on, WHO, Text(MINE[0]), NOW).leader.style_examples == ()


def test_edits_teach_the_length(coach):
    leader = onboarded(coach)
    two = [*NEWS, Item("Cloud prices: what startups should know", "https://news.example.org/2", "Cloud Weekly",
                       "Prices rose again. Startups renegotiate.", NOW - timedelta(hours=1), "en")]
    leader = coach.handle(leader, WHO, Command("suggest"), NOW, two).leader
    first, second = (offer.ref for offer in leader.offers[:2])
    leader = coach.handle(leader, WHO, Press(f"pd:{first}"), NOW, two).leader
    leader = coach.handle(leader, WHO, Press(f"ps:{first}"), NOW, two).leader
    leader = coach.handle(leader, WHO, Press(f"pf:{first}"), NOW, two).leader
    leader = coach.handle(leader, WHO, Press(f"ps:{first}"), NOW, two).leader
    assert (leader.style.shorter, leader.style.longer) == (2, 1) and not leader.style.prefers_short
    leader = coach.handle(leader, WHO, Press(f"pd:{second}"), NOW, two).leader
    leader = coach.handle(leader, WHO, Press(f"ps:{second}"), NOW, two).leader
    assert (leader.style.shorter, leader.style.longer) == (3, 1) and leader.style.prefers_short
    later = NOW + timedelta(days=1)
    fresh = [Item("Open source maintainers meet in Paris", "https://news.example.org/3", "Dev News",
                  "Maintainers met for two days. Funding was the main topic.", later - timedelta(hours=1), "en")]
    leader = coach.handle(leader, WHO, Command("suggest"), later, fresh).leader
    assert leader.offers[-1].shorter and "Funding" not in leader.offers[-1].post_linkedin  # the next start short


def test_a_model_gets_the_posts_as_style_examples_only_when_there_are_some():
    from bot.core.posts import PostRequest

    prompts = read_prompts(CONTENT_DIR)
    asked = PostRequest(title="T", link="https://example.com/a", source="S", take=TAKE, style_examples=tuple(MINE))
    sent = user_message(prompts["en"], asked)
    assert json.dumps(MINE, ensure_ascii=False) in sent and "style only, never facts" in sent
    assert "[]" in user_message(prompts["en"], PostRequest(title="T", link="https://example.com/a", source="S"))


def test_data_from_before_opens_with_nothing_learnt(coach):
    stored = leader_to_dict(onboarded(coach))
    for key in ("style", "style_examples", "style_waiting"):
        del stored[key]
    leader = leader_from_dict(stored)
    assert leader.style == Style() and leader.style_examples == () and not leader.style_waiting


def test_through_telegram_a_pasted_post_is_learnt_exported_and_deleted(tmp_path):
    from bot.adapters.storage import LeaderStore
    from tests.telegram_harness import Harness, run

    async def scenario():
        async with Harness(tmp_path / "data") as bot:
            await bot.onboard(5)
            await bot.send(5, "/style")
            assert "Paste one of your own posts" in bot.last(5).text
            await bot.send(5, MINE[0])  # several lines, as Telegram keeps them
            assert "— Anne" in bot.last(5).text
            stored = LeaderStore(tmp_path / "data").get(5)
            assert stored.style_examples == (MINE[0],) and stored.style.sign_off == "— Anne"
            await bot.send(5, "/export")
            document = bot.last(5).document
            assert json.loads(document[1])["leader"]["style_examples"] == [MINE[0]]
            await bot.send(5, "/delete")
            await bot.press(5, bot.button(5, "del:yes"))
            assert LeaderStore(tmp_path / "data").get(5) is None
            leftovers = " ".join(path.read_text(encoding="utf-8", errors="ignore")
                                 for path in (tmp_path / "data").rglob("*") if path.is_file())
            assert "night shift" not in leftovers and "Anne" not in leftovers

    run(scenario())
