"""Publishing on LinkedIn from the phone, through the real Application, the bot's real web server and a fake
LinkedIn on loopback: connect (OAuth with a single-use state), publish after seeing the post, LinkedIn's
refusals answered plainly with the post kept, tokens encrypted at rest and never logged, /delete and
/linkedin off removing them; without LinkedIn settings, the honest copy path."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

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
    service = bot.app.bot_data["frontend"].service
    service.news = lambda leader: []
    await bot.onboard(user)
    await bot.posting(user)  # a leader at the posting stage: the suggestions bring posts to write
    service.news = lambda leader: [ITEM]
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
                preview = bot.message_with(USER, yes)
                assert not fake.posts
                await bot.press(USER, yes)
                await bot.settle()
                shown_after = next(m for m in bot.api.messages(USER) if m.message_id == preview.message_id)
                assert shown_after.text == post.text and not buttons(shown_after)  # kept, its question answered
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
                assert any("1 post shared" in (m.text or m.caption or "") for m in bot.api.messages(USER)[-2:])
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


def leader_of(bot: Harness, user: int = USER):
    return bot.app.bot_data["frontend"].service.store.get(user)


@pytest.mark.parametrize(("mode", "said", "retry"), [
    ("expired", "no longer accepts the connection", False),
    ("revoked", "no longer accepts the connection", False),
    ("forbidden", "does not allow publishing", False),
    ("rate_limited", "asks to wait", True),
    ("duplicate", "as a duplicate", False),
    ("timeout", "did not answer in time", True),
])
def test_linkedins_refusals_are_answered_plainly_and_the_post_is_kept(tmp_path, mode, said, retry):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                post = await post_with_take(bot)
                await connect(bot, fake)
                if mode == "duplicate":  # the same text is already on the member's profile
                    fake.posts.append({"member": fake.member, "text": post.text, "urn": "urn:li:share:1"})
                elif mode == "timeout":
                    fake.holding = True
                    bot.app.bot_data["frontend"].publisher.client.timeout = 0.2  # held: it can only time out
                else:
                    fake.mode = mode
                await bot.press(USER, bot.button(USER, "lp:"), post.message_id)
                await bot.press(USER, bot.button(USER, "lpy:"))
                await bot.settle()
                answer = bot.last(USER)
                assert said in answer.text and "Published" not in answer.text
                datas = [b.get("callback_data", "") for b in buttons(answer)]
                assert any(d.startswith("lp:") for d in datas) == retry
                if mode in ("expired", "revoked", "forbidden"):
                    assert "lk:go" in datas  # connect again, in one tap
                leader = leader_of(bot)
                offer = leader.offers[0]
                assert offer.post_linkedin == post.text and offer.status == "offered" and not leader.posts
                assert leader.publishing.pending == () and leader.publishing.done == ()
                assert leader.publishing.connected(bot.now) == (mode in ("rate_limited", "duplicate", "timeout"))

    run(scenario())


def test_a_forged_replayed_or_expired_state_changes_nothing_and_says_so(tmp_path):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                await bot.onboard(USER)
                async with httpx.AsyncClient() as browser:
                    forged = await browser.get(f"{web(bot)}/linkedin/callback",
                                               params={"code": "stolen", "state": "made-up-state"})
                    assert forged.status_code == 400 and "not valid" in forged.text
                    assert not leader_of(bot).publishing.until
                    await bot.send(USER, "/linkedin")
                    await bot.settle()
                    url = next(b["url"] for b in buttons(bot.last(USER)) if "url" in b)
                    page = await browser.get(url)
                    back = dict(httpx.URL(page.headers["location"]).params)
                    first = await browser.get(f"{web(bot)}/linkedin/callback", params=back)
                    assert first.status_code == 200
                    until = leader_of(bot).publishing.until
                    replayed = await browser.get(f"{web(bot)}/linkedin/callback", params=back)
                    assert replayed.status_code == 400 and "already used" in replayed.text
                    assert leader_of(bot).publishing.until == until
                    # A state left for more than ten minutes is refused (connected already: /linkedin says until
                    # when, with a button to connect again).
                    await bot.send(USER, "/linkedin")
                    assert "connected until" in bot.last(USER).text
                    await bot.press(USER, "lk:go")
                    await bot.settle()
                    url = next(b["url"] for b in buttons(bot.last(USER)) if "url" in b)
                    back = dict(httpx.URL((await browser.get(url)).headers["location"]).params)
                    bot.now += timedelta(minutes=11)
                    late = await browser.get(f"{web(bot)}/linkedin/callback", params=back)
                    assert late.status_code == 400 and "expired" in late.text
                    assert back["code"] in fake.codes  # the code was never even exchanged

    run(scenario())


def test_a_sign_in_connects_the_telegram_user_who_asked_for_it_only(tmp_path):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                await bot.onboard(USER)
                await bot.onboard(OTHER)
                await bot.send(USER, "/linkedin")
                await bot.send(OTHER, "/linkedin")
                await bot.settle()
                others_link = next(b["url"] for b in buttons(bot.last(OTHER)) if "url" in b)
                fake.member = "OtherMember42"
                page = await follow_sign_in(bot, others_link)
                assert page.status_code == 200
                assert leader_of(bot, OTHER).publishing.until and not leader_of(bot, USER).publishing.until
                assert "LinkedIn is connected" in bot.last(OTHER).text
                assert "LinkedIn is connected" not in bot.last(USER).text
                vault = bot.app.bot_data["frontend"].publisher.vault
                assert vault.get(OTHER).member == "OtherMember42" and vault.get(USER) is None

    run(scenario())


def test_a_refused_sign_in_keeps_nothing_and_tells_the_leader(tmp_path):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                await bot.onboard(USER)
                fake.refuse = True
                page = await connect(bot, fake)
                assert page.status_code == 400 and "did not connect" in page.text
                assert "did not connect" in bot.last(USER).text and not leader_of(bot).publishing.until

    run(scenario())


def test_tokens_are_encrypted_at_rest_never_logged_and_gone_with_linkedin_off_and_delete(tmp_path):
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    keep = Keep(level=logging.DEBUG)
    keep.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(keep)
    root.setLevel(logging.DEBUG)

    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                post = await post_with_take(bot)
                await connect(bot, fake)
                (token,) = fake.tokens
                # Whatever a library might one day quote, the token and the client secret are scrubbed.
                logging.getLogger("tests.leak").warning("token %s and client_secret %s", token, fake.secret)
                data = tmp_path / "data"
                files = [p for p in data.rglob("*") if p.is_file()]
                assert any(p.suffix == ".token" for p in files)
                for path in files:
                    raw = path.read_bytes()
                    assert token.encode() not in raw and fake.secret.encode() not in raw, path
                    assert SECRET_KEY.encode() not in raw, path
                await bot.press(USER, bot.button(USER, "lp:"), post.message_id)
                await bot.press(USER, bot.button(USER, "lpy:"))
                await bot.settle()
                assert fake.posts and fake.posts[0]["headers"]["Authorization"] == f"Bearer {token}"
                fake.mode = "revoked"  # a failure logs LinkedIn's answer: still no token in it
                await bot.send(USER, "/linkedin off")
                await bot.settle()
                assert "disconnected" in bot.last(USER).text
                assert not list(data.rglob("*.token")) and not leader_of(bot).publishing.until
                # Connected again, then /delete: the token goes with the leader.
                await connect(bot, fake)
                assert list(data.rglob("*.token"))
                await bot.send(USER, "/linkedin")
                await bot.press(USER, "lk:go")  # a sign-in asked for and left pending
                await bot.settle()
                states = data / "linkedin" / "states.json"
                assert f'"user": {USER}' in states.read_text()
                await bot.send(USER, "/delete")
                await bot.press(USER, bot.button(USER, "del:yes"))
                assert not list(data.rglob("*.token"))
                assert f'"user": {USER}' not in states.read_text()
                return token, fake.secret, fake

    try:
        token, secret, fake = run(scenario())
    finally:
        root.removeHandler(keep)
        root.setLevel(level)
    assert records and any("publishing for leader" in r for r in records)
    assert any(r.startswith("tests.leak token [redacted]") for r in records)
    codes = [code for code in fake.codes]  # unused codes left (none), and every token ever given
    for line in records:
        assert token not in line and secret not in line and SECRET_KEY not in line, line
        assert all(t not in line for t in fake.tokens) and all(c not in line for c in codes), line


def test_a_connection_ending_soon_is_told_once_with_a_button_to_renew_it(tmp_path):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                await bot.onboard(USER)
                await connect(bot, fake)
                until = leader_of(bot).publishing.until
                bot.now = until - timedelta(days=6)
                bot.app.bot_data["frontend"].scheduler.schedule(USER, bot.now)
                await bot.run_job(USER)
                told = [m for m in bot.api.messages(USER) if "connection ends on" in m.text]
                assert len(told) == 1 and "lk:go" in [b.get("callback_data") for b in buttons(told[0])]
                bot.now += timedelta(hours=1)
                bot.app.bot_data["frontend"].scheduler.schedule(USER, bot.now)
                await bot.run_job(USER)
                assert len([m for m in bot.api.messages(USER) if "connection ends on" in m.text]) == 1

    run(scenario())


def test_without_linkedin_settings_the_post_comes_alone_and_the_buttons_say_what_they_open(tmp_path):
    async def scenario():
        async with harness(tmp_path, None) as bot:
            post = await post_with_take(bot)
            assert post.text.startswith(TAKE)
            leader = leader_of(bot)
            assert post.text == leader.offers[0].post_linkedin  # nothing else in the message: a long press copies it
            assert "press and hold it to copy" in bot.api.messages(USER)[-2].text
            labels = {b["text"]: b for b in buttons(post)}
            assert "linkedin.com/feed/?shareActive=true" in labels["Open LinkedIn ↗"]["url"]
            assert "x.com/intent/post" in labels["X ↗"]["url"] and "copy_text" in labels["📋 Copy for X"]
            assert not any(b.get("callback_data", "").startswith("lp:") for b in buttons(post))
            await bot.send(USER, "/linkedin")
            await bot.settle()
            assert "not set up on this bot" in bot.last(USER).text
            await bot.send(USER, "/help")
            assert "/linkedin" not in bot.last(USER).text
            menus = [c for c in bot.api.calls if c.method == "setMyCommands"]
            assert menus and all("linkedin" not in c.params["commands"] for c in menus)

    run(scenario())


def test_with_linkedin_the_menu_and_help_name_it(tmp_path):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                await bot.onboard(USER)
                await bot.send(USER, "/help")
                assert "/linkedin" in bot.last(USER).text
                menus = [c for c in bot.api.calls if c.method == "setMyCommands"]
                assert menus and all("linkedin" in c.params["commands"] for c in menus)

    run(scenario())


def test_healthz_answers_200_while_updates_come_and_storage_writes_503_otherwise(tmp_path):
    async def scenario():
        async with harness(tmp_path, None) as bot:
            async with httpx.AsyncClient() as client:
                before = await client.get(f"{web(bot)}/healthz")
                assert before.status_code == 503 and before.json() == {"receiving": False, "storage": True}
                await bot.app.bot.get_updates(timeout=0)  # a poll answered: updates are being received
                ok = await client.get(f"{web(bot)}/healthz")
                assert ok.status_code == 200 and ok.json() == {"receiving": True, "storage": True}
                blocker = tmp_path / "data" / "health"
                blocker.unlink()
                blocker.mkdir()  # the storage probe can no longer be written (even as root)
                broken = await client.get(f"{web(bot)}/healthz")
                assert broken.status_code == 503 and broken.json() == {"receiving": True, "storage": False}
                blocker.rmdir()
                assert (await client.get(f"{web(bot)}/healthz")).status_code == 200

    run(scenario())


def test_the_web_server_takes_extra_routes(tmp_path):
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from bot.app import build_application
    from bot.settings import Settings
    from tests.support.fake_bot_api import FakeBotApi, RecordingRequest

    async def metrics(request):  # noqa: ANN001, ANN202
        return PlainTextResponse("coachbot_up 1\n")

    async def scenario():
        api = FakeBotApi()
        settings = Settings(token=api.token, data_dir=tmp_path / "data", http_port=0, http_host="127.0.0.1")
        app = build_application(settings, request=RecordingRequest(api), feed_workers=0,
                                 extra_routes=[Route("/metrics", metrics)])
        await app.initialize()
        await app.post_init(app)
        try:
            async with httpx.AsyncClient() as client:
                answer = await client.get(f"http://127.0.0.1:{app.bot_data['web'].port}/metrics")
                assert answer.status_code == 200 and answer.text == "coachbot_up 1\n"
        finally:
            await app.post_shutdown(app)
            await app.shutdown()

    run(scenario())


async def until(condition, what: str) -> None:  # noqa: ANN001
    """Wait for something the bot does on its own (bounded in steps, not in seconds of work)."""
    for _ in range(3000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def test_webhook_mode_refuses_a_request_without_the_secret_and_handles_the_others_in_order(tmp_path):
    from bot.app import build_application, serve_webhook, webhook_secret
    from bot.settings import Settings
    from tests.conftest import CONTENT_DIR, FEEDS
    from tests.support.fake_bot_api import FakeBotApi, RecordingRequest

    async def scenario():
        api = FakeBotApi()
        data = tmp_path / "data"
        settings = Settings(token=api.token, data_dir=data, content_dir=CONTENT_DIR, feeds_path=FEEDS, http_port=0,
                            http_host="127.0.0.1", public_url="https://coach.example.com", webhook=True)
        app = build_application(settings, request=RecordingRequest(api), feed_workers=0, overall_per_second=10_000,
                                per_chat_per_second=10_000)
        stop = asyncio.Event()
        serving = asyncio.create_task(serve_webhook(app, settings, stop))
        await until(lambda: api.webhook is not None, "setWebhook")
        assert api.webhook["url"] == "https://coach.example.com/telegram" and api.webhook["max_connections"] == 1
        secret = api.webhook["secret_token"]
        assert secret == webhook_secret(settings) and api.token not in secret
        address = f"http://127.0.0.1:{app.bot_data['web'].port}/telegram"
        start, help_ = api.user_sends(USER, "/start"), api.user_sends(USER, "/help")
        async with httpx.AsyncClient() as telegram:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                refused = await telegram.post(address, json=start, headers=headers)
                assert refused.status_code == 403
            assert not api.messages(USER) and not list((data / "inbox").iterdir())
            signed = {"X-Telegram-Bot-Api-Secret-Token": secret}
            # Storage that cannot keep the update: not acknowledged, so Telegram sends it again later.
            (data / "inbox").rmdir()
            (data / "inbox").write_text("not a folder")
            assert (await telegram.post(address, json=start, headers=signed)).status_code == 503
            (data / "inbox").unlink()
            for update in (start, help_, start):  # the first one again, as Telegram resends what it doubts
                assert (await telegram.post(address, json=update, headers=signed)).status_code == 200
            await until(lambda: len(api.messages(USER)) >= 2 and not list((data / "inbox").glob("*.json")),
                        "both updates handled")
            health = await telegram.get(address.replace("/telegram", "/healthz"))
            assert health.status_code == 200
        texts = [m.text for m in api.messages(USER)]
        welcome = next(i for i, t in enumerate(texts) if "language" in t.lower())
        helped = next(i for i, t in enumerate(texts) if "/today" in t)
        assert welcome < helped and sum("/today" in t for t in texts) == 1  # in order, and once each
        stop.set()
        await serving

    run(scenario())


def test_the_publish_buttons_go_through_the_one_codec_and_forged_data_changes_nothing():
    from bot.core.actions import UNKNOWN, ConfirmPublish, Connect, Publish, decode, encode

    for action in (Publish("0a1b2c3d"), ConfirmPublish("0a1b2c3d", True), ConfirmPublish("0a1b2c3d", False),
                   Connect()):
        assert decode(encode(action)) == action and len(encode(action).encode()) <= 64
    for forged in ("lp:", "lp:zzzzzzzz", "lpy:0a1b2c3d0", "lk:now", "lpn:../../x"):
        assert decode(forged) is UNKNOWN


def test_the_publishing_state_is_stored_and_read_back_and_older_files_open():
    from bot.core.codec import leader_from_dict, leader_to_dict
    from bot.core.model import Leader, Publishing

    leader = Leader(1, 1, publishing=Publishing(until=NOW, warned=True, pending=(("0a1b2c3d", NOW),),
                                                done=(("0a1b2c3e", "https://www.linkedin.com/feed/update/x/"),)))
    assert leader_from_dict(leader_to_dict(leader)) == leader
    older = leader_to_dict(Leader(2, 2))
    del older["publishing"]
    assert leader_from_dict(older).publishing == Publishing()


def test_coachbot_run_serves_healthz_200_while_polling_and_stops_cleanly(tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.support.fake_bot_api import FakeBotApi, FakeBotApiServer

    with socket.socket() as probe:  # a free port for the bot
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = FakeBotApi()
    with FakeBotApiServer(api) as server:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TELEGRAM_BOT_TOKEN": api.token,
               "TELEGRAM_API_URL": server.base_url, "COACHBOT_DATA_DIR": str(tmp_path / "data"),
               "COACHBOT_HTTP_PORT": str(port), "COACHBOT_HTTP_HOST": "127.0.0.1"}
        log = (tmp_path / "bot.log").open("ab")
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            api.user_sends(USER, "/start")  # an update polled and answered: updates are being received
            api.wait_for(lambda a: len(a.messages(USER)) >= 1, timeout=30)
            answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
            assert answer.status_code == 200 and answer.json() == {"receiving": True, "storage": True}
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=30) == 0
        finally:
            if bot.poll() is None:
                bot.kill()
            log.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)


def test_linkedin_settings_are_all_or_nothing_and_their_errors_name_no_secret():
    from bot.settings import Settings, SettingsError

    base = {"TELEGRAM_BOT_TOKEN": "1:x"}
    linkedin = {"COACHBOT_LINKEDIN_CLIENT_ID": "id", "COACHBOT_LINKEDIN_SECRET": "shh-client-secret-123"}
    with pytest.raises(SettingsError, match="COACHBOT_PUBLIC_URL") as missing:
        Settings.from_env({**base, **linkedin}, dotenv=None)
    assert "shh-client-secret-123" not in str(missing.value)
    with pytest.raises(SettingsError, match="COACHBOT_SECRET_KEY"):
        Settings.from_env({**base, **linkedin, "COACHBOT_PUBLIC_URL": "https://coach.example.com"}, dotenv=None)
    with pytest.raises(SettingsError, match="COACHBOT_PUBLIC_URL"):
        Settings.from_env({**base, "COACHBOT_WEBHOOK": "yes"}, dotenv=None)
    ready = Settings.from_env({**base, **linkedin, "COACHBOT_PUBLIC_URL": "https://coach.example.com/",
                               "COACHBOT_SECRET_KEY": SECRET_KEY}, dotenv=None)
    assert ready.linkedin_configured and ready.web_port == 8080 and ready.public_url == "https://coach.example.com"
    assert "shh-client-secret-123" in ready.secrets and SECRET_KEY in ready.secrets
    assert "shh" not in repr(ready) and SECRET_KEY not in repr(ready)
    plain = Settings.from_env(base, dotenv=None)
    assert not plain.linkedin_configured and plain.web_port is None


def test_the_warning_comes_a_week_before_in_daytime_even_with_lessons_off(tmp_path):
    async def scenario():
        with FakeLinkedIn() as fake:
            async with harness(tmp_path, fake) as bot:
                await bot.onboard(USER)
                await bot.send(USER, "/schedule off")
                assert bot.when(USER) is None  # nothing scheduled for this leader
                await connect(bot, fake)
                until = leader_of(bot).publishing.until
                assert until == bot.now + timedelta(days=60)
                # A week before is 07:00 in Paris: the warning waits for 10:00 there (09:00 UTC in winter).
                assert bot.when(USER) == utc(2027, 1, 15, 9, 0)
                bot.now = utc(2027, 1, 15, 9, 0)
                await bot.run_job(USER)
                told = bot.last(USER)
                assert "connection ends on" in told.text and "22 January" in told.text
                assert "lk:go" in [b.get("callback_data") for b in buttons(told)]
                assert bot.when(USER) is None

    run(scenario())
