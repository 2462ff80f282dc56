"""Voice notes transcribed on this machine by faster-whisper (CTranslate2), with no third party at all.

Installed with the optional extra: `pip install -e ".[voice]"`. The model is a CTranslate2 Whisper model folder
on disk (`model.bin`, `config.json`, `tokenizer.json`...), named by `COACHBOT_WHISPER_MODEL`: nothing is ever
downloaded at run time (a folder without its tokenizer is refused at start, since faster-whisper would fetch
one). The audio is decoded from memory (PyAV reads Telegram's OGG/Opus) and never written to disk.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from pathlib import Path
from typing import Any

from bot.core.speech import TIMEOUT, Heard, Problem

log = logging.getLogger(__name__)

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


class WhisperModelError(Exception):
    """The model folder cannot be used (the message says why, and how to fix it)."""


def check_model_dir(model_dir: Path) -> None:
    """Refuse a model folder that faster-whisper could not use without downloading something."""
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise WhisperModelError(
            f"COACHBOT_WHISPER_MODEL must name a CTranslate2 Whisper model folder; {model_dir} lacks "
            f"{', '.join(missing)}")
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        raise WhisperModelError(
            'COACHBOT_WHISPER_MODEL is set but faster-whisper is not installed: pip install -e ".[voice]"'
        ) from None


class WhisperTranscriber:
    """Transcribes voice notes with a faster-whisper model loaded once (on the first note), one note at a time.

    `timeout` bounds the wait of the leader: past it they are told, and the words that come later are dropped.
    """

    def __init__(self, model_dir: Path, *, timeout: float = TIMEOUT, threads: int = 2) -> None:
        check_model_dir(model_dir)
        self.model_dir = model_dir
        self.timeout = timeout
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()  # one note at a time: the CPU is shared with everything else

    def _load(self) -> Any:
        if self._model is None:
            from faster_whisper import WhisperModel

            self._model = WhisperModel(str(self.model_dir), device="cpu", compute_type="int8",
                                       cpu_threads=self.threads, local_files_only=True)
        return self._model

    def words(self, audio: bytes, language: str) -> str:
        """The words of the audio (blocking: call it from a thread)."""
        with self._lock:
            model = self._load()
            hint = language if model.model.is_multilingual else "en"
            segments, _ = model.transcribe(io.BytesIO(audio), language=hint, beam_size=1,
                                           condition_on_previous_text=False)
            return " ".join(segment.text.strip() for segment in segments).strip()

    async def transcribe(self, audio: bytes, language: str) -> Heard:
        """The words of a voice note, or why there are none (never raises)."""
        try:
            async with asyncio.timeout(self.timeout):
                text = await asyncio.to_thread(self.words, audio, language)
        except TimeoutError:
            log.warning("transcription: no words within %g s on this machine", self.timeout)
            return Heard(problem=Problem.SLOW)
        except Exception as error:  # audio PyAV cannot decode, a model that fails: the leader is told
            log.warning("transcription on this machine failed (%s)", type(error).__name__)
            return Heard(problem=Problem.UNREADABLE)
        if not text:
            return Heard(problem=Problem.EMPTY)
        return Heard(text)
