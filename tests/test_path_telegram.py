"""The path through the real Application, in English and in French: no account yet gets the account step first; a
leader at lesson 3 gets articles worth reading and no draft; past lesson 22 the comment helper; past lesson 25 the
take and the post as before. Notes are kept, shown back, listed, exported and deleted. `coachbot chat` walks the
same path."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.storage import LeaderStore
from bot.core.model import Stage
from bot.core.news import Item
from tests.conftest import ROOT
from tests.support.local_feeds import sectors_file
from tests.telegram_harness import Harness, run

LABELS = {
    "en": {"account": "Before lesson 1: your profile in ten minutes", "lesson": "lesson {n} of 42",
           "reading": "Worth reading today", "commenting": "Worth a comment today",
           "link_only": "I cannot open a LinkedIn link", "comment": "Your comment, your words kept",
           "note_kept": "Kept. I will show it back", "recall": "Your note from lesson 2"},
    "fr": {"account": "Avant la leçon 1\u00a0: votre profil en dix minutes", "lesson": "leçon {n} sur 42",
           "reading": "À lire aujourd’hui", "commenting": "À commenter aujourd’hui",
           "link_only": "Je ne peux pas ouvrir un lien LinkedIn", "comment": "Votre commentaire, vos mots gardés",
           "note_kept": "C’est gardé. Je vous le remontrerai", "recall": "Votre note de la leçon 2"},
}
POST = {
    "en": "We moved the whole plant to a four-day week last year. Output went up and absences went down. "
          "Happy to share what we learned with other manufacturers.",
    "fr": "Nous sommes passés à la semaine de quatre jours dans toute l’usine l’an dernier. La production a "
          "augmenté et l’absentéisme a baissé. Je partage volontiers ce que nous avons appris.",
}
VIEW = {"en": "A four-day week only works when the managers change first.",
        "fr": "La semaine de quatre jours ne tient que si les managers changent d’abord."}


def news(now):  # noqa: ANN001, ANN201
    day = now.strftime("%A %d %B")  # new stories each morning: what was suggested once never comes back
    return [Item(f"{day}, story {n}: what AI changes in plant {n * 7}", f"https://example.com/{now:%Y%m%d}/{n}",
                 f"Source {n}", summary=f"Story {n} explains what AI changes on the shop floor.",
                 published=now - timedelta(hours=n), language="en") for n in range(1, 5)]


async def onboard(bot: Harness, user: int, language: str) -> int:
    """Onboarding by buttons, as a leader taps it; returns the number of taps."""
    await bot.send(user, "/start", language_code=language)
    taps = 0
    for data in (f"lang:{language}", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
        await bot.press(user, data)
        taps += 1
    return taps


async def take_lessons(bot: Harness, user: int, count: int) -> None:
    for _ in range(count):
        await bot.send(user, "/today")
        await bot.press(user, bot.button(user, "done:"))


async def morning(bot: Harness, user: int) -> list[str]:
    """The next morning's messages (the leader's job run at its time, with a few articles in the news)."""
    before = len(bot.api.messages(user))
    bot.now = bot.when(user)
    bot.app.bot_data["frontend"].service.news = lambda leader: news(bot.now)
    await bot.run_job(user)
    return [m.text for m in bot.api.messages(user)[before:]]


def all_buttons(bot: Harness, user: int) -> list[str]:
    return [b.get("callback_data") or "" for m in bot.api.messages(user)
            for row in (m.reply_markup or {}).get("inline_keyboard", []) for b in row]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_account_yet_gets_the_account_step_first_within_eight_taps(tmp_path, language):
    words = LABELS[language]

    async def scenario():
        async with Harness(tmp_path) as bot:
            taps = await onboard(bot, 7, language)
            await bot.press(7, "stand:none")
            taps += 1
            assert words["account"] in bot.last(7).text
            assert "go:account" in all_buttons(bot, 7)
            await bot.send(7, "/today")  # still the account step, not lesson 1
            assert words["account"] in bot.last(7).text
            shown = await morning(bot, 7)
            assert len(shown) == 1 and words["account"] in shown[0]  # the account step, alone
            await bot.press(7, "go:account")
            taps += 1
            assert words["lesson"].format(n=1) in bot.last(7).text
            assert taps <= 8
            stored = LeaderStore(tmp_path).get(7)
            assert stored.account_ready and stored.standing.value == "none"
            await bot.send(7, "/lesson 2")  # the course's numbering is the same for everyone
            assert words["lesson"].format(n=2) in bot.last(7).text

    run(scenario())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_stage_brings_its_own_morning(tmp_path, language):
    words = LABELS[language]

    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, 8, language)
            await take_lessons(bot, 8, 2)
            lesson, articles = await morning(bot, 8)  # lesson 3: listening
            assert words["lesson"].format(n=3) in lesson and words["reading"] in articles
            data = [d for d in all_buttons(bot, 8)]
            assert any(d.startswith("ss:") for d in data) and any(d.startswith("sn:") for d in data)
            assert not any(d.startswith(("pt:", "pd:")) for d in data)  # no draft pushed
            await bot.press(8, bot.button(8, "ss:"))
            assert len([o for o in LeaderStore(tmp_path).get(8).offers if o.status == "saved"]) == 1

            await take_lessons(bot, 8, 19)  # lessons 3 to 21 done
            lesson, articles = await morning(bot, 8)  # lesson 22: commenting
            assert words["lesson"].format(n=22) in lesson and words["commenting"] in articles
            assert bot.button(8, "pc:") and bot.button(8, "go:comment")
            await bot.press(8, bot.button(8, "pc:"))
            await bot.send(8, VIEW[language])
            await bot.settle()
            assert words["comment"] in bot.last(8).text and VIEW[language] in bot.last(8).text
            await bot.press(8, bot.button(8, "cc:"))
            stored = LeaderStore(tmp_path).get(8)
            assert len(stored.comments) == 1 and stored.comment.commented

            await take_lessons(bot, 8, 4)  # lessons 22 to 25 done
            before = len(bot.api.messages(8))
            await morning(bot, 8)  # lesson 26: posting, the take and the post as before
            shown = [d for m in bot.api.messages(8)[before:]
                     for row in (m.reply_markup or {}).get("inline_keyboard", []) for b in row
                     if (d := b.get("callback_data") or "")]
            assert any(d.startswith("pt:") for d in shown) and any(d.startswith("pd:") for d in shown)
            assert not any(d.startswith("ss:") for d in shown)

    run(scenario())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_comment_turns_a_pasted_post_and_a_sentence_into_a_comment(tmp_path, language):
    words = LABELS[language]

    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, 9, language)
            await bot.send(9, "/comment https://www.linkedin.com/posts/someone_activity-7123456789")
            assert words["link_only"] in bot.last(9).text
            assert LeaderStore(tmp_path).get(9).comment is None  # nothing kept from a bare link
            await bot.send(9, POST[language])  # still waiting for the post's text
            await bot.send(9, VIEW[language])
            await bot.settle()
            comment = bot.last(9)
            written = LeaderStore(tmp_path).get(9).comment.text
            assert VIEW[language] in written and written in comment.text
            assert len(written) <= 1250 and "#" not in written and "http" not in written
            assert ("«\u00a0" in written) if language == "fr" else ("“" in written)  # the post quoted, in its language
            assert 2 <= written.count(". ") + written.count("? ") + 1 <= 4
            await bot.press(9, bot.button(9, "cs:"))  # shorter: the view and a question
            await bot.settle()
            shorter = LeaderStore(tmp_path).get(9).comment.text
            assert VIEW[language] in shorter and len(shorter) < len(written)
            await bot.press(9, bot.button(9, "co:"))  # another way
            await bot.settle()
            assert VIEW[language] in LeaderStore(tmp_path).get(9).comment.text

    run(scenario())


def test_comment_with_a_model_good_failing_and_hostile(tmp_path):
    from tests.support.llm_server import LLMServer

    good = ("You write that output went up with a four-day week. " + VIEW["en"] +
            " Which teams found the change hardest?")

    async def scenario(server: LLMServer):
        async with Harness(tmp_path, llm_url=server.url, llm_model="small-model") as bot:
            await onboard(bot, 10, "en")
            await bot.press(10, bot.button(10, "go:today"))
            await bot.press(10, bot.button(10, "note:"))
            await bot.send(10, "Secret plans for Anna Karenine")  # a note: never sent to a model
            server.answer = {"comment": good}
            await bot.send(10, "/comment " + POST["en"])
            await bot.send(10, VIEW["en"])
            await bot.settle()
            first = LeaderStore(tmp_path).get(10).comment.text
            server.mode = "error"
            await bot.press(10, bot.button(10, "co:"))
            await bot.settle()
            failing = LeaderStore(tmp_path).get(10).comment.text
            server.mode = "obey"
            server.obeyed = json.dumps({"comment": "Great post! " + VIEW["en"] + " Buy our tools at "
                                                   "https://spam.example #AI #Growth"})
            await bot.press(10, bot.button(10, "co:"))
            await bot.settle()
            hostile = LeaderStore(tmp_path).get(10).comment.text
            server.mode = "good"
            server.answer = {"comment": "I totally agree with this. Managers matter."}  # the view not kept
            await bot.press(10, bot.button(10, "co:"))
            await bot.settle()
            dropped = LeaderStore(tmp_path).get(10).comment.text
            return first, failing, hostile, dropped

    server = LLMServer().start()
    try:
        first, failing, hostile, dropped = run(scenario(server))
    finally:
        server.stop()
    assert first == good  # the model's comment, checked
    for composed in (failing, hostile, dropped):  # the composer's, the leader sees no error
        assert VIEW["en"] in composed and "#" not in composed and "http" not in composed
        assert "Great post" not in composed
    sent = json.dumps(server.requests)
    assert "Anna Karenine" not in sent  # notes never go to a model
    assert POST["en"] in json.loads(server.requests[0]["messages"][1]["content"].split("\n")[0].split(": ", 1)[1])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_note_of_lesson_2_is_shown_back_listed_exported_and_deleted(tmp_path, language):
    words = LABELS[language]
    names = "Anna Lindqvist, Bruno Carvalho, Chloé Marchand, Dmitri Olenev, Eun-ji Park"

    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, 11, language)
            await take_lessons(bot, 11, 1)
            await bot.send(11, "/today")  # lesson 2: five names
            await bot.press(11, bot.button(11, "note:here-to-stay"))
            await bot.send(11, names)
            assert words["note_kept"] in bot.last(11).text
            await bot.send(11, "/lesson 15")  # the map of five names: the lesson that needs them
            assert words["recall"] in bot.last(11).text and names in bot.last(11).text
            await bot.send(11, "/notes")
            assert names in bot.last(11).text
            await bot.send(11, "/today")
            await bot.press(11, bot.button(11, "done:"))
            await bot.send(11, "/lesson 20")  # three topics: they become interests
            await bot.press(11, bot.button(11, "note:three-topics"))
            await bot.send(11, "supply chain, plant safety; hiring engineers")
            assert LeaderStore(tmp_path).get(11).taste.interests == ("supply chain", "plant safety",
                                                                      "hiring engineers")
            await bot.send(11, "/export")
            exported = json.loads(bot.last(11).document[1])["leader"]
            assert [n["text"] for n in exported["notes"]][0] == names
            await bot.send(11, "/delete")
            await bot.press(11, bot.button(11, "del:yes"))
        leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and "Bruno Carvalho" in p.read_text(errors="ignore")]
        assert leftovers == []

    run(scenario())


def test_settings_change_where_you_stand_and_the_stage(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, 12, "en")
            await bot.send(12, "/settings")
            assert "Where you stand: not said" in bot.last(12).text
            assert "Stage: 👂 Listening (follows the course)" in bot.last(12).text
            await bot.press(12, "set:standing")
            await bot.press(12, "stand:reader")
            await bot.press(12, "stage:comment")  # offered, taken
            assert LeaderStore(tmp_path).get(12).stage_set is Stage.COMMENT
            await bot.send(12, "/suggest")
            assert "Your mornings follow the commenting stage (set by you" in bot.last(12).text
            await bot.send(12, "/settings")
            await bot.press(12, "set:stage")
            await bot.press(12, "stage:auto")
            assert LeaderStore(tmp_path).get(12).stage_set is None

    run(scenario())


def test_coachbot_chat_walks_the_same_path(tmp_path):
    data = tmp_path / "data"
    lines = ["/start", "1", "1", "3", "1", "1", "3",  # ... then "No account yet" (the third choice)
             "/today", "1", "/comment", "https://lnkd.in/abc", POST["en"], VIEW["en"], "5", "/stats"]  # 5: I commented
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], input="\n".join(lines) + "\n",
                            capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env={"COACHBOT_DATA_DIR": str(data), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                 "COACHBOT_FEEDS": str(sectors_file(tmp_path / "offline-feeds.yaml"))})  # no network
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert "Before lesson 1: your profile in ten minutes" in out
    assert "lesson 1 of 42" in out.split("My profile is ready")[-1]  # after the account step, lesson 1
    assert "I cannot open a LinkedIn link" in out
    assert VIEW["en"] in out.split("Your comment, your words kept")[-1]
    stored = json.loads(next((data / "leaders").glob("*.json")).read_text())["leader"]["1"]
    assert stored["standing"] == "none" and stored["account_ready"] and len(stored["comments"]) == 1
    assert Path(data).exists()
