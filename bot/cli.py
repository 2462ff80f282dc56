"""The `coachbot` command: run the bot, chat with the coach in a terminal, check the content."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot import __version__
from bot.adapters.content_files import ContentError, check_content, read_course
from bot.adapters.storage import StorageError
from bot.settings import Settings, SettingsError


def _fail(message: str, status: int = 2) -> int:
    print(f"coachbot: {message}", file=sys.stderr)
    return status


def _run(settings: Settings) -> int:
    if not settings.token:
        return _fail("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token (see README).")
    from telegram import Update

    from bot import logs
    from bot.app import build_application

    logs.configure(settings.log_level, settings.secrets)
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def _chat(settings: Settings, language: str | None) -> int:
    from bot import logs
    from bot.adapters.telegram import utc_now
    from bot.adapters.terminal import TerminalChat
    from bot.app import build_service

    logs.configure("WARNING", settings.secrets)
    service, _ = build_service(settings, feed_workers=0)  # suggestions from the feeds last read and stored
    chat = TerminalChat(service, utc_now, sys.stdout, files_dir=settings.data_dir / "files", language_code=language)
    return chat.run(sys.stdin, prompt=sys.stdin.isatty())


def _content_check(settings: Settings) -> int:
    problems = check_content(settings.content_dir)
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in {settings.content_dir}", file=sys.stderr)
        return 1
    lessons, modules = read_course(settings.content_dir)
    counts = ", ".join(f"{lang}: {len(items)} lessons in {len(modules[lang])} modules" for lang, items in lessons.items())
    print(f"content ok ({counts})")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line."""
    main_parser = argparse.ArgumentParser(prog="coachbot", description="A social media coach for company leaders.")
    main_parser.add_argument("--version", action="version", version=f"coachbot {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot on Telegram (long polling); needs TELEGRAM_BOT_TOKEN")
    chat = commands.add_parser("chat", help="talk to the coach in this terminal, no Telegram needed")
    chat.add_argument("--language", choices=("fr", "en"), help="the language to start in (default: from $LANG)")
    content = commands.add_parser("content", help="work with the lessons and messages")
    content_commands = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    content_commands.add_parser("check", help="validate the whole course and the messages; non-zero on problems")
    return main_parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `coachbot` command."""
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "run":
            return _run(settings)
        if args.command == "chat":
            import os

            language = args.language or ("fr" if os.environ.get("LANG", "").startswith("fr") else None)
            return _chat(settings, language)
        return _content_check(settings)
    except (SettingsError, ContentError, StorageError) as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
