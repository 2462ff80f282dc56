"""The `coachbot` command: run the bot, chat with the coach in a terminal, check the content."""

from __future__ import annotations

import argparse
import sys
import time

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

    logs.configure(settings.log_level, settings.secrets, settings.log_format)
    application = build_application(settings)
    if not settings.webhook:  # long polling (the web server, if any, starts and stops with the bot)
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return 0
    import asyncio
    import signal

    from bot.app import serve_webhook

    async def webhook() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve_webhook(application, settings, stop)

    asyncio.run(webhook())
    return 0


def _chat(settings: Settings, language: str | None) -> int:
    from bot import logs
    from bot.adapters.terminal import TerminalChat
    from bot.adapters.words import Words
    from bot.app import build_service, build_transcriber
    from bot.clock import utc_now
    from bot.writing import Writer

    logs.configure("WARNING", settings.secrets)
    service, desk = build_service(settings, feed_workers=0)  # suggestions from the feeds last read and stored
    writer = Writer.from_settings(settings, service.coach.content)
    chat = TerminalChat(service, desk, writer, Words(service.coach.content.catalog, "terminal"), utc_now, sys.stdout,
                        files_dir=settings.data_dir / "files", language_code=language,
                        transcriber=build_transcriber(settings))
    return chat.run(sys.stdin, prompt=sys.stdin.isatty())


def _content_check(settings: Settings) -> int:
    problems = check_content(settings.content_dir)
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in {settings.content_dir}", file=sys.stderr)
        return 1
    lessons, modules = read_course(settings.content_dir)
    counts = ", ".join(
        f"{lang}: {len(items)} lessons in {len(modules[lang])} modules" for lang, items in lessons.items()
    )
    print(f"content ok ({counts})")
    return 0


def _sources(settings: Settings, sector_id: str | None):  # type: ignore[no-untyped-def]
    from bot.adapters.content_files import read_sectors
    from bot.adapters.feeds import FeedSource

    sectors = read_sectors(settings.feeds_path)
    chosen = [s for s in sectors if sector_id is None or s.id == sector_id]
    if sector_id is not None and not chosen:
        known = ", ".join(s.id for s in sectors)
        raise SettingsError(f"unknown sector {sector_id!r}; the sectors are: {known}")
    seen: dict[str, FeedSource] = {}
    for sector in chosen:
        for feed in sector.feeds:
            seen.setdefault(feed.url, FeedSource(feed.url, feed.name, feed.language, trusted=True))
    return chosen, list(seen.values())


def _refresh(settings: Settings, sources, progress) -> tuple[dict, list]:  # type: ignore[no-untyped-def]
    """Fetch these feeds now (not only those due), store what was read, and return states and reports."""
    import asyncio
    from concurrent.futures import ProcessPoolExecutor
    from dataclasses import replace
    from datetime import UTC, datetime

    from bot.adapters.feeds import FeedFetcher
    from bot.adapters.storage import FeedStore

    store = FeedStore(settings.data_dir)
    states = {url: replace(state, retry_at=None) for url, state in store.all().items()}

    async def fetch_all():  # type: ignore[no-untyped-def]
        with ProcessPoolExecutor(2) as executor:
            fetcher = FeedFetcher(allow_private=settings.allow_private_feeds, executor=executor)
            try:
                return await fetcher.refresh(sources, states, datetime.now(UTC), on_progress=progress)
            finally:
                await fetcher.aclose()

    fresh, reports = asyncio.run(fetch_all())
    for source in sources:
        if source.url in fresh:
            store.put(fresh[source.url])
    return fresh, reports


