"""The coach in a terminal: lines in, replies out, buttons shown as numbered choices.

Reads the leader's lines from any text stream (a TTY or a piped script) and talks to the same service as the
Telegram front end, through the same parsing (`read_line`) and the same words (`Words`, with the terminal's own
wording where Telegram's would say "tap"). A number answers the last buttons shown: an action is pressed, a link
is printed, a text to copy is printed whole. A button keeps its number for the life of its message (a message
changed in place keeps the numbers of the buttons it still shows; new ones get new numbers), and a typed word
that begins exactly one choice's label chooses it. Lines read from a pipe are echoed, so that the output reads as
a transcript. `/feeds import FILE` sends a file, as a Telegram leader sends an OPML document.
"""

from __future__ import annotations

import asyncio
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.adapters.words import Words
from bot.clock import Clock
from bot.core.actions import encode
from bot.core.events import Command, Event, Press, Upload, VoiceNote, Who, read_line
from bot.core.replies import Button, Outcome, Reply, msg
from bot.core.speech import MAX_BYTES, Transcriber
from bot.effects import Audio, follow
from bot.newsdesk import NewsDesk
from bot.service import CoachService
from bot.writing import Writer

TERMINAL_USER_ID = 1
MAX_FILE = 1_000_000  # bytes read from a file given to `/feeds import` (an OPML list is far smaller)
MIN_PREFIX = 2  # letters typed before a word may choose a button by the start of its label


@dataclass(frozen=True)
class Choice:
    """A button shown, with its number and the message it belongs to."""

    number: int
    message: int
    button: Button


def _key(button: Button) -> str:
    """What makes a button the same button when its message is changed in place."""
    if button.action is not None:
        return "a:" + encode(button.action)
    return f"u:{button.url}" if button.url else f"c:{button.copy}"


