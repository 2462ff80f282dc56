"""The coach in a terminal: lines in, replies out, buttons shown as numbered choices.

Reads the leader's lines from any text stream (a TTY or a piped script) and talks to the same service as the
Telegram front end. A number answers the last buttons shown; a line starting with "/" is a command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.core.coach import Button, Command, Event, Outcome, Press, Text, Who
from bot.core.markup import html_to_text
from bot.core.parse import language_from_code
from bot.service import CoachService

TERMINAL_USER_ID = 1


class TerminalChat:
    """One leader talking to the coach on standard input and output."""

    def __init__(self, service: CoachService, clock: Callable[[], datetime], out: TextIO, *,
                 files_dir: Path, language_code: str | None = None, user_id: int = TERMINAL_USER_ID) -> None:
        self.service = service
        self.clock = clock
        self.out = out
        self.files_dir = files_dir
        self.who = Who(user_id, user_id, language_code)
        self.choices: list[Button] = []

    def run(self, lines: TextIO, *, prompt: bool = False) -> int:
        """Read lines until the end of input or /quit; return the exit status."""
        self._print(self.service.coach.t(self._language(), "terminal_intro"))
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
            self._show(self.service.handle(self.who, event, self.clock()))
            self._show(self.service.wake(self.who.user_id, self.clock()))
        return 0

    def _language(self) -> str:
        leader = self.service.store.get(self.who.user_id)
        if leader:
            return leader.language
        return language_from_code(self.who.language_code)

    def _event(self, line: str) -> Event | None:
        if line.isdigit() and self.choices:
            index = int(line) - 1
            if not 0 <= index < len(self.choices):
                self._print(self.service.coach.t(self._language(), "terminal_choice", count=len(self.choices)))
                return None
            button = self.choices[index]
            if button.url:
                self._print(f"→ {button.url}")
                return None
            return Press(button.data or "")
        if line.startswith("/"):
            head, _, rest = line.partition(" ")
            return Command(head[1:], rest.strip())
        return Text(line)

    def _show(self, outcome: Outcome) -> None:
        if outcome.toast:
            self._print(f"  ({outcome.toast})")
        if outcome.replies:
            self.choices = []
        for reply in outcome.replies:
            self._print("")
            self._print(html_to_text(reply.text))
            if reply.chart is not None:
                from bot.adapters.heatmap import render_heatmap  # matplotlib loads on the first /stats only

                chart = reply.chart
                png = render_heatmap(chart.days, today=chart.today, labels=dict(chart.labels), title=chart.title)
                self.files_dir.mkdir(parents=True, exist_ok=True)
                path = self.files_dir / f"stats-{chart.today.isoformat()}.png"
                path.write_bytes(png)
                self._print(f"  [{path}]")
            if reply.document is not None:
                self.files_dir.mkdir(parents=True, exist_ok=True)
                path = self.files_dir / reply.document.file_name
                path.write_bytes(reply.document.content)
                self._print(f"  [{path}]")
            for row in reply.buttons:
                for button in row:
                    self.choices.append(button)
                    self._print(f"  {len(self.choices)}. {button.label}")

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
