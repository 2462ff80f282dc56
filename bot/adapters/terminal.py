"""The coach in a terminal: lines in, replies out, buttons shown as numbered choices.

Reads the leader's lines from any text stream (a TTY or a piped script) and talks to the same service as the
Telegram front end, through the same parsing (`read_line`) and the same words (`Words`). A number answers the
last buttons shown: an action is pressed, a link is printed, a text to copy is printed whole.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from bot.adapters.words import Words
from bot.clock import Clock
from bot.core.actions import encode
from bot.core.events import Event, Press, Who, read_line
from bot.core.replies import Button, Outcome, Reply, msg
from bot.effects import follow
from bot.newsdesk import NewsDesk
from bot.service import CoachService
from bot.writing import Writer

TERMINAL_USER_ID = 1


class TerminalChat:
    """One leader talking to the coach on standard input and output."""

    def __init__(self, service: CoachService, desk: NewsDesk, writer: Writer, words: Words, clock: Clock,
                 out: TextIO, *,
                 files_dir: Path, language_code: str | None = None, user_id: int = TERMINAL_USER_ID) -> None:
        self.service = service
        self.desk = desk
        self.writer = writer
        self.loop = asyncio.new_event_loop()  # one loop for the chat's reading of feeds (connections live in it)
        self.words = words
        self.clock = clock
        self.out = out
        self.files_dir = files_dir
        self.who = Who(user_id, user_id, language_code)
        self.choices: list[Button] = []

    def run(self, lines: TextIO, *, prompt: bool = False) -> int:
        """Read lines until the end of input or /quit; return the exit status."""
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
            if line in ("/quit", "/exit"):
                break
            event = self._event(line)
            if event is None:
                continue
            outcome = self.service.handle(self.who, event, self.clock())
            self._show(outcome)
            if outcome.effects:
                self.loop.run_until_complete(self._follow(outcome))
            self._show(self.service.wake(self.who.user_id, self.clock()))
        self.loop.run_until_complete(self.desk.close())
        self.loop.close()
        return 0

    async def _follow(self, outcome: Outcome) -> None:
        async for following in follow(self.service, self.desk, self.writer, self.who, outcome, self.clock,
                                      read_news=False):
            self._show(following)

    def _language(self) -> str:
        return self.service.language(self.who.user_id, self.who.language_code)

    def _event(self, line: str) -> Event | None:
        if line.isdigit() and self.choices:
            index = int(line) - 1
            if not 0 <= index < len(self.choices):
                self._print(self.words.plain(msg("terminal_choice", count=len(self.choices)), self._language()))
                return None
            button = self.choices[index]
            if button.url:
                self._print(f"→ {button.url}")
                return None
            if button.copy is not None:
                self._print(self.words.plain(msg("terminal_copy"), self._language()))
                self._print(button.copy)
                return None
            if button.action is None:
                return None
            shown = frozenset(encode(b.action) for b in self.choices if b.action is not None)
            return Press(encode(button.action), shown)
        return read_line(line)

    def _show(self, outcome: Outcome) -> None:
        language = outcome.language
        if outcome.forget and self.files_dir.is_dir():  # the files written for the leader go with them
            for path in self.files_dir.iterdir():
                path.unlink(missing_ok=True)
        if outcome.toast:
            self._print(f"  ({self.words.plain(outcome.toast, language)})")
        if outcome.replies:
            self.choices = []
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
        for row in reply.buttons:
            for button in row:
                self.choices.append(button)
                self._print(f"  {len(self.choices)}. {self.words.plain(button.label, language)}")

    def _save(self, name: str, content: bytes) -> None:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / name
        path.write_bytes(content)
        self._print(f"  [{path}]")

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