class _Progress:
    """A progress bar on standard error (one line per feed when it is not a terminal)."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def __call__(self, report) -> None:  # type: ignore[no-untyped-def]
        self.done += 1
        width = 30
        filled = width * self.done // max(self.total, 1)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {report.name[:40]}"
        if sys.stderr.isatty():
            print(f"\r{line:<90}", end="" if self.done < self.total else "\n", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)


PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def _proxy_variable() -> str | None:
    """The name of the proxy variable that httpx will use, if one is set (its value may hold a password)."""
    import os

    return next((name for name in PROXY_VARIABLES if os.environ.get(name)), None)


def _names_resolve(urls: list[str], wait: float = 5.0) -> bool:
    """Whether any of the feeds' host names resolves (three of them at most, `wait` seconds at most; the
    look-ups run in daemon threads, so one that hangs never holds the command's exit)."""
    import socket
    import threading
    from urllib.parse import urlsplit

    hosts = [host for host in dict.fromkeys(urlsplit(url).hostname or "" for url in urls) if host][:3]
    resolved = threading.Event()
    finished = threading.Semaphore(0)

    def look_up(host: str) -> None:
        try:
            if socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM):
                resolved.set()
        except (OSError, UnicodeError):
            pass
        finally:
            finished.release()

    for host in hosts:
        threading.Thread(target=look_up, args=(host,), daemon=True).start()
    deadline = time.monotonic() + wait
    for _ in hosts:
        if resolved.is_set() or not finished.acquire(timeout=max(deadline - time.monotonic(), 0)):
            break
    return resolved.is_set()


def _feeds_check(settings: Settings, as_json: bool) -> int:
    """Read every configured feed now and print its status and how recent its news is; 1 if any failed."""
    import json
    from datetime import UTC, datetime

    from bot.core.feedstate import describe_age, likely_cause, newest_age, newest_item

    _, sources = _sources(settings, None)
    states, reports = _refresh(settings, sources, _Progress(len(sources)))
    now = datetime.now(UTC)
    rows = []
    for r in reports:
        state = states.get(r.url)
        newest = newest_item(state) if state is not None else None
        found = newest_age(state, now) if state is not None else None
        rows.append({"name": r.name, "url": r.url, "status": r.status, "items": r.items,
                     "seconds": round(r.seconds, 3), "error": r.error,
                     "newest": newest.isoformat() if newest else None, "age": describe_age(found),
                     "stale": bool(found and found.stale)})
    failing = [row for row in rows if row["status"] == "error"]
    cause = None
    if rows and len(failing) == len(rows):
        errors = [row["error"] or "" for row in failing]
        cause = likely_cause(errors, proxy=_proxy_variable(), names_resolve=_names_resolve([r["url"] for r in rows]))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            error = f"  {row['error']}" if row["error"] else ""
            age = f"  ({row['age']})" if row["newest"] else ""
            print(f"{row['status']:<13} {row['items']:>4} items {row['seconds']:>6.2f}s  {row['name']}{age}{error}")
        stale = sum(1 for row in rows if row["stale"])
        quiet = f", {stale} with nothing new for a month or more" if stale else ""
        print(f"{len(rows)} feeds, {len(failing)} failing{quiet}")
    if cause:
        print(f"every feed failed; {cause}", file=sys.stderr if as_json else sys.stdout)
    return 1 if failing else 0


def _writer(settings: Settings):  # type: ignore[no-untyped-def]
    """The writer of posts for the command line: the model when configured, else the composer."""
    from bot.adapters.content_files import read_drafts, read_prompts
    from bot.core.content import Catalog, Content
    from bot.writing import Writer

    content = Content(courses={}, catalog=Catalog({}), sectors=(), drafts=read_drafts(settings.content_dir),
                      prompts=read_prompts(settings.content_dir))
    return Writer.from_settings(settings, content)


def _post_row(post, item_language: str | None) -> dict:  # type: ignore[no-untyped-def]
    from bot.core.sharing import linkedin_compose_url, x_post_url

    return {"linkedin": post.linkedin, "x": post.x, "language": post.language, "item_language": item_language,
            "writer": post.writer, "linkedin_url": linkedin_compose_url(post.linkedin), "x_url": x_post_url(post)}


def _chat_leader(settings: Settings):  # type: ignore[no-untyped-def]
    """The leader of `coachbot chat` in this data directory, if there is one."""
    from bot.adapters.storage import LeaderStore
    from bot.adapters.terminal import TERMINAL_USER_ID

    try:
        return LeaderStore(settings.data_dir).get(TERMINAL_USER_ID)
    except Exception:  # an unreadable store: there is no default to take from it
        return None


