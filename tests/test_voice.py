"""Voice notes as a leader meets them in Telegram: a real OGG/Opus note downloaded through the fake Bot API
(getFile, then the file path), sent to a transcription server of our own on loopback through the official
client, "I heard" to confirm, and the post built on the confirmed words; every failure of the service, no
service at all, a note too long; and no audio left anywhere afterwards."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.llm import EndpointTranscriber
from bot.adapters.storage import LeaderStore
from bot.core.news import Item
from bot.core.speech import TIMEOUT
from tests.conftest import ROOT
from tests.support.stt_server import SttServer
from tests.telegram_harness import Harness, run

VOICE = ROOT / "tests" / "data" / "voice"
AUDIO = (VOICE / "take-en.ogg").read_bytes()
SAID = "Um, we tried this in our plants last year, you know, and it worked because the teams chose the tools."
TAKE = "We tried this in our plants last year and it worked because the teams chose the tools."


def news(now):
    return [
        Item("AI reshapes how software teams work", "https://news.example.org/1", "Tech Daily",
             "AI reshapes how software teams work. More.", now - timedelta(hours=2), "en"),
        Item("Cloud prices: what startups should know", "https://news.example.org/2", "Cloud Weekly",
             "Cloud prices rise. More.", now - timedelta(hours=3), "en"),
    ]


def with_news(bot: Harness) -> Harness:
    bot.app.bot_data["frontend"].service.news = lambda leader: news(bot.now)
    return bot


async def posting_leader(bot: Harness, user: int) -> None:
    """Onboard a leader who posts now and then and wants posts from today, before any news is there: the
    suggestions of the posting stage are then all to come."""
    service = bot.app.bot_data["frontend"].service
    news_of, service.news = service.news, lambda leader: []
    await bot.onboard(user)
    await bot.posting(user)
    service.news = news_of


def flat(message) -> list[dict]:
    return [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


def texts(bot: Harness, chat: int) -> list[str]:
    return [m.text for m in bot.api.messages(chat)]


def audio_left(data_dir: Path, audio: bytes) -> list[str]:
    """Every file of the data directory that holds the audio, or any part of an OGG stream."""
    found = []
    for path in data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            if b"OggS" in content or audio[200:264] in content or "OggS" in content.decode("latin-1"):
                found.append(str(path))
    return found


async def take_by_voice(bot: Harness, user: int, audio: bytes = AUDIO, duration: int = 6) -> str:
    """Onboard, /suggest, press ✍️ My take on the first suggestion, record a voice note: the offer's ref."""
    await posting_leader(bot, user)
    await bot.send(user, "/suggest")
    pressed = bot.button(user, "pt:")
    await bot.press(user, pressed)
    await bot.voice(user, audio, duration=duration)
    return pressed[3:]


def test_a_spoken_take_is_confirmed_then_the_post_holds_it_word_for_word(tmp_path):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            ref = await take_by_voice(with_news(bot), 7)
            heard = bot.last(7)
            assert heard.text.startswith("🎧 I heard:") and TAKE in heard.text  # fillers out, nothing reworded
            assert [b["text"] for b in flat(heard)] == ["✅ Use it", "✏️ Edit", "🔁 Again"]
            assert "Listening to your voice note" in texts(bot, 7)[-2]
            # Nothing is used before the leader says so.
            assert LeaderStore(tmp_path / "data").get(7).offers[0].take is None
            await bot.press(7, bot.button(7, "vu:"))
            await bot.settle()
            intro, post = bot.api.messages(7)[-2:]  # the post alone in its message, after a line saying what it is
            assert TAKE in post.text and "Your post on" in intro.text
            offer = next(o for o in LeaderStore(tmp_path / "data").get(7).offers if o.ref == ref)
            assert offer.take == TAKE
            assert flat(bot.api.messages(7)[-3]) == []  # "I heard" lost its buttons once the choice was made
            # Downloaded as from Telegram: getFile, then the file path it gave.
            (get_file,) = bot.api.calls_to("getFile")
            assert get_file.ok and get_file.response["result"]["file_path"].startswith("voice/")
            assert get_file.response["result"]["file_path"].endswith(".oga")
            (sent,) = server.requests
            assert sent.audio == AUDIO and sent.file_name == "voice.ogg" and sent.content_type == "audio/ogg"
            assert sent.fields["language"] == "en" and sent.fields["model"] == "whisper-1"
            # The audio is nowhere: not in the data directory, not in the export.
            assert audio_left(tmp_path / "data", AUDIO) == []
            await bot.send(7, "/export")
            exported = bot.last(7).document[1]
            assert b"OggS" not in exported and TAKE in json.loads(exported)["leader"]["offers"][0]["take"]

    with SttServer() as server:
        server.text = SAID
        run(scenario(server))


