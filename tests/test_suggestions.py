"""Suggested posts as a leader meets them: each morning and on /suggest, with share links, a text to copy, and
"Posted", "Not relevant", "Another"; interests and own feeds; all against feeds served from local files."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from bot.adapters.storage import LeaderStore
from bot.core.events import Command, FeedProbed, PostWritten, Press, Text, Upload, Who
from bot.core.markup import MAX_MESSAGE, html_problems, html_to_text
from bot.core.news import Item
from bot.core.opml import write_opml
from bot.core.replies import ProbeFeed
from bot.writing import Writer
from tests.conftest import utc
from tests.support.feed_server import FeedServer
from tests.support.rendered import RenderedCoach as Coach
from tests.telegram_harness import Harness, run

NOW = utc(2026, 11, 23, 6, 0)
WHO = Who(11, 11, "en")


def item(n: int, title: str, source: str = "Wire", hours: int = 2, summary: str = "") -> Item:
    return Item(
        title,
        f"https://news.example.org/{n}?utm_source=rss",
        source,
        summary or f"{title}. More.",
        NOW - timedelta(hours=hours),
        "en",
    )


NEWS = [
    item(1, "AI reshapes how software teams work", "Tech Daily"),
    item(2, "Cybersecurity budgets rise again", "Security Wire"),
    item(3, "Cloud prices: what startups should know", "Cloud Weekly"),
    item(4, "A startup raises a funding round for AI agents", "Tech Daily", hours=5),
    item(5, "<script>alert('x')</script> & <b>bold</b> claims", "Hostile Feed", hours=1),
    item(6, "Open source maintainers meet in Paris", "Dev News", hours=30),
]


def onboarded(coach: Coach):
    leader = coach.handle(None, WHO, Command("start"), NOW).leader
    # A leader who posts now and then, and chose posts from today: the mornings bring posts to write.
    for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology", "stand:poster",
                 "stage:post"):
        leader = coach.handle(leader, WHO, Press(data), NOW).leader
    return leader


def buttons(reply) -> list:
    return [b for row in reply.buttons for b in row]


def test_suggest_shows_each_headline_once_with_four_buttons_and_the_draft_one_tap_away(coach):
    outcome = coach.handle(onboarded(coach), WHO, Command("suggest"), NOW, NEWS)
    (reply,) = outcome.replies
    assert html_problems(reply.text) == [] and len(html_to_text(reply.text)) <= MAX_MESSAGE
    assert "<script>" not in reply.text
    offers = outcome.leader.offers
    assert len(offers) == 3 and len({o.source for o in offers}) == 3
    shown = html_to_text(reply.text)
    for offer in offers:
        assert offer.link in reply.text.replace("&amp;", "&")
        assert shown.count(offer.title) == 1  # the headline once
        assert offer.post_linkedin and offer.link in offer.post_linkedin  # the draft is ready, one tap away
    assert "add your view" in shown and "as it is" not in shown
    assert [len(row) for row in reply.buttons] == [4, 4, 4]
    data = [b.data for b in buttons(reply)]
    assert all(d and len(d.encode()) <= 64 for d in data)
    assert set(outcome.leader.taste.seen) >= {o.key for o in offers}
    draft = coach.handle(outcome.leader, WHO, Press(f"pd:{offers[0].ref}"), NOW, NEWS)
    (intro, post) = draft.replies  # a line that says what it is, then the post alone in its message
    assert offers[0].title in html_to_text(intro.text) and not intro.buttons
    assert html_to_text(post.text) == offers[0].post_linkedin and offers[0].link in html_to_text(post.text)
    linkedin = next(b.url for b in buttons(post) if b.url and "linkedin.com" in b.url)
    assert linkedin.startswith("https://www.linkedin.com/feed/?shareActive=true&text=")
    assert parse_qs(urlsplit(linkedin).query)["text"] == [offers[0].post_linkedin]
    x = next(b.url for b in buttons(post) if b.url and "x.com" in b.url)
    assert parse_qs(urlsplit(x).query)["text"] == [offers[0].post_x]
    assert [b.copy for b in buttons(post) if b.copy] == [offers[0].post_x]


def test_a_take_becomes_the_post_word_for_word(coach):
    leader = coach.handle(onboarded(coach), WHO, Command("suggest"), NOW, NEWS).leader
    offer = leader.offers[0]
    asked = coach.handle(leader, WHO, Press(f"pt:{offer.ref}"), NOW, NEWS)
    assert offer.title in html_to_text(asked.replies[0].text) and asked.leader.take_for == offer.ref
    take = "Our plant did this in 2019 & it halved downtime: the hard part was the <people>, not the tech."
    typed = coach.handle(asked.leader, WHO, Text(take), NOW, NEWS)
    (effect,) = typed.raw.effects
    assert effect.request.take == take and effect.request.link == offer.link
    assert typed.leader.take_for is None and typed.leader.offers[0].take == take
    post = Writer(coach.content.drafts).compose(effect.request)
    shown = coach.handle(typed.leader, WHO, PostWritten(offer.ref, post.linkedin, post.x), NOW, NEWS)
    (_, reply) = shown.replies
    assert post.linkedin.startswith(take) and take in html_to_text(reply.text)
    assert "&lt;people&gt;" in reply.text and "&amp;" in reply.text  # the leader's words are shown, never markup
    linkedin = next(b.url for b in buttons(reply) if b.url and "linkedin.com" in b.url)
    assert take in parse_qs(urlsplit(linkedin).query)["text"][0]
    shorter = coach.handle(shown.leader, WHO, Press(f"ps:{offer.ref}"), NOW, NEWS)
    assert shorter.raw.effects[0].request.shorter and shorter.raw.effects[0].request.take == take


def test_a_take_too_long_or_a_command_instead_changes_nothing(coach):
    leader = coach.handle(onboarded(coach), WHO, Command("suggest"), NOW, NEWS).leader
    asked = coach.handle(leader, WHO, Press(f"pt:{leader.offers[0].ref}"), NOW, NEWS).leader
    long = coach.handle(asked, WHO, Text("word " * 200), NOW, NEWS)
    assert long.leader == asked and long.raw.effects == () and "at most" in html_to_text(long.replies[0].text)
    moved_on = coach.handle(asked, WHO, Command("stats"), NOW, NEWS).leader
    assert moved_on.take_for is None


def test_posted_counts_as_an_action_and_raises_the_source(coach):
    leader = coach.handle(onboarded(coach), WHO, Command("suggest"), NOW, NEWS).leader
    offer = leader.offers[0]
    outcome = coach.handle(leader, WHO, Press(f"sp:{offer.ref}"), NOW, NEWS)
    after = outcome.leader
    (edited,) = outcome.replies  # the post message keeps the post alone; its "I posted it" goes
    assert edited.edit and outcome.toast and html_to_text(edited.text) == offer.post_linkedin
    assert not any(b.data and b.data.startswith("sp:") for b in buttons(edited))
    assert after.offers[0].status == "posted"
    assert after.actions_on(after.posts[0].local_date) == 1
    assert after.taste.sources[offer.source] > 0
    again = coach.handle(after, WHO, Press(f"sp:{offer.ref}"), NOW, NEWS)
    assert len(again.leader.posts) == 1 and again.replies == ()


def test_not_relevant_lowers_the_source_and_another_brings_a_new_story(coach):
    leader = coach.handle(onboarded(coach), WHO, Command("suggest"), NOW, NEWS).leader
    first = leader.offers[0]
    dismissed = coach.handle(leader, WHO, Press(f"sn:{first.ref}"), NOW, NEWS).leader
    assert dismissed.taste.sources[first.source] < 0
    another = coach.handle(dismissed, WHO, Press(f"sa:{first.ref}"), NOW, NEWS)
    shown = [o for o in another.leader.offers if o.status != "replaced"]
    assert len(shown) == 3 and first.key not in {o.key for o in shown}
    assert another.replies[0].edit
    # Nothing already suggested comes back on the next /suggest.
    later = coach.handle(another.leader, WHO, Command("suggest"), NOW, NEWS)
    keys = [o.key for o in later.leader.offers]
    assert len(keys) == len(set(keys))


def test_forged_or_stale_suggestion_buttons_change_nothing(coach):
    leader = coach.handle(onboarded(coach), WHO, Command("suggest"), NOW, NEWS).leader
    for data in ("sp:deadbeef", "sn:", "sa:" + "x" * 60):
        outcome = coach.handle(leader, WHO, Press(data), NOW, NEWS)
        assert outcome.leader == leader and outcome.replies == ()


def test_the_morning_brings_suggestions_after_the_lesson_as_many_as_set(coach):
    leader = onboarded(coach)
    morning = coach.wake(leader, utc(2026, 11, 23, 7, 0), NEWS)
    assert len(morning.replies) == 2 and len(morning.leader.offers) == 3
    fewer = coach.handle(leader, WHO, Press("sugg:1"), NOW).leader
    assert len(coach.wake(fewer, utc(2026, 11, 23, 7, 0), NEWS).leader.offers) == 1
    none = coach.handle(leader, WHO, Press("sugg:0"), NOW).leader
    assert len(coach.wake(none, utc(2026, 11, 23, 7, 0), NEWS).replies) == 1


def test_no_news_gets_a_clear_answer(coach):
    outcome = coach.handle(onboarded(coach), WHO, Command("suggest"), NOW, [])
    assert "feeds have not been read yet" in html_to_text(outcome.replies[0].text)


def test_interests_weigh_in_the_choice(coach):
    leader = coach.handle(onboarded(coach), WHO, Command("interests", "add Paris, maintainers"), NOW).leader
    assert leader.taste.interests == ("Paris", "maintainers")
    top = coach.handle(leader, WHO, Command("suggest"), NOW, NEWS).leader.offers[0]
    assert "Paris" in top.title
    removed = coach.handle(leader, WHO, Command("interests", "remove paris"), NOW).leader
    assert removed.taste.interests == ("maintainers",)
    bad = coach.handle(leader, WHO, Command("interests", "add " + "x" * 60), NOW)
    assert bad.leader == leader


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://127.0.0.1/feed", "private"),
        ("http://localhost:8080/rss", "private"),
        ("ftp://example.org/rss", "public http"),
        ("javascript:alert(1)", "public http"),
    ],
)
def test_own_feeds_that_point_inside_are_refused(coach, url, key):
    leader = onboarded(coach)
    outcome = coach.handle(leader, WHO, Command("feeds", f"add {url}"), NOW)
    assert outcome.leader == leader and key in html_to_text(outcome.replies[0].text)


def test_own_feeds_are_added_listed_removed_exported_and_imported(coach):
    asked = coach.handle(onboarded(coach), WHO, Command("feeds", "add https://blog.example.org/feed"), NOW)
    assert asked.leader.own_feeds == () and asked.raw.effects == (ProbeFeed("https://blog.example.org/feed"),)
    assert "Reading blog.example.org" in html_to_text(asked.replies[0].text)
    leader = coach.handle(asked.leader, WHO, FeedProbed("https://blog.example.org/feed"), NOW).leader
    assert [f.url for f in leader.own_feeds] == ["https://blog.example.org/feed"]
    listing = html_to_text(coach.handle(leader, WHO, Command("feeds"), NOW).replies[0].text)
    assert "1. blog.example.org" in listing and "TechCrunch" in listing
    exported = coach.handle(leader, WHO, Command("feeds", "export"), NOW).replies[0].document
    assert b"https://blog.example.org/feed" in exported.content and b"techcrunch" in exported.content.lower()
    opml = write_opml(
        [
            ("https://a.example.org/rss", "A"),
            ("http://10.0.0.1/rss", "Inside"),
            ("https://blog.example.org/feed", "dup"),
        ],
        "mine",
    )
    imported = coach.handle(leader, WHO, Upload("feeds.opml", opml), NOW)
    assert [f.url for f in imported.leader.own_feeds][-1] == "https://a.example.org/rss"
    assert "Imported one feed. One was refused" in html_to_text(imported.replies[0].text)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body/></opml>'
    refused = coach.handle(leader, WHO, Upload("bomb.opml", bomb), NOW)
    assert refused.leader == leader
    removed = coach.handle(leader, WHO, Command("feeds", "remove 1"), NOW).leader
    assert removed.own_feeds == ()


def local_feeds(tmp_path, server: FeedServer):
    """A feeds file whose technology sector reads the local golden feeds."""
    data = {
        "sectors": [
            {
                "id": "technology",
                "label": {"en": "Technology", "fr": "Technologie"},
                "keywords": {"en": ["LinkedIn", "supply chain", "AI"], "fr": ["IA"]},
                "feeds": [
                    {"url": server.url("feeds/rss2.xml"), "name": "Example Business Daily", "lang": "en"},
                    {"url": server.url("feeds/atom.xml"), "name": "Atom Weekly", "lang": "en"},
                    {"url": server.url("feeds/hostile.xml"), "name": "Hostile", "lang": "en"},
                ],
            }
        ]
    }
    path = tmp_path / "feeds.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_through_telegram_feeds_read_suggest_and_every_button(tmp_path):
    async def scenario():
        with FeedServer() as server:
            async with Harness(tmp_path / "data", feeds_path=local_feeds(tmp_path, server)) as bot:
                await bot.onboard(7)
                await bot.posting(7)
                reports = await bot.desk.refresh(bot.now)
                assert {r.status for r in reports} == {"ok"}, [(r.name, r.error) for r in reports]
                await bot.send(7, "/suggest")
                message = bot.last(7)
                assert "Worth discussing today" in message.text and "<script>" not in message.text
                rows = message.reply_markup["inline_keyboard"]
                assert all(len(row) <= 4 for row in rows)
                datas = [b["callback_data"] for row in rows for b in row]
                # The draft, one tap away, with its ways to share.
                await bot.press(7, next(d for d in datas if d.startswith("pd:")), message.message_id)
                post = bot.last(7)
                flat = [b for row in post.reply_markup["inline_keyboard"] for b in row]
                assert any("linkedin.com/feed/?shareActive=true&text=" in b.get("url", "") for b in flat)
                assert any("x.com/intent" in b.get("url", "") for b in flat)
                assert any("copy_text" in b for b in flat)
                posted = next(b["callback_data"] for b in flat if b.get("callback_data", "").startswith("sp:"))
                await bot.press(7, posted, post.message_id)
                after = bot.last(7)
                assert after.edits == 1 and after.text == post.text
                assert not any(b.get("callback_data", "").startswith("sp:")
                               for row in after.reply_markup["inline_keyboard"] for b in row)
                irrelevant = next(d for d in datas if d.startswith("sn:") and d[3:] != posted[3:])
                await bot.press(7, irrelevant, message.message_id)
                another = next(d for d in datas if d.startswith("sa:") and d[3:] == irrelevant[3:])
                await bot.press(7, another, message.message_id)
                assert all(c.ok for c in bot.api.calls if c.method != "getUpdates")
                stored = LeaderStore(tmp_path / "data").get(7)
                assert len(stored.posts) == 1
                assert [c for c in bot.api.calls_to("answerCallbackQuery")][-1].ok
                # The feeds were read once: nothing is fetched when a leader asks.
                assert len(server.requests_to("/feeds/rss2.xml")) == 1
                await bot.send(7, "/stats")
                assert "1 post shared" in bot.api.messages(7)[-2].text

    run(scenario())


def test_through_telegram_a_take_becomes_a_post_whose_linkedin_button_carries_it(tmp_path):
    async def scenario():
        with FeedServer() as server:
            async with Harness(tmp_path / "data", feeds_path=local_feeds(tmp_path, server)) as bot:
                await bot.onboard(8)
                await bot.posting(8)
                await bot.desk.refresh(bot.now)
                await bot.send(8, "/suggest")
                take_button = bot.button(8, "pt:")
                await bot.press(8, take_button)
                assert "in your own words" in bot.last(8).text
                take = "We tried this in our plants last year: it worked because the teams chose the tools."
                await bot.send(8, take)
                assert any("Writing your post" in m.text for m in bot.api.messages(8))
                await bot.settle()
                post = bot.last(8)
                assert take in post.text
                link = next(o.link for o in LeaderStore(tmp_path / "data").get(8).offers if o.take == take)
                assert link in post.text
                flat = [b for row in post.reply_markup["inline_keyboard"] for b in row]
                linkedin = next(b["url"] for b in flat if "linkedin.com" in b.get("url", ""))
                assert take in parse_qs(urlsplit(linkedin).query)["text"][0]

    run(scenario())


def test_an_opml_file_sent_in_telegram_is_imported(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(8)
            await bot.posting(8)
            opml = write_opml([("https://a.example.org/rss", "A blog")], "mine")
            await bot.feed(bot.api.user_sends_document(8, "feeds.opml", opml))
            assert bot.last(8).text == "Imported one feed."
            assert [f.name for f in LeaderStore(tmp_path).get(8).own_feeds] == ["A blog"]

    run(scenario())


def test_export_includes_suggestion_data(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(9)
            await bot.posting(9)
            await bot.send(9, "/interests add AI")
            await bot.send(9, "/export")
            exported = json.loads(bot.last(9).document[1])["leader"]
            assert exported["taste"]["interests"] == ["AI"]

    run(scenario())


def test_through_telegram_with_a_model_the_post_comes_from_it_and_a_failing_model_costs_nothing(tmp_path):
    from tests.support.llm_server import LLMServer

    take = "We tried this in our plants last year: it worked because the teams chose the tools."

    async def scenario(server: LLMServer):
        with FeedServer() as feeds:
            async with Harness(tmp_path / "data", feeds_path=local_feeds(tmp_path, feeds), llm_url=server.url,
                               llm_model="small-model") as bot:
                await bot.onboard(9)
                await bot.posting(9)
                await bot.desk.refresh(bot.now)
                await bot.send(9, "/suggest")
                stored = LeaderStore(tmp_path / "data").get(9).offers
                pressed = bot.button(9, "pt:")
                offer = next(o for o in stored if o.ref == pressed[3:])
                server.answer = {
                    "linkedin": f"{take}\n\nWhy it matters for every plant manager this year.\n\n{offer.link}",
                    "x": f"{take} {offer.link}",
                }
                await bot.press(9, pressed)
                await bot.send(9, take)
                await bot.settle()
                first = bot.last(9).text
                server.mode = "error"
                await bot.press(9, bot.button(9, "pa:"))  # another angle, and the model fails this time
                await bot.settle()
                return first, bot.last(9).text, offer.link, len(server.requests)

    server = LLMServer().start()
    try:
        first, second, link, calls = run(scenario(server))
    finally:
        server.stop()
    assert "Why it matters for every plant manager this year." in first and take in first  # the model's post
    assert calls >= 2 and take in second and link in second  # the composer's, and no error shown
    assert "went wrong" not in second and "Why it matters" not in second
