"""The bot as a leader meets it in Telegram: the real Application and handlers, a fake Bot API, no network."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.adapters.storage import LeaderStore
from tests.conftest import utc
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram_harness import Harness, run

ANN = 501


def forged_press(api: FakeBotApi, user_id: int, data: str) -> dict:
    """A callback query a hostile client made up: a button the bot never showed."""
    user = {"id": user_id, "is_bot": False, "first_name": "Mallory"}
    update_id = next(api._update_ids)  # the fake's own numbering, as Telegram would number it
    return {"update_id": update_id, "callback_query": {
        "id": "77", "from": user, "chat_instance": "1", "data": data,
        "message": {"message_id": 1, "date": 0, "chat": {"id": user_id, "type": "private"}, "text": "x"}}}


def buttons(message) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [b.get("callback_data") or b.get("url") for row in rows for b in row]


def test_start_onboarding_lesson_and_done_in_place(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.send(ANN, "/start", language_code="fr")
            first = bot.last(ANN)
            assert "Bonjour" in first.text and {"lang:fr", "lang:en"} <= set(buttons(first))
            await bot.onboard(ANN)
            offer = bot.last(ANN)
            assert "go:today" in buttons(offer)
            await bot.press(ANN, "go:today")
            lesson = bot.last(ANN)
            assert "done:welcome" in buttons(lesson) and "Today's action" in lesson.text
            count = len(bot.api.messages(ANN))
            await bot.press(ANN, "done:welcome")
            edited = next(m for m in bot.api.messages(ANN) if m.message_id == lesson.message_id)
            # The lesson is edited in place; the one new message is the lesson's question.
            assert len(bot.api.messages(ANN)) == count + 1 and "qz:0:welcome" in buttons(bot.last(ANN))
            assert edited.edits == 1
            assert "Done" in edited.text and "done:welcome" not in buttons(edited)
            assert bot.api.calls_to("answerCallbackQuery")[-1].ok
            stored = LeaderStore(tmp_path).get(ANN)
            assert stored.done_ids == {"welcome"} and stored.onboarded

    run(scenario())


def test_the_command_menu_is_set_in_both_languages(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            calls = bot.api.calls_to("setMyCommands")
            assert len(calls) == 2 and all(call.ok for call in calls)
            assert {call.params.get("language_code") for call in calls} == {None, "fr"}
            french = next(c for c in calls if c.params.get("language_code") == "fr")
            assert "leçon" in json.loads(french.params["commands"])[0]["description"]

    run(scenario())


def test_pressing_done_twice_records_one_action_and_never_errors(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/today")
            lesson = bot.message_with(ANN, "done:welcome")
            # Two presses leave the phone before the first answer arrives.
            first = bot.api.user_presses(ANN, lesson.message_id, "done:welcome")
            second = bot.api.user_presses(ANN, lesson.message_id, "done:welcome")
            await bot.feed(first)
            await bot.feed(second)
            assert [e.lesson_id for e in LeaderStore(tmp_path).get(ANN).events] == ["welcome"]
            assert all(call.ok for call in bot.api.calls if call.method != "getUpdates")

    run(scenario())


def test_the_daily_lesson_is_scheduled_and_sent_once(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            assert bot.when(ANN) == utc(2026, 11, 23, 7, 0)  # 08:00 in Paris
            before = len(bot.api.messages(ANN))
            bot.now = utc(2026, 11, 23, 7, 0)
            await bot.run_job(ANN)
            assert len(bot.api.messages(ANN)) == before + 1
            assert "Your minute of the day" in bot.last(ANN).text
            assert bot.when(ANN) == utc(2026, 11, 23, 17, 0)  # the evening nudge, as nothing is done yet
            bot.now = utc(2026, 11, 23, 7, 1)
            await bot.run_job(ANN)  # fired again by mistake on the same day: nothing is sent
            assert len(bot.api.messages(ANN)) == before + 1

    run(scenario())


def test_jobs_are_rebuilt_from_storage_and_a_missed_lesson_is_caught_up(tmp_path):
    api = FakeBotApi()

    async def first_run():
        async with Harness(tmp_path, api=api) as bot:
            await bot.onboard(ANN)

    async def after_restart():
        async with Harness(tmp_path, api=api, now=utc(2026, 11, 23, 9, 0)) as bot:  # 10:00: two hours late
            assert bot.when(ANN) <= bot.now + timedelta(seconds=1)
            await bot.run_job(ANN)
            assert "done:welcome" in buttons(bot.last(ANN))
        async with Harness(tmp_path, api=api, now=utc(2026, 11, 23, 9, 30)) as bot:
            assert bot.when(ANN) == utc(2026, 11, 23, 17, 0)  # the lesson not twice; the evening nudge next

    run(first_run())
    run(after_restart())


def test_more_than_three_hours_late_waits_for_the_next_day(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
        async with Harness(tmp_path, now=utc(2026, 11, 23, 10, 30)) as bot:
            assert bot.when(ANN) == utc(2026, 11, 24, 7, 0)

    run(scenario())


def test_a_leader_who_blocked_the_bot_is_marked_inactive_and_start_reactivates(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            bot.api.block(ANN)
            bot.now = utc(2026, 11, 23, 7, 0)
            await bot.run_job(ANN)
            assert LeaderStore(tmp_path).get(ANN).active is False
            assert bot.jobs(ANN) == []
            bot.api.unblock(ANN)
            await bot.send(ANN, "/start")
            assert LeaderStore(tmp_path).get(ANN).active is True
            assert len(bot.jobs(ANN)) == 1

    run(scenario())


def test_strangers_get_one_refusal_and_leave_no_trace(tmp_path):
    async def scenario():
        async with Harness(tmp_path, allowed_users=frozenset({ANN})) as bot:
            stranger = 666
            await bot.send(stranger, "/start")
            assert "private" in bot.last(stranger).text
            assert len(bot.api.messages(stranger)) == 1
            await bot.feed(forged_press(bot.api, stranger, "lang:en"))
            assert len(bot.api.messages(stranger)) == 1
            assert not any(str(stranger) in p.name or str(stranger) in p.read_text()
                           for p in tmp_path.rglob("*") if p.is_file())
            await bot.send(ANN, "/start")
            assert "lang:en" in buttons(bot.last(ANN))

    run(scenario())


def test_bad_input_gets_an_answer_in_telegram(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            before = LeaderStore(tmp_path).get(ANN)
            for line in ("/remind 25:99", "/remind tomorrow-ish", "/timezone Mars/Olympus", "/pause -3",
                         "/language klingon", "/unknowncommand", "just chatting", "x" * 4000):
                count = len(bot.api.messages(ANN))
                await bot.send(ANN, line)
                assert len(bot.api.messages(ANN)) == count + 1, line
                assert "Traceback" not in bot.last(ANN).text
            await bot.feed(bot.api.user_sends_sticker(ANN))
            assert "text and buttons" in bot.last(ANN).text
            assert LeaderStore(tmp_path).get(ANN) == before
            assert all(call.ok for call in bot.api.calls)

    run(scenario())


def test_export_sends_a_json_file_and_delete_forgets(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/export")
            document = bot.last(ANN).document
            assert document is not None and document[0].endswith(".json")
            assert json.loads(document[1])["leader"]["user_id"] == ANN
            assert bot.api.token not in document[1].decode()
            await bot.send(ANN, "/delete")
            await bot.press(ANN, bot.button(ANN, "del:yes"))
            assert LeaderStore(tmp_path).get(ANN) is None
            assert bot.jobs(ANN) == []
            assert not list((tmp_path / "leaders").glob("*.json"))

    run(scenario())


def test_settings_buttons_change_a_setting(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/settings")
            await bot.press(ANN, "set:timezone")
            await bot.press(ANN, "tz:America/New_York")
            assert LeaderStore(tmp_path).get(ANN).timezone == "America/New_York"
            assert bot.when(ANN) == utc(2026, 11, 23, 13, 0)  # 08:00 in New York
            await bot.send(ANN, "/remind off")
            assert bot.jobs(ANN) == []

    run(scenario())


def test_a_storage_failure_gets_a_polite_reply_and_no_details(tmp_path, monkeypatch, caplog):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            import os

            def disk_full(*args, **kwargs):
                raise OSError(28, "No space left on device")

            monkeypatch.setattr(os, "fsync", disk_full)
            await bot.send(ANN, "/pause 3")
            monkeypatch.undo()
            assert "went wrong" in bot.last(ANN).text
            assert "No space" not in bot.last(ANN).text
            assert LeaderStore(tmp_path).get(ANN).pauses == ()
            assert "No space left on device" in caplog.text

    run(scenario())


def test_stats_sends_the_figures_and_a_heatmap_photo(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/today")
            await bot.press(ANN, "done:welcome")
            await bot.send(ANN, "/stats")
            figures, photo = bot.api.messages(ANN)[-2:]
            assert "Streak: 1 day in a row (best: 1)" in figures.text and "1 lesson done" in figures.text
            assert photo.kind == "photo" and photo.photo[1].startswith(b"\x89PNG\r\n\x1a\n")
            assert "Streak 1" in photo.caption

    run(scenario())


def test_nudge_and_reminder_jobs_run_through_the_job_queue(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.send(ANN, "/remind mon 19:30 Call the board")
            bot.now = utc(2026, 11, 23, 7, 0)
            await bot.run_job(ANN)  # the lesson
            assert bot.when(ANN) == utc(2026, 11, 23, 17, 0)
            bot.now = utc(2026, 11, 23, 17, 0)
            await bot.run_job(ANN)  # the evening nudge
            assert "🌆" in bot.last(ANN).text
            assert bot.when(ANN) == utc(2026, 11, 23, 18, 30)
            bot.now = utc(2026, 11, 23, 18, 30)
            await bot.run_job(ANN)  # the leader's own reminder
            assert "Call the board" in bot.last(ANN).text
            assert bot.when(ANN) == utc(2026, 11, 24, 7, 0)

    run(scenario())


def test_an_update_delivered_again_after_a_crash_is_handled_once(tmp_path):
    api = FakeBotApi()

    async def scenario():
        async with Harness(tmp_path, api=api) as bot:
            await bot.onboard(ANN)
            update = bot.api.user_sends(ANN, "/today")
            await bot.feed(update)
            count = len(bot.api.messages(ANN))
        async with Harness(tmp_path, api=api) as bot:  # restarted: Telegram sends the unconfirmed update again
            await bot.feed(update)
            assert len(bot.api.messages(ANN)) == count
            await bot.send(ANN, "/roadmap")
            assert len(bot.api.messages(ANN)) == count + 1

    run(scenario())


def test_forged_buttons_from_a_leader_change_nothing(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            before = LeaderStore(tmp_path).get(ANN)
            for data in ("done:../../etc", "tz:Mars/Olympus", "del:maybe", "x" * 64, "sec:nope"):
                await bot.feed(forged_press(bot.api, ANN, data))
            assert LeaderStore(tmp_path).get(ANN) == before

    run(scenario())


def test_a_button_is_valid_only_on_the_message_that_carried_it(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            await bot.press(ANN, "go:today")
            lesson = bot.message_with(ANN, "done:welcome")
            await bot.send(ANN, "/delete")
            confirmation = bot.button(ANN, "del:yes")
            # A hostile client sends the confirmation's data from the lesson message.
            message = bot.api._message_json(bot.api._chats[ANN].bot_messages[lesson.message_id])
            forged = {"update_id": next(bot.api._update_ids), "callback_query": {
                "id": "78", "from": dict(bot.api._chats[ANN].user), "chat_instance": "1", "data": confirmation,
                "message": message}}
            await bot.feed(forged)
            assert LeaderStore(tmp_path).get(ANN) is not None
            assert "forgotten" not in bot.api.messages(ANN)[-1].text
            assert bot.message_with(ANN, "done:welcome").text == lesson.text  # the lesson message is intact

    run(scenario())


def test_a_list_longer_than_a_message_is_sent_in_parts_that_fit(tmp_path):
    label = "a" * 60
    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            bot.feeds_answer()
            for n in range(20):
                host = f"{label}{n:02d}.{label}.{label}.example.org"
                await bot.send(ANN, f"/feeds add https://{host}/{'p' * 100}")
                await bot.settle()
            before = len(bot.api.messages(ANN))
            await bot.send(ANN, "/feeds")
            parts = bot.api.messages(ANN)[before:]
            assert len(parts) >= 2
            assert all(call.ok for call in bot.api.calls_to("sendMessage"))
            shown = "\n".join(part.text for part in parts)
            assert all(f"{label}{n:02d}" in shown for n in range(20))
            assert "/feeds add" in parts[-1].text  # the usage comes last, once

    run(scenario())


def test_every_list_of_feeds_that_cannot_be_read_gets_its_reason(tmp_path):
    cases = {
        "utf16-entity.opml": ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE o [<!ENTITY e "x">]>'
                              '<opml><body><outline xmlUrl="https://a.example.org/&e;"/></body></opml>'
                              ).encode("utf-16"),
        "lying.opml": b'<?xml version="1.0" encoding="klingon"?><opml/>',
        "picture.opml": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "empty.opml": b'<?xml version="1.0"?><opml version="2.0"><body/></opml>',
    }
    answers = {"utf16-entity.opml": "DOCTYPE", "lying.opml": "encoding", "picture.opml": "not XML",
               "empty.opml": "no feed addresses"}

    async def scenario():
        async with Harness(tmp_path) as bot:
            await bot.onboard(ANN)
            for name, content in cases.items():
                await bot.feed(bot.api.user_sends_document(ANN, name, content))
                assert answers[name] in bot.last(ANN).text, (name, bot.last(ANN).text)
                assert "went wrong" not in bot.last(ANN).text
            sjis = ('<?xml version="1.0" encoding="Shift_JIS"?><opml version="2.0"><body>'
                    '<outline text="日本経済新聞" xmlUrl="https://jp.example.org/rss"/></body></opml>').encode("shift_jis")
            await bot.feed(bot.api.user_sends_document(ANN, "japan.opml", sjis))
            assert "Imported one feed" in bot.last(ANN).text
            assert [f.name for f in LeaderStore(tmp_path).get(ANN).own_feeds] == ["日本経済新聞"]

    run(scenario())