def test_edit_takes_the_typed_correction_and_again_waits_for_a_new_note(tmp_path):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            ref = await take_by_voice(with_news(bot), 8)
            await bot.press(8, bot.button(8, "va:"))  # 🔁 Again: the wait for the take goes on
            assert "Send your voice note again" in bot.last(8).text
            assert LeaderStore(tmp_path / "data").get(8).take_for == ref
            server.text = "We tried this in our plans last year."
            await bot.voice(8, AUDIO, duration=6)
            await bot.press(8, bot.button(8, "ve:"))  # ✏️ Edit
            edit = bot.last(8)
            assert "Type the corrected text" in edit.text
            assert "We tried this in our plans last year." in edit.text  # in a block one tap copies
            assert '<pre>We tried this in our plans last year.</pre>' in edit.html
            corrected = "We tried this in our plants last year, and the teams loved it."
            await bot.send(8, corrected)
            await bot.settle()
            assert corrected in bot.last(8).text
            stored = LeaderStore(tmp_path / "data").get(8)
            assert next(o for o in stored.offers if o.ref == ref).take == corrected
            assert stored.heard is None and not stored.heard_editing and stored.take_for is None

    with SttServer() as server:
        server.text = SAID
        run(scenario(server))


def test_a_press_on_an_older_transcript_changes_nothing(tmp_path):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            await take_by_voice(with_news(bot), 9)
            old = bot.button(9, "vu:")
            server.text = "A second thought about the teams and their tools."
            await bot.voice(9, AUDIO, duration=6)
            before = LeaderStore(tmp_path / "data").get(9)
            await bot.press(9, old, bot.message_with(9, old).message_id)
            assert LeaderStore(tmp_path / "data").get(9) == before
            assert bot.api.calls_to("answerCallbackQuery")[-1].params.get("text")  # said: expired

    with SttServer() as server:
        server.text = SAID
        run(scenario(server))


@pytest.mark.parametrize(("mode", "says"), [
    ("error", "The transcription service failed"),
    ("rate_limited", "The transcription service is busy"),
    ("slow", "took too long to answer"),
    ("empty", "I heard no words in that note"),
    ("malformed", "I could not read the transcription"),
])
def test_a_failing_service_gets_a_clear_answer_and_the_take_still_waits(tmp_path, mode, says):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            # The service's 30 s, made short here: the server answers nothing until the test is over.
            bot.app.bot_data["frontend"].transcriber = EndpointTranscriber(url=server.url, model="whisper-1",
                                                                           key="", timeout=0.3)
            ref = await take_by_voice(with_news(bot), 10)
            assert says in bot.last(10).text and "type" in bot.last(10).text
            assert "went wrong" not in " ".join(texts(bot, 10))
            stored = LeaderStore(tmp_path / "data").get(10)
            assert stored.take_for == ref and stored.heard is None
            await bot.send(10, "Typed instead: the teams chose their tools, and it worked.")
            await bot.settle()
            assert "Typed instead: the teams chose their tools, and it worked." in bot.last(10).text
            assert audio_left(tmp_path / "data", AUDIO) == []

    with SttServer() as server:
        server.mode = mode
        run(scenario(server))


def test_with_no_service_a_voice_note_gets_one_clear_answer_and_nothing_changes(tmp_path):
    async def scenario():
        async with Harness(tmp_path / "data") as bot:
            ref = await take_by_voice(with_news(bot), 11)
            before = LeaderStore(tmp_path / "data").get(11)
            assert bot.last(11).text.startswith("I cannot listen to voice notes here")
            assert "type" in bot.last(11).text
            await bot.voice(11, AUDIO, duration=6)
            assert texts(bot, 11)[-2:] == [bot.last(11).text] * 2  # one answer per note, the same
            assert bot.api.calls_to("getFile") == []  # nothing fetched, nothing sent anywhere
            assert LeaderStore(tmp_path / "data").get(11) == before and before.take_for == ref

    run(scenario())


