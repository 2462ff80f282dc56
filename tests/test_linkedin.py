"""Publishing on LinkedIn from the phone, through the real Application, the bot's real web server and a fake
LinkedIn on loopback: connect (OAuth with a single-use state), publish after seeing the post, LinkedIn's
refusals answered plainly with the post kept, tokens encrypted at rest and never logged, /delete and
/linkedin off removing them; without LinkedIn settings, the honest copy path."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from bot.adapters.linkedin import escape_little_text
from bot.core.news import Item
from tests.conftest import utc
from tests.support.fake_linkedin import FakeLinkedIn, read_little_text
from tests.telegram_harness import Harness, run

USER = 7
OTHER = 8
SECRET_KEY = "a passphrase only the operator knows, 2026"
NOW = utc(2026, 11, 23, 6, 0)
ITEM = Item("Factories share their energy with cloud software and automation", "https://news.example.org/energy?id=4",
            "Industry Weekly", "Three plants in Lyon pool their heat. The bill fell by a third.",
            NOW - timedelta(hours=2), "en")
TAKE = "We tried this (twice) in Lyon @ our plant: *it works*, but count a year_not a quarter. [Really] {sure} <ok> | ~"


def harness(tmp_path: Path, fake: FakeLinkedIn | None, **more: object) -> Harness:
    settings: dict[str, object] = {"http_port": 0, "http_host": "127.0.0.1"}
    if fake is not None:
        settings.update(public_url="https://coach.example.com", linkedin_client_id=fake.client_id,
                        linkedin_secret=fake.secret, secret_key=SECRET_KEY, linkedin_oauth_url=fake.oauth_url,
                        linkedin_api_url=fake.base)
        fake.redirect_uris.add("https://coach.example.com/linkedin/callback")
    settings.update(more)
    return Harness(tmp_path / "data", **settings)  # type: ignore[arg-type]


def web(bot: Harness) -> str:
    return f"http://127.0.0.1:{bot.app.bot_data['web'].port}"


def buttons(message) -> list[dict]:
    return [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


async def post_with_take(bot: Harness, user: int = USER, take: str = TAKE):
    """From a suggestion: ✍️ My take, the take typed, the post written; the post message."""
    bot.app.bot_data["frontend"].service.news = lambda leader: [ITEM]
    await bot.onboard(user)
    await bot.send(user, "/suggest")
    await bot.press(user, bot.button(user, "pt:"))
    await bot.send(user, take)
    await bot.settle()
    return bot.last(user)


async def connect(bot: Harness, fake: FakeLinkedIn, user: int = USER) -> httpx.Response:
    """/linkedin, then the member signs in on (fake) LinkedIn, which sends the browser to the bot's callback."""
    await bot.send(user, "/linkedin")
    await bot.settle()
    url = next(b["url"] for b in buttons(bot.last(user)) if "url" in b)
    return await follow_sign_in(bot, url)


async def follow_sign_in(bot: Harness, url: str) -> httpx.Response:
    async with httpx.AsyncClient() as browser:
        page = await browser.get(url)
        assert page.status_code == 302, page.text
        back = httpx.URL(page.headers["location"])
        assert str(back).startswith("https://coach.example.com/linkedin/callback?")
        return await browser.get(f"{web(bot)}/linkedin/callback", params=dict(back.params))


def test_escaping_survives_linkedins_little_text_reading():
    text = "Costs (and risks) @ scale: *not* [yet] {x} <y> a|b ~c d_e \\ f — see https://ex.org/a_(b)?q=1 #Energy"
    assert read_little_text(escape_little_text(text)) == text
    assert read_little_text(text) != text  # unescaped, LinkedIn cuts it: the fake is faithful enough to fail


def test_from_a_take_to_a_published_post_that_the_habit_counts(tmp_path):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                post = await post_with_take(bot)
                assert post.text.startswith(TAKE)  # the post alone in its message, the take first
                publish = next(b for b in buttons(post) if b.get("callback_data", "").startswith("lp:"))
                assert "Publish on LinkedIn" in publish["text"]
                # Not connected yet: 🚀 asks to connect first.
                await bot.press(USER, publish["callback_data"], post.message_id)
                assert "connect your LinkedIn account first" in bot.last(USER).text
                page = await connect(bot, fake)
                assert page.status_code == 200 and "LinkedIn is connected" in page.text
                assert "LinkedIn is connected" in bot.last(USER).text
                # 🚀: exactly what will go out, and one more question.
                await bot.press(USER, publish["callback_data"], post.message_id)
                shown = bot.last(USER)
                assert shown.text == post.text  # the post exactly as it will be published
                assert "exactly what will be published" in bot.api.messages(USER)[-2].text
                yes = bot.button(USER, "lpy:")
                assert not fake.posts
                await bot.press(USER, yes)
                await bot.settle()
                (sent,) = fake.posts
                assert sent["text"] == post.text  # the take word for word, the link, the hashtags: intact
                assert ITEM.link in sent["text"] and TAKE in sent["text"] and "\n#" in sent["text"]
                assert sent["body"]["visibility"] == "PUBLIC"
                assert sent["body"]["author"] == f"urn:li:person:{fake.member}"
                assert sent["headers"]["X-Restli-Protocol-Version"] == "2.0.0"
                assert sent["headers"]["LinkedIn-Version"] == "202510"
                done = bot.last(USER)
                assert "Published on LinkedIn" in done.text and sent["urn"] in done.text
                await bot.send(USER, "/stats")
                leader = bot.app.bot_data["frontend"].service.store.get(USER)
                assert len(leader.posts) == 1 and leader.offers[0].status == "posted"

    run(scenario())


def toasts(bot: Harness) -> list[str]:
    return [call.params.get("text", "") for call in bot.api.calls if call.method == "answerCallbackQuery"]


def test_a_double_tap_publishes_once(tmp_path):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                post = await post_with_take(bot)
                await connect(bot, fake)
                await bot.press(USER, bot.button(USER, "lp:"), post.message_id)
                yes = bot.button(USER, "lpy:")
                question = bot.message_with(USER, yes)
                fake.holding = True  # the first publication is still on its way when the second tap comes
                first = bot.api.user_presses(USER, question.message_id, yes)
                second = bot.api.user_presses(USER, question.message_id, yes)
                await bot.feed(first)
                await bot.feed(second)
                assert "on its way" in toasts(bot)[-1]
                fake.release()
                await bot.settle()
                assert len(fake.posts) == 1 and "Published" in bot.last(USER).text
                # Later, the same tap again: already published, nothing sent.
                await bot.feed(bot.api.user_presses(USER, post.message_id, bot.button(USER, "lp:")))
                assert "already on LinkedIn" in bot.last(USER).text and len(fake.posts) == 1

    run(scenario())
