"""`/voice FILE.ogg` in `coachbot chat`: the same voice note path as in Telegram, from a file."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from bot.adapters.terminal import ogg_seconds
from tests.conftest import ROOT
from tests.support.local_feeds import sectors_file
from tests.support.stt_server import SttServer

VOICE = ROOT / "tests" / "data" / "voice"
ONBOARD = ["/start", "1", "1", "3", "1", "1"]


def chat(lines: list[str], data_dir: Path, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], input="\n".join(lines) + "\n", capture_output=True, text=True,
        timeout=60, cwd=data_dir.parent,
        env={"COACHBOT_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
             "COACHBOT_FEEDS": str(sectors_file(data_dir.parent / "offline-feeds.yaml")), **env},  # no network
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def three_minutes() -> bytes:
    """An OGG/Opus file that says it lasts three minutes (its last page's granule position)."""
    head = b"OggS" + bytes(24) + b"OpusHead" + bytes([1, 1]) + struct.pack("<H", 312) + bytes(7)
    last = bytearray(b"OggS" + bytes(24))
    struct.pack_into("<q", last, 6, 180 * 48_000 + 312)
    return head + bytes(last)


def test_a_voice_file_is_heard_confirmed_and_kept_for_what_it_is_for(tmp_path):
    long_note = tmp_path / "long.ogg"
    long_note.write_bytes(three_minutes())
    with SttServer() as server:
        server.text = "Um, we tried this in our plants last year."
        out = chat([*ONBOARD, "/voice", "/voice nowhere.ogg", f"/voice {long_note}",
                    f"/voice {VOICE / 'take-en.ogg'}", "7"], tmp_path / "data",
                   COACHBOT_STT_URL=server.url, COACHBOT_STT_MODEL="whisper-1")
        (sent,) = server.requests  # the three-minute file was refused before anything was sent
    assert "Give the voice note's file: /voice note.ogg" in out
    assert "I cannot read that file" in out
    assert "longer than two minutes" in out
    # Numbered after the choices still shown (the end of onboarding's 1 to 6), as what follows by itself is.
    assert "I heard:\nWe tried this in our plants last year." in out and "7. ✅ Use it" in out
    assert "Nothing is waiting for words just now" in out  # no suggestion yet: said so, nothing lost
    assert sent.audio == (VOICE / "take-en.ogg").read_bytes() and sent.fields["language"] == "en"
    assert not any(b"OggS" in p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())


def test_without_a_service_the_terminal_says_so(tmp_path):
    out = chat([*ONBOARD, f"/voice {VOICE / 'take-en.ogg'}"], tmp_path / "data")
    assert "I cannot listen to voice notes here" in out


def test_the_length_of_a_recording_is_read_from_its_last_page():
    assert ogg_seconds((VOICE / "take-en.ogg").read_bytes()) == 7  # 6.02 s, rounded up
    assert ogg_seconds((VOICE / "note-30s-en.ogg").read_bytes()) == 31
    assert ogg_seconds(three_minutes()) == 180
    assert ogg_seconds(b"not an ogg file") == 0