def test_a_three_minute_note_is_refused_before_anything_is_downloaded(tmp_path):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            ref = await take_by_voice(with_news(bot), 12, duration=180)
            assert "longer than two minutes" in bot.last(12).text
            assert bot.api.calls_to("getFile") == [] and server.requests == []
            assert LeaderStore(tmp_path / "data").get(12).take_for == ref
            await bot.voice(12, AUDIO, duration=120)  # two minutes exactly is fine
            assert "I heard" in bot.last(12).text

    with SttServer() as server:
        server.text = SAID
        run(scenario(server))


def test_a_voice_note_on_its_own_asks_what_it_is_for(tmp_path):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            await posting_leader(with_news(bot), 13)
            await bot.send(13, "/suggest")
            await bot.voice(13, AUDIO, duration=6)
            assert TAKE in bot.last(13).text
            await bot.press(13, bot.button(13, "vu:"))
            ask = bot.last(13)
            assert "What are these words for?" in ask.text
            labels = [b["text"] for b in flat(ask)]
            assert any("My take on “Cloud prices" in label for label in labels) and labels[-1] == "Leave it"
            chosen = next(b["callback_data"] for b in flat(ask) if "AI reshapes" in b["text"])
            await bot.press(13, chosen)
            await bot.settle()
            assert TAKE in bot.last(13).text and "Your post on “AI reshapes" in bot.api.messages(13)[-2].text
            stored = LeaderStore(tmp_path / "data").get(13)
            assert next(o for o in stored.offers if o.ref == chosen[3:]).take == TAKE and stored.heard is None

    with SttServer() as server:
        server.text = SAID
        run(scenario(server))


def test_in_french_the_hint_is_french_and_the_bot_answers_in_french(tmp_path):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            await posting_leader(with_news(bot), 14)
            await bot.send(14, "/language fr")
            await bot.send(14, "/suggest")
            await bot.press(14, bot.button(14, "pt:"))
            await bot.voice(14, AUDIO, duration=6)
            assert bot.last(14).text.startswith("🎧 J’ai entendu")
            assert "Nous l’avons vécu à Lyon : les équipes ont choisi les outils." in bot.last(14).text
            await bot.press(14, bot.button(14, "vu:"))
            await bot.settle()
            assert "Nous l’avons vécu à Lyon : les équipes ont choisi les outils." in bot.last(14).text
            assert server.requests[-1].fields["language"] == "fr"

    with SttServer() as server:
        server.text = "Euh, nous l’avons vécu à Lyon : les équipes ont choisi les outils."
        run(scenario(server))


def test_the_endpoint_key_never_reaches_a_log_and_the_default_timeout_is_thirty_seconds(tmp_path, caplog):
    from bot import logs
    from bot.app import build_transcriber
    from bot.settings import Settings

    settings = Settings.from_env({"COACHBOT_STT_URL": "http://127.0.0.1:9/v1", "COACHBOT_STT_MODEL": "whisper-1",
                                  "COACHBOT_STT_KEY": "sk-stt-very-secret-key"}, dotenv=None)
    transcriber = build_transcriber(settings)
    assert isinstance(transcriber, EndpointTranscriber) and transcriber.timeout == TIMEOUT == 30.0
    assert "sk-stt-very-secret-key" in settings.secrets and "sk-stt" not in repr(settings)
    logs.install_redaction(settings.secrets)
    try:
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("openai").debug("request with Authorization: Bearer sk-stt-very-secret-key")
            heard = run(transcriber.transcribe(AUDIO, "en"))  # nothing listens on port 9
        assert heard.problem is not None
        assert "sk-stt-very-secret-key" not in caplog.text and "cannot reach the endpoint" in caplog.text
    finally:
        logs.install_redaction(())


def test_the_model_writers_endpoint_alone_is_not_assumed_to_transcribe(tmp_path):
    from bot.app import build_transcriber
    from bot.settings import Settings

    settings = Settings.from_env({"COACHBOT_LLM_URL": "http://127.0.0.1:9/v1", "COACHBOT_LLM_MODEL": "m"},
                                 dotenv=None)
    assert not settings.listening and build_transcriber(settings) is None
    both = Settings.from_env({"COACHBOT_STT_URL": "http://127.0.0.1:9/v1", "COACHBOT_STT_MODEL": "w",
                              "COACHBOT_WHISPER_MODEL": str(tmp_path)}, dotenv=None)
    assert isinstance(build_transcriber(both), EndpointTranscriber)  # the endpoint first, when both are set