def _suggest(settings: Settings, sector_id: str | None, language: str | None, limit: int, as_json: bool) -> int:
    import asyncio
    import json
    from datetime import UTC, datetime

    from bot.adapters.content_files import read_sectors
    from bot.adapters.language import with_language
    from bot.core.feedstate import likely_cause
    from bot.core.posts import PostRequest, topics_for
    from bot.core.suggest import Taste, rank

    leader = _chat_leader(settings) if sector_id is None or language is None else None
    if sector_id is None:  # the sector chosen in `coachbot chat`, else the leader is asked to choose one
        sector_id = leader.sector if leader is not None and leader.sector else None
        if sector_id is None:
            sectors = read_sectors(settings.feeds_path)
            listed = "\n".join(f"  {s.id:<12} {s.label('en')}" for s in sectors)
            print(f"coachbot: choose a sector, for example: coachbot suggest --sector {sectors[0].id}\n"
                  f"the sectors are:\n{listed}", file=sys.stderr)
            return 2
    language = language or (leader.language if leader is not None else "en")
    (sector,), sources = _sources(settings, sector_id)
    states, reports = _refresh(settings, sources, _Progress(len(sources)))
    failing = [r for r in reports if r.status == "error"]
    if reports and len(failing) == len(reports):
        cause = likely_cause([r.error or "" for r in failing], proxy=_proxy_variable(),
                             names_resolve=_names_resolve([r.url for r in reports]))
        print(f"coachbot: every feed of {sector.label('en')} failed ({len(failing)} of {len(reports)}); {cause}",
              file=sys.stderr)
        return 1
    items = [item for source in sources if source.url in states for item in states[source.url].items]
    items = with_language(items)  # those whose feed declares no language: told by their words
    now = datetime.now(UTC)
    picks = rank(items, keywords=sector.all_keywords(), taste=Taste(), now=now, language=language, limit=limit)
    writer = _writer(settings)
    requests = [
        PostRequest(title=p.item.title, link=p.item.link, source=p.item.source, summary=p.item.summary,
                    item_language=p.item.language, language=language, variant=now.date().toordinal(),
                    topics=topics_for(p.topics, sector.keywords.get(language, ())))
        for p in picks
    ]

    async def write_all():  # type: ignore[no-untyped-def]
        return await asyncio.gather(*(writer.write(request) for request in requests))

    posts = asyncio.run(write_all()) if requests else []
    rows = [
        {"title": p.item.title, "link": p.item.link, "source": p.item.source,
         "published": p.item.published.isoformat() if p.item.published else None, "score": round(p.score, 3),
         "draft": _post_row(post, p.item.language)}
        for p, post in zip(picks, posts, strict=True)
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print(f"no recent item to suggest for {sector.label(language)} (read {len(items)} items)")
    else:
        for number, (row, post) in enumerate(zip(rows, posts, strict=True), 1):
            print(f"{number}. {row['title']}\n   {row['source']} · {row['published'] or '?'} · score {row['score']}")
            print(f"   {row['link']}\n")
            print("   " + post.linkedin.replace("\n", "\n   ") + "\n")
    return 0


TAKE_ANGLES = ("the take first", "the fact first, then the take", "a lesson from experience", "a question to peers",
               "a contrarian line")


def _draft_topics(settings: Settings, item, language: str) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """The sectors' keywords in the leader's language that the article matches: its hashtags."""
    from bot.adapters.content_files import read_sectors
    from bot.core.matching import find_matches, item_profile, keyword_phrases
    from bot.core.posts import topics_for

    try:
        sectors = read_sectors(settings.feeds_path)
    except Exception:  # noqa: BLE001 (no feeds file: no hashtags, still a post)
        return ()
    keywords = tuple(dict.fromkeys(k for sector in sectors for k in sector.all_keywords()))
    matches = find_matches(keyword_phrases(keywords), item_profile(item.link, item.title, item.summary))
    own = tuple(k for sector in sectors for k in sector.keywords.get(language, ()))
    return topics_for(tuple(dict.fromkeys(phrase.text for _, _, phrase in matches)), own)


def _draft(settings: Settings, url: str, take: str | None, language: str, as_json: bool,
           angle: int | None = None, shorter: bool = False) -> int:
    """Posts from an article (stored feed items first, else its page) and the leader's take: every angle, or
    the one asked for (`angle`, from 1), at full length or shorter, with hashtags."""
    import asyncio
    import json

    from bot.adapters.pages import PageError, fetch_page
    from bot.adapters.storage import FeedStore
    from bot.core.news import normalise_url, safe_link
    from bot.core.posts import TAKE_LIMIT, PostRequest, hashtags

    link = safe_link(url)
    if link is None:
        return _fail("the address must be an http(s) link, such as https://example.com/article")
    take = " ".join((take or "").split()) or None
    if take is not None and len(take) > TAKE_LIMIT:
        return _fail(f"the take is {len(take)} characters: one or two sentences, at most {TAKE_LIMIT}, please")
    writer = _writer(settings)
    count = len(writer.templates[language].take_linkedin if take else writer.templates[language].linkedin)
    if angle is not None and not 1 <= angle <= count:
        return _fail(f"--angle is a number from 1 to {count} (the angles {'around a take' if take else 'of a draft'})")
    wanted = normalise_url(link)
    stored = (item for state in FeedStore(settings.data_dir).all().values() for item in state.items)
    item = next((item for item in stored if normalise_url(item.link) == wanted), None)
    if item is None:
        try:
            item = fetch_page(link)
        except PageError as error:
            return _fail(f"cannot read {link}: {error}")
    item_language = item.language
    if item_language is None:
        from bot.adapters.language import detect

        item_language = detect(f"{item.title}. {item.summary}")
    topics = _draft_topics(settings, item, language)
    angles = [angle - 1] if angle is not None else list(range(count))
    requests = [PostRequest(title=item.title, link=item.link, source=item.source, summary=item.summary,
                            item_language=item_language, language=language, take=take, topics=topics,
                            angle=number, shorter=shorter) for number in angles]

    async def write_all():  # type: ignore[no-untyped-def]
        return await asyncio.gather(*(writer.write(request) for request in requests))

    posts = asyncio.run(write_all())
    rows = [{**_post_row(post, item_language), "angle": number + 1,
             "angle_name": TAKE_ANGLES[number] if take and number < len(TAKE_ANGLES) else f"frame {number + 1}",
             "shorter": shorter, "hashtags": list(hashtags(topics))}
            for number, post in zip(angles, posts, strict=True)]
    if as_json:
        print(json.dumps({"title": item.title, "link": item.link, "source": item.source, **rows[0],
                          "variants": rows}, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            if len(rows) > 1:
                print(f"=== angle {row['angle']} of {count}: {row['angle_name']} ===\n")
            print(row["linkedin"])
            print("\n--- X ---\n" + row["x"] + ("\n" if len(rows) > 1 else ""))
    return 0


def _backup(settings: Settings, to: str | None, listing: bool) -> int:
    """Write one archive of the data directory (or list the good ones)."""
    from pathlib import Path

    from bot.backup import BACKUPS, BackupError, describe, list_backups, take_backup

    folder = Path(to) if to else settings.data_dir / BACKUPS
    try:
        if listing:
            backups = list_backups(folder)
            for backup in backups:
                print(describe(backup))
            print(f"{len(backups)} good backup(s) in {folder}")
            return 0
        backup = take_backup(settings.data_dir, folder)
    except BackupError as error:
        return _fail(str(error), 1)
    print(f"backup written: {backup.path}")
    print(describe(backup))
    return 0


def _restore(settings: Settings, archive: str) -> int:
    """Put an archive back into the (empty) data directory, after checking it."""
    from pathlib import Path

    from bot.backup import BackupError, describe, restore

    try:
        backup = restore(Path(archive), settings.data_dir)
    except BackupError as error:
        return _fail(f"nothing restored: {error}", 1)
    print(f"restored into {settings.data_dir}: {describe(backup)}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line."""
    main_parser = argparse.ArgumentParser(prog="coachbot", description="A social media coach for company leaders.")
    main_parser.add_argument("--version", action="version", version=f"coachbot {__version__}")
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot on Telegram (long polling); needs TELEGRAM_BOT_TOKEN")
    chat = commands.add_parser("chat", help="talk to the coach in this terminal, no Telegram needed")
    chat.add_argument("--language", choices=("fr", "en"), help="the language to start in (default: from $LANG)")
    suggest = commands.add_parser("suggest", help="fetch a sector's feeds and print the posts worth sharing")
    suggest.add_argument("--sector", help="a sector id of the feeds file (technology, finance...); default: the "
                                          "sector chosen in `coachbot chat`, else the sectors are listed")
    suggest.add_argument("--lang", choices=("fr", "en"), help="the language of the drafts (default: the chat's, "
                                                                "else en)")
    suggest.add_argument("--limit", type=int, default=3, choices=range(1, 11), metavar="N", help="1 to 10")
    suggest.add_argument("--json", action="store_true", help="print JSON objects instead of a list")
    draft = commands.add_parser("draft", help="compose a post from an article and your take")
    draft.add_argument("url", help="the article's address (looked up in the stored feed items, else fetched)")
    draft.add_argument("--take", help="your own view, one or two sentences, kept word for word")
    draft.add_argument("--lang", choices=("fr", "en"), default="en", help="the language of the post")
    draft.add_argument("--angle", type=int, metavar="N",
                       help="only this angle (1: the take first, 2: the fact first, 3: a lesson, 4: a question to "
                            "peers, 5: a contrarian line); every angle by default")
    draft.add_argument("--shorter", action="store_true", help="the short version (no summary, no question)")
    draft.add_argument("--json", action="store_true", help="print a JSON object (its \"variants\": every angle)")
    feeds = commands.add_parser("feeds", help="work with the configured feeds")
    feeds_commands = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    check = feeds_commands.add_parser("check", help="fetch every configured feed and print its status")
    check.add_argument("--json", action="store_true", help="print JSON objects instead of a table")
    backup = commands.add_parser("backup", help="write one archive of the data directory (safe while the bot runs)")
    backup.add_argument("--to", metavar="DIR", help="where to write it (default: the data directory's backups/)")
    backup.add_argument("--list", action="store_true", help="list the good archives there instead")
    restore = commands.add_parser("restore", help="restore an archive into an empty data directory")
    restore.add_argument("archive", help="the archive (coachbot-backup-....tar.gz)")
    commands.add_parser("doctor", help="check the set-up, one line per part with the fix; 1 if anything is wrong")
    content = commands.add_parser("content", help="work with the lessons and messages")
    content_commands = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    content_commands.add_parser("check", help="validate the whole course and the messages; non-zero on problems")
    return main_parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `coachbot` command."""
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env(partial_publishing=args.command == "doctor")
        if args.command == "run":
            return _run(settings)
        if args.command == "chat":
            import os

            language = args.language or ("fr" if os.environ.get("LANG", "").startswith("fr") else None)
            return _chat(settings, language)
        if args.command == "suggest":
            from bot import logs

            logs.configure("WARNING", settings.secrets)
            return _suggest(settings, args.sector, args.lang, args.limit, args.json)
        if args.command == "draft":
            from bot import logs

            logs.configure("WARNING", settings.secrets)
            return _draft(settings, args.url, args.take, args.lang, args.json, args.angle, args.shorter)
        if args.command == "feeds":
            from bot import logs

            logs.configure("WARNING", settings.secrets)
            return _feeds_check(settings, args.json)
        if args.command == "doctor":
            from bot import logs
            from bot.doctor import run_doctor

            logs.configure("CRITICAL", settings.secrets)
            return run_doctor(settings, sys.stdout)
        if args.command == "backup":
            return _backup(settings, args.to, args.list)
        if args.command == "restore":
            return _restore(settings, args.archive)
        return _content_check(settings)
    except (SettingsError, ContentError, StorageError) as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