def _fold(text: str) -> str:
    """Letters and digits only, folded: "📰 1 · Not relevant" -> "1notrelevant"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def ogg_seconds(data: bytes) -> int:
    """How long an OGG recording lasts (Opus or Vorbis), in whole seconds rounded up; 0 when it cannot be told.

    The last page's granule position counts samples (48 kHz for Opus, less its pre-skip)."""
    last = data.rfind(b"OggS")
    if last < 0 or len(data) < last + 14:
        return 0
    (granule,) = struct.unpack_from("<q", data, last + 6)
    head = data.find(b"OpusHead")
    if head >= 0 and len(data) >= head + 12:
        (pre_skip,) = struct.unpack_from("<H", data, head + 10)
        samples, rate = granule - pre_skip, 48_000
    else:
        vorbis = data.find(b"\x01vorbis")
        if vorbis < 0 or len(data) < vorbis + 16:
            return 0
        samples, (rate,) = granule, struct.unpack_from("<I", data, vorbis + 12)
    return max(0, -(-samples // rate)) if rate > 0 and samples > 0 else 0


class TerminalChat:
    """One leader talking to the coach on standard input and output."""

    def __init__(self, service: CoachService, desk: NewsDesk, writer: Writer, words: Words, clock: Clock,
                 out: TextIO, *,
                 files_dir: Path, language_code: str | None = None, user_id: int = TERMINAL_USER_ID,
                 transcriber: Transcriber | None = None) -> None:
        self.service = service
        self.transcriber = transcriber
        self.audio: Audio | None = None  # the voice note of `/voice FILE.ogg`, read when the coach asks
        self.desk = desk
        self.writer = writer
        self.loop = asyncio.new_event_loop()  # one loop for the chat's reading of feeds (connections live in it)
        self.words = words
        self.clock = clock
        self.out = out
        self.files_dir = files_dir
        self.who = Who(user_id, user_id, language_code)
        self.choices: list[Choice] = []
        self.messages = 0  # messages shown so far (a message's buttons are numbered for its life)
        self.numbers: dict[int, dict[str, int]] = {}  # by message: the number given to each of its buttons
        self.pressed = 0  # the message whose button was pressed last

    def run(self, lines: TextIO, *, prompt: bool = False) -> int:
        """Read lines until the end of input or /quit; return the exit status. Without a prompt (a piped
        script), each line read is echoed after "> "."""
        self._print(self.words.plain(msg("terminal_intro"), self._language()))
        self._show(self.service.wake(self.who.user_id, self.clock()))
        while True:
            if prompt:
                self.out.write("> ")
                self.out.flush()
            line = lines.readline()
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            if not prompt:
                self._print(f"> {line}")
            if line in ("/quit", "/exit"):
                break
            event = self._event(line)
            if event is None:
                continue
            outcome = self.service.handle(self.who, event, self.clock())
            self._show(outcome)
            if outcome.effects:
                self.loop.run_until_complete(self._follow(outcome))
            self.audio = None
            self._show(self.service.wake(self.who.user_id, self.clock()), answer=False)
        self.loop.run_until_complete(self.desk.close())
        self.loop.close()
        return 0

    async def _follow(self, outcome: Outcome) -> None:
        async for following in follow(self.service, self.desk, self.writer, self.who, outcome, self.clock,
                                      read_news=True, transcriber=self.transcriber, audio=self.audio):
            self._show(following, answer=False)

    def _language(self) -> str:
        return self.service.language(self.who.user_id, self.who.language_code)

    def _event(self, line: str) -> Event | None:
        choice: Choice | None = None
        if line.isdigit() and self.choices:
            choice = next((c for c in self.choices if c.number == int(line)), None)
            if choice is None:
                numbers = [c.number for c in self.choices]
                said = (msg("terminal_choice", count=len(numbers)) if numbers == list(range(1, len(numbers) + 1))
                        else msg("terminal_numbers", numbers=", ".join(str(n) for n in numbers)))
                self._print(self.words.plain(said, self._language()))
                return None
        elif not line.startswith("/") and self.choices:
            choice = self._by_label(line)
        if choice is not None:
            return self._press(choice)
        event = read_line(line)
        if isinstance(event, Command) and event.name.lower() == "feeds":
            verb, _, rest = event.args.partition(" ")
            if verb.lower() == "import":
                return self._upload(rest.strip())
        if isinstance(event, Command) and event.name.lower() == "voice":
            return self._voice(event.args)
        return event

    def _voice(self, path_text: str) -> Event | None:
        """`/voice FILE.ogg`: the file, as a voice note recorded in Telegram would come (read once more only if
        the coach asks for it to be transcribed; never copied anywhere)."""
        if not path_text:
            self._print(self.words.plain(msg("terminal_voice_usage"), self._language()))
            return None
        path = Path(path_text).expanduser()
        try:
            with path.open("rb") as file:
                head = file.read(MAX_BYTES + 1)
        except OSError:
            self._print(self.words.plain(msg("terminal_voice_missing"), self._language()))
            return None
        seconds, size = ogg_seconds(head), path.stat().st_size

        async def audio() -> bytes:
            return head

        self.audio = audio
        return VoiceNote(seconds, size)

    def _by_label(self, line: str) -> Choice | None:
        """The one choice whose label begins with what was typed ("tech" for "Technology"), if only one does."""
        typed = _fold(line)
        if len(typed) < MIN_PREFIX:
            return None
        language = self._language()
        labels = {c.number: _fold(self.words.plain(c.button.label, language)) for c in self.choices}
        exact = [c for c in self.choices if labels[c.number] == typed]
        found = exact or [c for c in self.choices if labels[c.number].startswith(typed)]
        return found[0] if len(found) == 1 else None

    def _upload(self, name: str) -> Event | None:
        """`/feeds import FILE`: the file, sent as a Telegram leader sends a document."""
        language = self._language()
        if not name:
            self._print(self.words.plain(msg("terminal_import_usage"), language))
            return None
        path = Path(name).expanduser()
        try:
            with path.open("rb") as file:
                content = file.read(MAX_FILE + 1)
        except OSError:
            self._print(self.words.plain(msg("terminal_no_file", path=str(path)), language))
            return None
        return Upload(path.name, content)

    def _press(self, choice: Choice) -> Event | None:
        button = choice.button
        if button.url:
            self._print(f"→ {button.url}")
            return None
        if button.copy is not None:
            self._print(self.words.plain(msg("terminal_copy"), self._language()))
            self._print(button.copy)
            return None
        if button.action is None:
            return None
        self.pressed = choice.message
        shown = frozenset(encode(c.button.action) for c in self.choices
                          if c.message == choice.message and c.button.action is not None)
        return Press(encode(button.action), shown)

    def _show(self, outcome: Outcome, *, answer: bool = True) -> None:
        """Print an outcome. The buttons of an answer to the leader's line replace the choices shown before;
        those of what follows by itself (news read, a scheduled message) are numbered after them."""
        language = outcome.language
        if outcome.forget and self.files_dir.is_dir():  # the files written for the leader go with them
            for path in self.files_dir.iterdir():
                path.unlink(missing_ok=True)
        if outcome.toast:
            self._print(f"  ({self.words.plain(outcome.toast, language)})")
        if answer and any(not reply.edit and reply.buttons for reply in outcome.replies):  # numbers start again
            self.choices = []
            self.numbers = {}
        for reply in outcome.replies:
            self._reply(reply, language)

    def _reply(self, reply: Reply, language: str) -> None:
        self._print("")
        self._print(self.words.plain(reply.text, language))
        if reply.chart is not None:
            from bot.adapters.heatmap import render_heatmap  # Pillow loads on the first /stats only

            chart = reply.chart
            labels = {key: self.words.plain(label, language) for key, label in chart.labels}
            png = render_heatmap(chart.days, today=chart.today, labels=labels,
                                 title=self.words.plain(chart.title, language))
            self._save(f"stats-{chart.today.isoformat()}.png", png)
        if reply.document is not None:
            self._save(reply.document.file_name, reply.document.content)
        message = self._number(reply)
        for choice in self.choices:  # in the order of the message's buttons
            if choice.message == message:
                self._print(f"  {choice.number}. {self.words.plain(choice.button.label, language)}")

    def _number(self, reply: Reply) -> int:
        """Number the buttons of a reply: a message changed in place keeps the numbers of the buttons it still
        shows, and its new buttons are numbered after every number in use."""
        buttons = [button for row in reply.buttons for button in row]
        if reply.edit and self.pressed in self.numbers:
            message = self.pressed  # the same message, changed: a button shown before gets its number back
        elif not buttons:
            return 0  # a message without buttons leaves the choices as they are
        else:
            self.messages += 1
            message = self.messages
            self.numbers[message] = {}
        numbers = self.numbers[message]
        kept = [c for c in self.choices if c.message != message]
        given = [n for numbered in self.numbers.values() for n in numbered.values()]  # never given twice
        following = max([c.number for c in kept] + given, default=0) + 1
        for button in buttons:
            number = numbers.get(_key(button))
            if number is None:
                number = numbers[_key(button)] = following
                following += 1
            kept.append(Choice(number, message, button))
        self.choices = kept
        return message

    def _save(self, name: str, content: bytes) -> None:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / name
        path.write_bytes(content)
        self._print(f"  [{path}]")

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