def test_a_note_over_twenty_megabytes_is_refused_and_the_fake_serves_voice_as_telegram_does(tmp_path):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            await take_by_voice(with_news(bot), 15, audio=bytes(20 * 1024 * 1024 + 1), duration=90)
            assert "too big for me to fetch" in bot.last(15).text
            assert bot.api.calls_to("getFile") == [] and server.requests == []
            # What the bot would have met had it asked: Telegram's own refusal of a file over 20 MB.
            big = bot.api.pending_updates()[-1]["message"]["voice"]
            status, body = bot.api.handle(bot.api.token, "getFile", {"file_id": big["file_id"]})
            assert status == 400 and "file is too big" in body["description"]
            update = bot.api.user_sends_voice(15, AUDIO, duration=6)
            voice = update["message"]["voice"]
            assert set(voice) == {"file_id", "file_unique_id", "duration", "mime_type", "file_size"}
            status, body = bot.api.handle(bot.api.token, "getFile", {"file_id": voice["file_id"]})
            path = body["result"]["file_path"]
            assert status == 200 and path.startswith("voice/file_") and path.endswith(".oga")
            assert bot.api.serve_file(bot.api.token, path) == (200, AUDIO)
            assert bot.api.serve_file("123456789:AAE-wrong-token-for-the-fake-api-000", path)[0] == 401

    with SttServer() as server:
        run(scenario(server))


def test_neither_the_audio_nor_the_words_reach_a_log_even_at_debug(caplog):
    with SttServer() as server, caplog.at_level(logging.DEBUG):
        server.text = "Our secret plan for Lyon."
        transcriber = EndpointTranscriber(url=server.url, model="whisper-1", key="", timeout=5)
        heard = run(transcriber.transcribe(AUDIO, "en"))
        server.mode = "error"
        run(transcriber.transcribe(AUDIO, "en"))
    assert heard.text == "Our secret plan for Lyon." and caplog.records  # the libraries did log, at DEBUG
    assert "OggS" not in caplog.text and "secret plan" not in caplog.text and "error status 500" in caplog.text


def test_in_the_comment_helper_the_spoken_view_is_confirmed_then_kept_word_for_word(tmp_path):
    post = ("We moved our weekly planning to the shop floor. Lead times fell by a third, and the night shift "
            "finally had a say in the schedule.")

    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            await bot.onboard(31)
            await bot.send(31, "/comment " + post)
            await bot.voice(31, AUDIO, duration=6)  # the view, said instead of typed
            assert bot.last(31).text.startswith("🎧 I heard:") and TAKE in bot.last(31).text
            assert LeaderStore(tmp_path / "data").get(31).comment.text == ""  # nothing written before it is confirmed
            await bot.press(31, bot.button(31, "vu:"))
            await bot.settle()
            written = LeaderStore(tmp_path / "data").get(31).comment.text
            assert TAKE in written and written in bot.last(31).text and len(written) <= 1250

    with SttServer() as server:
        server.text = SAID
        run(scenario(server))


def test_a_lesson_note_said_aloud_is_kept_once_confirmed(tmp_path):
    async def scenario(server: SttServer):
        async with Harness(tmp_path / "data", stt_url=server.url, stt_model="whisper-1") as bot:
            await bot.onboard(32)
            await bot.send(32, "/today")
            await bot.press(32, bot.button(32, "done:"))
            await bot.send(32, "/today")  # lesson 2: five names to note
            await bot.press(32, bot.button(32, "note:"))
            await bot.voice(32, AUDIO, duration=6)
            await bot.press(32, bot.button(32, "ve:"))  # ✏️ Edit: the corrected words are typed
            await bot.send(32, "Anna, Bruno, Chloé, Dmitri and Eun-ji")
            assert "Kept. I will show it back" in bot.last(32).text
            notes = LeaderStore(tmp_path / "data").get(32).notes
            assert [n.text for n in notes] == ["Anna, Bruno, Chloé, Dmitri and Eun-ji"]
            assert audio_left(tmp_path / "data", AUDIO) == []

    with SttServer() as server:
        server.text = SAID
        run(scenario(server))
