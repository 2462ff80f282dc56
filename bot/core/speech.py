"""A voice note turned into words: the one seam the coach sees, its limits, and the only change made to what a
leader said (fillers removed).

The core never touches audio: a front end hands the note's bytes and the leader's language to a `Transcriber`
(an OpenAI-compatible endpoint, or faster-whisper on this machine: see bot/listening.py) and brings back a
`Heard`: the words, or why there are none.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

MAX_SECONDS = 120  # a voice note longer than two minutes is refused before anything is downloaded
MAX_BYTES = 20 * 1024 * 1024  # Telegram lets a bot download 20 MB at most
TIMEOUT = 30.0  # seconds a transcription may take, the whole exchange included


class Problem(StrEnum):
    """Why a voice note gave no words (each has its message, `voice_<value>`)."""

    FAILED = "failed"  # the service answered an error, or could not be reached
    BUSY = "busy"  # rate limited (429)
    SLOW = "slow"  # no answer within TIMEOUT
    EMPTY = "empty"  # nothing was heard
    UNREADABLE = "unreadable"  # an answer that is not a transcript, or audio that could not be read


@dataclass(frozen=True)
class Heard:
    """What a transcriber made of a voice note: the words, or the problem (never both)."""

    text: str = ""
    problem: Problem | None = None


class Transcriber(Protocol):
    """Audio bytes and a language hint ("en", "fr") in, words or a problem out. Never raises."""

    async def transcribe(self, audio: bytes, language: str) -> Heard:
        """The words of a voice note (OGG/Opus as Telegram records it), or why there are none."""


# Sounds that carry no word, removed when they stand alone, with the commas that set them off; and phrases that
# are fillers only between commas (", you know,"). Nothing else is changed.
_SOUNDS: dict[str, str] = {
    "en": "um+|uh+|uhm+|erm+|er|hmm+|mm+",
    "fr": "euh+|heu+|hum+|bah|hmm+|um+",
}
_PHRASES: dict[str, str] = {"en": "you know", "fr": "tu vois|vous voyez"}


def without_fillers(text: str, language: str) -> str:
    """The transcript with its fillers ("um", "euh", ", you know,") removed; every other word kept as said.

    >>> without_fillers("Um, we tried this, you know, in Lyon.", "en")
    'We tried this in Lyon.'
    """
    said = " ".join(text.split())
    sounds = _SOUNDS.get(language, _SOUNDS["en"])
    phrases = _PHRASES.get(language, _PHRASES["en"])
    gap = "\x00"  # where a filler was: only the space and commas around it change
    cleaned = re.sub(rf"(?:[,…]\s*)?(?<![\w'’-])(?:{sounds})(?![\w'’-])(?:\s*[,…]+)?", gap, said,
                     flags=re.IGNORECASE)
    cleaned = re.sub(rf"(?:^|[,…]\s*)(?:{phrases})(?:\s*[,…]+|(?=\s*[.!?]|$))", gap, cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(rf"\s*{gap}[\s{gap}]*(?=[.!?…;:])", "", cleaned)  # "it worked, um." -> "it worked."
    cleaned = re.sub(rf"\s*{gap}[\s{gap}]*", " ", cleaned).strip().lstrip(",;:.!?… ")
    if cleaned and said[:1].isupper() and not cleaned[:1].isupper():
        cleaned = cleaned[0].upper() + cleaned[1:]  # a sentence that began with "Um," still begins with a capital
    return cleaned


def check_of(text: str) -> str:
    """A short fingerprint of a transcript, carried by its buttons: a press on an older "I heard" changes nothing."""
    return f"{zlib.crc32(text.encode()):08x}"
