"""Who can see what: strangers are refused without a trace, a leader only ever reaches their own data, the
export holds everything stored, and /delete leaves nothing behind."""

from __future__ import annotations

import json
import stat

from tests.telegram_harness import Harness, run

ANN, BOB, STRANGER = 4_815_162_342, 2_718_281_828, 3_141_592_653


def files_mentioning(root, text: str) -> list[str]:
    return [p.name for p in root.rglob("*") if p.is_file() and text in p.read_bytes().decode("utf-8", "replace")]


def test_strangers_commands_and_presses_are_refused_and_leave_no_trace(tmp_path):
    async def scenario():
        async with Harness(tmp_path, allowed_users=frozenset({ANN})) as bot:
            await bot.onboard(ANN)
            for line in ("/start", "/today", "/export", "/delete", "hello"):
                await bot.send(STRANGER, line)
            await bot.feed(bot.api.user_sends_sticker(STRANGER))
            refusals = bot.api.messages(STRANGER)
            assert len(refusals) == 6 and all("private" in m.text for m in refusals)
            assert files_mentioning(tmp_path, str(STRANGER)) == []

    run(scenario())


def test_a_leader_only_ever_sees_their_own_data(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.onboard(BOB)
            await bot.send(BOB, "/remind fri 17:00 Bob's private note")
            await bot.send(ANN, "/export")
            export = bot.last(ANN).document[1].decode()
            assert str(BOB) not in export and "Bob's private note" not in export
            assert all(str(ANN) not in m.html for m in bot.api.messages(BOB))

    run(scenario())


def test_export_holds_everything_stored_about_the_leader(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/today")
            await bot.press(ANN, "done:welcome")
            await bot.send(ANN, "/remind fri 17:00 Share the week's best read")
            await bot.send(ANN, "/pause 3")
            await bot.send(ANN, "/export")
            exported = json.loads(bot.last(ANN).document[1])["leader"]
            stored = json.loads((tmp_path / "leaders" / f"{ANN}.json").read_text())["leader"]["1"]
            assert exported == stored
            assert files_mentioning(tmp_path, str(ANN)) == [f"{ANN}.json"]

    run(scenario())


def test_delete_removes_everything_about_the_leader(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.onboard(BOB)
            await bot.send(ANN, "/today")
            await bot.press(ANN, "done:welcome")
            await bot.send(ANN, "/delete")
            await bot.press(ANN, bot.button(ANN, "del:yes"))
            assert files_mentioning(tmp_path, str(ANN)) == []
            assert files_mentioning(tmp_path, str(BOB)) == [f"{BOB}.json"]
            assert bot.jobs(ANN) == []

    run(scenario())


def test_data_files_are_readable_by_the_owner_only(tmp_path):
    async def scenario():
        async with Harness(tmp_path / "data") as bot:
            await bot.onboard(ANN)
    run(scenario())
    for path in (tmp_path / "data").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"


def test_delete_forgets_the_leaders_own_feeds_items_reminders_and_interests(tmp_path):
    from bot.adapters.storage import FeedStore
    from bot.core.feedstate import FeedState
    from bot.core.news import Item

    mine, shared = "https://ann-only.example.org/feed.xml", "https://both.example.org/rss"

    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.onboard(BOB)
            bot.feeds_answer()
            for line in (f"/feeds add {mine}", f"/feeds add {shared}", "/remind fri 17:00 Call the Zanzibar board",
                         "/interests add quokka logistics"):
                await bot.send(ANN, line)
            await bot.send(BOB, f"/feeds add {shared}")
            await bot.settle()
            store = FeedStore(tmp_path)
            for url in (mine, shared):  # as a refresh would have stored them
                item = Item(f"Secret plans of {url}", url + "/1", "Private blog", summary="Marmalade strategy.")
                state = FeedState(url=url, items=(item,))
                store.put(state)
                bot.desk.states[url] = state
            await bot.send(ANN, "/delete")
            await bot.press(ANN, bot.button(ANN, "del:yes"))
            for trace in (str(ANN), mine, "ann-only", "Zanzibar", "quokka"):
                assert files_mentioning(tmp_path, trace) == [], trace
            assert files_mentioning(tmp_path, shared)  # Bob still reads the feed they share
            assert mine not in bot.desk.states

    run(scenario())
