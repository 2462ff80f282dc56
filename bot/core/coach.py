"""The coach: what to store and what to say for each thing a leader does, and at each scheduled moment.

`Coach.handle` takes the stored leader (or None for a stranger), who is speaking, what they did and the current
time, and returns an `Outcome`: the leader to store and the replies to send. `Coach.wake` does the same for the
scheduled moments (the daily lesson, the "later" reminder). Nothing here performs any input or output.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from bot.core import schedule
from bot.core.codec import leader_to_dict
from bot.core.content import Content, Course, Lesson
from bot.core.drafting import draft, linkedin_share_url, x_intent_url
from bot.core.feedurl import feed_url_problem
from bot.core.habit import Day, Habit
from bot.core.history import days_of, habit_of
from bot.core.markup import MAX_MESSAGE, Html, escape, html_to_text, shorten
from bot.core.model import (
    LANGUAGES,
    ONBOARDING_STEPS,
    Delivery,
    Leader,
    LessonEvent,
    Offer,
    OwnFeed,
    Pause,
    PostEvent,
    Reminder,
    Schedule,
    ScheduleChange,
)
from bot.core.news import Item
from bot.core.opml import OpmlError, read_opml, write_opml
from bot.core.parse import (
    InputError,
    language_from_code,
    parse_days,
    parse_language,
    parse_pause_days,
    parse_remind,
    parse_time,
    parse_timezone,
)
from bot.core.suggest import Pool, Suggestion, learn, rank, remember

# --- what comes in -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    """Who is speaking: their user id, their chat, and the language their app reports."""

    user_id: int
    chat_id: int
    language_code: str | None = None


@dataclass(frozen=True)
class Command:
    """A slash command with the rest of its line."""

    name: str
    args: str = ""


@dataclass(frozen=True)
class Text:
    """A line of free text."""

    text: str


@dataclass(frozen=True)
class Press:
    """A press on one of the bot's inline buttons."""

    data: str


@dataclass(frozen=True)
class Upload:
    """A file the leader sent (an OPML list of feeds, for instance)."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class Other:
    """Anything else: a sticker, a photo, a voice note..."""

    kind: str


Event = Command | Text | Press | Upload | Other

# --- what goes out -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """An inline button: a callback (data), a link (url) or a text to copy (copy)."""

    label: str
    data: str | None = None
    url: str | None = None
    copy: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Document:
    """A file to send."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class Chart:
    """The habit heatmap to draw: the days to show, and its words in the leader's language."""

    days: tuple[Day, ...]
    today: date
    labels: tuple[tuple[str, str], ...]
    title: str


@dataclass(frozen=True)
class Reply:
    """A message to send, or (edit=True) the new state of the message whose button was pressed.

    With a document or a chart, `text` is the caption.
    """

    text: str
    buttons: Keyboard = ()
    edit: bool = False
    document: Document | None = None
    chart: Chart | None = None
    lesson_id: str | None = None  # set on the daily lesson, so that its message id can be kept


@dataclass(frozen=True)
class Outcome:
    """What to store and what to say."""

    leader: Leader | None
    replies: tuple[Reply, ...] = ()
    toast: str | None = None
    forget: bool = False


# --- choices offered as buttons ------------------------------------------------------------------------------

TIMEZONE_CHOICES: tuple[tuple[str, str], ...] = (
    ("Paris", "Europe/Paris"),
    ("London", "Europe/London"),
    ("New York", "America/New_York"),
    ("Montréal", "America/Montreal"),
    ("Casablanca", "Africa/Casablanca"),
    ("Dubai", "Asia/Dubai"),
    ("Singapore", "Asia/Singapore"),
    ("UTC", "UTC"),
)
TIME_CHOICES: tuple[time, ...] = (time(7, 0), time(7, 30), time(8, 0), time(8, 30), time(9, 0), time(12, 30))
DAY_CHOICES: tuple[frozenset[int], ...] = (
    frozenset(range(5)),
    frozenset(range(7)),
    frozenset({0, 2, 4}),
    frozenset({1, 3}),
)
COMMANDS: tuple[str, ...] = (
    "today", "done", "skip", "roadmap", "stats", "suggest", "interests", "feeds", "remind", "settings",
    "timezone", "language", "pause", "resume", "export", "delete", "help", "start",
)
MAX_ECHO = 32
HEATMAP_DAYS = 12 * 7
GENTLE_AFTER = 5  # scheduled days without any action, after which the morning asks for one easy step
# Button verbs that answer a question, and the question (step) they answer.
ANSWER_VERBS = {"lang": "language", "tz": "timezone", "time": "time", "days": "days", "sec": "sector",
                "nudge": "nudge", "goal": "goal", "sugg": "suggest"}
SETTING_STEPS = (*ONBOARDING_STEPS, "nudge", "goal", "suggest")
NUDGE_CHOICES: tuple[time, ...] = (time(17, 0), time(18, 0), time(19, 0), time(20, 0))
MAX_REMINDERS = 10
MAX_INTERESTS = 20
MAX_INTEREST_CHARS = 40
MAX_OWN_FEEDS = 20
MAX_SUGGESTIONS = 5
KEPT_OFFERS = 30  # offers remembered, so that buttons on recent messages keep working
OFFER_VERBS = {"sp": "posted", "sn": "irrelevant", "sa": "another"}
NUDGES = 5  # nudge_0 .. nudge_4 in the catalog, taken in turn


def _is_off(value: str) -> bool:
    return value.strip().lower() in ("off", "non", "no", "aucun", "none", "stop")


def _days_code(days: frozenset[int]) -> str:
    return "".join(str(d) for d in sorted(days))


def _parse_days_code(code: str) -> frozenset[int]:
    if not code or not code.isdigit() or len(code) > 7 or any(c > "6" for c in code):
        raise InputError("error_days")
    return frozenset(int(c) for c in code)


class Coach:
    """Decides what to store and what to say; stateless apart from the content it speaks with."""

    def __init__(self, content: Content, *, allow_private_feeds: bool = False) -> None:
        self.content = content
        self.allow_private_feeds = allow_private_feeds
        self._commands: dict[str, Callable[[Leader, Who, str, datetime], Outcome]] = {
            "today": self._today,
            "done": self._done_command,
            "skip": self._skip,
            "roadmap": self._roadmap,
            "stats": self._stats,
            "suggest": lambda leader, who, args, now: self._suggest(leader, now, ()),
            "interests": self._interests,
            "feeds": self._feeds,
            "remind": self._remind,
            "settings": self._settings,
            "timezone": self._timezone,
            "language": self._language,
            "pause": self._pause,
            "resume": self._resume,
            "export": self._export,
            "delete": self._delete,
        }

    # --- words -----------------------------------------------------------------------------------------------

    def t(self, language: str, key: str, /, **values: object) -> str:
        """A sentence of the catalog."""
        return self.content.catalog.text(language, key, **values)

    def command_menu(self, language: str) -> list[tuple[str, str]]:
        """The command menu in a language: (command, description)."""
        return [(name, self.t(language, f"cmd_{name}")) for name in COMMANDS]

    def refusal(self, language_code: str | None) -> str:
        """The answer to someone who is not allowed to use this bot."""
        return self.t(language_from_code(language_code), "not_allowed")

    def error_reply(self, language: str) -> str:
        """The answer when something failed on our side."""
        return self.t(language, "internal_error")

    def _course(self, leader: Leader) -> Course:
        return self.content.courses[leader.language]

    def _time(self, at: time) -> str:
        return at.strftime("%H:%M")

    def _day_names(self, language: str) -> list[str]:
        return self.t(language, "day_names").split(",")

    def _days(self, language: str, days: frozenset[int]) -> str:
        if days == frozenset(range(7)):
            return self.t(language, "days_every")
        if days == frozenset(range(5)):
            return self.t(language, "days_weekdays")
        names = self._day_names(language)
        return ", ".join(names[d] for d in sorted(days))

    def _when(self, leader: Leader, at: datetime | None) -> str:
        if at is None:
            return self.t(leader.language, "no_next_lesson")
        local = schedule.local_now(at, leader.timezone)
        day_name = self._day_names(leader.language)[local.weekday()]
        return f"{day_name} {local.strftime('%d/%m')} {self._time(local.time())}"

    def _date(self, leader: Leader, day: date) -> str:
        return f"{self._day_names(leader.language)[day.weekday()]} {day.strftime('%d/%m/%Y')}"

    def _sector(self, leader: Leader) -> str:
        sector = self.content.sector(leader.sector)
        return sector.label(leader.language) if sector else self.t(leader.language, "sector_none")

    def _summary(self, leader: Leader, now: datetime) -> str:
        if not leader.schedule.enabled:
            return self.t(leader.language, "schedule_off")
        text = self.t(
            leader.language,
            "schedule_summary",
            time=self._time(leader.schedule.at),
            timezone=leader.timezone,
            days=self._days(leader.language, leader.schedule.days),
            next=self._when(leader, schedule.next_slot(leader, now)),
        )
        pause = leader.pause_on(schedule.local_today(leader, now))
        if pause is not None:
            text += "\n" + self.t(leader.language, "paused_until", date=self._date(leader, pause.end))
        return text

    # --- entry points ----------------------------------------------------------------------------------------

    def handle(self, leader: Leader | None, who: Who, event: Event, now: datetime,
               news: Sequence[Item] | Pool = ()) -> Outcome:
        """Answer one thing a leader did; `news` holds the items their suggestions are chosen from."""
        if isinstance(event, Command):
            if event.name.lower() == "suggest" and leader is not None:
                return self._suggest(leader, now, news)
            return self._command(leader, who, event, now)
        language = leader.language if leader else language_from_code(who.language_code)
        if leader is None:
            if isinstance(event, Press):
                return Outcome(None, toast=self.t(language, "start_first"))
            return Outcome(None, (Reply(self.t(language, "start_first")),))
        if isinstance(event, Press):
            verb, _, ref = event.data.partition(":")
            if verb in OFFER_VERBS:
                return self._press_offer(leader, OFFER_VERBS[verb], ref, now, news)
            return self._press(leader, event.data, now)
        if isinstance(event, Upload):
            return self._import_feeds(leader, event)
        if isinstance(event, Text):
            if leader.awaiting:
                return self._answer(leader, leader.awaiting, event.text, now, typed=True)
            return Outcome(leader, (Reply(self.t(language, "free_text")),))
        return Outcome(leader, (Reply(self.t(language, "unsupported_message")),))

    def wake(self, leader: Leader, now: datetime, news: Sequence[Item] | Pool = ()) -> Outcome:
        """Act at a scheduled moment: the day's lesson, a lesson put off for later, reminders, the evening nudge.

        What is sent is recorded in the returned leader (the day's lesson as delivered, a reminder as sent), so
        that storing it before sending makes each of them go out at most once.
        """
        if not leader.active:
            return Outcome(leader)
        lang = leader.language
        replies: list[Reply] = []
        slot = schedule.due_slot(leader, now)
        if slot is not None:
            day = schedule.local_now(slot, leader.timezone).date()
            lesson = self._course(leader).current(leader.finished_ids)
            leader = leader.with_(delivery=Delivery(day, lesson.id if lesson else ""), later_at=None)
            if lesson is not None:
                habit = habit_of(leader, day)
                leader, notice = self._freeze_notice(leader, habit)
                intro = "intro_gentle" if habit.idle_scheduled_days >= GENTLE_AFTER else "intro_daily"
                if notice:
                    replies.append(Reply(notice))
                replies.append(self._lesson_reply(leader, lesson, now, intro=intro))
                gentle = intro == "intro_gentle"
                limit = min(1, leader.suggestions_per_day) if gentle else leader.suggestions_per_day
                if limit:
                    leader, offer = self._offers(leader, now, news, limit,
                                                 "suggest_intro_gentle" if gentle else "suggest_intro")
                    if offer is not None:
                        replies.append(offer)
        elif leader.later_at is not None and leader.later_at <= now:
            lesson = self._pending_lesson(leader)
            leader = leader.with_(later_at=None)
            if lesson is not None and not schedule.is_paused(leader, schedule.local_today(leader, now)):
                replies.append(self._lesson_reply(leader, lesson, now, intro="intro_later"))
        reminders = list(leader.reminders)
        for index, reminder in enumerate(reminders):
            day = schedule.due_reminder(leader, reminder, now)
            if day is not None:
                reminders[index] = Reminder(reminder.days, reminder.at, reminder.text, day)
                replies.append(Reply(self.t(lang, "reminder", text=reminder.text)))
        leader = leader.with_(reminders=tuple(reminders))
        nudge_day = schedule.due_nudge(leader, now)
        if nudge_day is not None and slot is None:
            key = f"nudge_{leader.nudge_turn % NUDGES}"
            leader = leader.with_(nudged_on=nudge_day, nudge_turn=leader.nudge_turn + 1)
            keyboard = ((Button(self.t(lang, "button_today"), data="go:today"),),)
            replies.append(Reply(self.t(lang, key), keyboard))
        return Outcome(leader, tuple(replies))

    def next_wake(self, leader: Leader, now: datetime) -> datetime | None:
        """When `wake` must next run for this leader (None: nothing scheduled)."""
        if not leader.active:
            return None
        return schedule.next_wake(leader, now)

    # --- commands --------------------------------------------------------------------------------------------

    def _command(self, leader: Leader | None, who: Who, event: Command, now: datetime) -> Outcome:
        language = leader.language if leader else language_from_code(who.language_code)
        name = event.name.lower()
        if name == "start":
            return self._start(leader, who, now)
        if name == "help":
            return Outcome(leader, (Reply(self.t(language, "help")),))
        handler = self._commands.get(name)
        if handler is None:
            shown = shorten(event.name, MAX_ECHO)
            return Outcome(leader, (Reply(self.t(language, "unknown_command", command="/" + shown)),))
        if leader is None:
            return Outcome(None, (Reply(self.t(language, "start_first")),))
        return handler(leader, who, event.args.strip(), now)

    def _start(self, leader: Leader | None, who: Who, now: datetime) -> Outcome:
        if leader is None:
            leader = Leader(
                user_id=who.user_id,
                chat_id=who.chat_id,
                language=language_from_code(who.language_code),
                created_at=now,
                awaiting="language",
            )
            return Outcome(leader, (self._ask(leader, "language", welcome=True),))
        leader = leader.with_(active=True, chat_id=who.chat_id)
        if not leader.onboarded:
            step = leader.awaiting or ONBOARDING_STEPS[0]
            return Outcome(leader.with_(awaiting=step), (self._ask(leader, step, welcome=True),))
        text = self.t(leader.language, "welcome_back", summary=Html(self._summary(leader, now)))
        keyboard = ((Button(self.t(leader.language, "button_today"), data="go:today"),),)
        return Outcome(leader.with_(awaiting=None), (Reply(text, keyboard),))

    def _today(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        if not leader.onboarded:
            return self._reask(leader)
        lesson = self._course(leader).current(leader.finished_ids)
        if lesson is None:
            return Outcome(leader, (Reply(self.t(leader.language, "roadmap_complete")),))
        today = schedule.local_today(leader, now)
        if leader.delivery is None or leader.delivery.local_date != today or leader.delivery.lesson_id != lesson.id:
            leader = leader.with_(delivery=Delivery(today, lesson.id))
        return Outcome(leader, (self._lesson_reply(leader, lesson, now),))

    def _pending_lesson(self, leader: Leader) -> Lesson | None:
        """The lesson last delivered, if it is neither done nor skipped."""
        if leader.delivery is None or leader.delivery.lesson_id in leader.finished_ids:
            return None
        return self._course(leader).lesson(leader.delivery.lesson_id)

    def _record(self, leader: Leader, lesson: Lesson, kind: str, now: datetime) -> Leader:
        event = LessonEvent(lesson.id, kind, now, schedule.local_today(leader, now))
        return leader.with_(events=(*leader.events, event), later_at=None)

    def _done_command(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        lesson = self._pending_lesson(leader)
        if lesson is None:
            return Outcome(leader, (Reply(self.t(leader.language, "nothing_to_mark")),))
        leader = self._record(leader, lesson, "done", now)
        text = self.t(
            leader.language, "done_recorded", title=lesson.title,
            next=self._when(leader, schedule.next_slot(leader, now)),
        )
        return Outcome(leader, (Reply(text),))

    def _skip(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        if not leader.onboarded:
            return self._reask(leader)
        course = self._course(leader)
        lesson = self._pending_lesson(leader) or course.current(leader.finished_ids)
        if lesson is None:
            return Outcome(leader, (Reply(self.t(leader.language, "roadmap_complete")),))
        leader = self._record(leader, lesson, "skipped", now)
        following = course.current(leader.finished_ids)
        key = "skipped" if following else "skipped_last"
        text = self.t(leader.language, key, title=lesson.title, next=following.title if following else "")
        return Outcome(leader, (Reply(text),))

    def _roadmap(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        course = self._course(leader)
        done, finished = leader.done_ids, leader.finished_ids
        current = course.current(finished)
        lines = [self.t(leader.language, "roadmap_title")]
        for module, title in sorted(course.modules.items()):
            lessons = [lesson for lesson in course.lessons if lesson.module == module]
            count = sum(1 for lesson in lessons if lesson.id in done)
            if lessons and all(lesson.id in finished for lesson in lessons):
                mark = "✅"
            elif current is not None and current.module == module:
                mark = "▶️"
            else:
                mark = "◻️"
            lines.append(f"{mark} <b>{module}. {escape(title)}</b> — {count}/{len(lessons)}")
        total_done = sum(1 for lesson in course.lessons if lesson.id in done)
        lines.append("")
        lines.append(self.t(leader.language, "roadmap_total", done=total_done, total=len(course.lessons)))
        if current is not None:
            lines.append(self.t(leader.language, "roadmap_next", title=current.title))
        return Outcome(leader, (Reply("\n".join(lines)),))

    def _stats(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        lang = leader.language
        today = schedule.local_today(leader, now)
        habit = habit_of(leader, today)
        strength = round(habit.strength * 100)
        text = self.t(
            lang, "stats", current=habit.current_streak, best=habit.best_streak, freezes=habit.freezes,
            strength=strength, week_done=habit.week_done, week_goal=habit.week_goal,
            lessons=len(leader.done_ids), posts=len(leader.posts),
        )
        leader, notice = self._freeze_notice(leader, habit)
        chart = Chart(
            days=tuple(days_of(leader, today)[-HEATMAP_DAYS:]),
            today=today,
            labels=tuple((key, self.t(lang, f"heatmap_{key}"))
                         for key in ("done", "missed", "freeze", "rest", "paused", "today", "weekdays")),
            title=self.t(lang, "heatmap_title"),
        )
        caption = self.t(lang, "stats_caption", current=habit.current_streak, strength=strength)
        replies = ((Reply(notice),) if notice else ()) + (Reply(text), Reply(caption, chart=chart))
        return Outcome(leader, replies)

    def _freeze_notice(self, leader: Leader, habit: Habit) -> tuple[Leader, str | None]:
        """Tell, once, about the freezes spent since the leader was last told."""
        fresh = [d for d in habit.freezes_spent if leader.freezes_told is None or d > leader.freezes_told]
        if not fresh:
            return leader, None
        days = ", ".join(self._date(leader, d) for d in fresh)
        text = self.t(leader.language, "freeze_spent", days=days, freezes=habit.freezes)
        return leader.with_(freezes_told=max(fresh)), text

    # --- suggested posts -------------------------------------------------------------------------------------

    def _suggest(self, leader: Leader, now: datetime, news: Sequence[Item] | Pool) -> Outcome:
        if not leader.onboarded:
            return self._reask(leader)
        limit = max(1, leader.suggestions_per_day)
        changed, reply = self._offers(leader, now, news, limit, "suggest_intro")
        if reply is None:
            return Outcome(leader, (Reply(self.t(leader.language, "no_suggestions")),))
        return Outcome(changed, (reply,))

    def _pick(self, leader: Leader, now: datetime, news: Sequence[Item] | Pool, limit: int) -> list[Suggestion]:
        sector = self.content.sector(leader.sector)
        keywords = sector.all_keywords() if sector else ()
        return rank(news, keywords=keywords, taste=leader.taste, now=now, language=leader.language, limit=limit)

    def _offer(self, leader: Leader, pick: Suggestion, batch: str, now: datetime) -> Offer:
        day = schedule.local_today(leader, now)
        lesson = self._course(leader).current(leader.finished_ids)
        text = draft(pick, templates=self.content.drafts[leader.language], day=day,
                     theme=lesson.title if lesson else None)
        ref = f"{zlib.crc32(f'{batch}|{pick.key}'.encode()):08x}"
        item = pick.item
        return Offer(ref, batch, pick.key, item.title, item.link, item.source, text, pick.topics, item.published)

    def _offers(self, leader: Leader, now: datetime, news: Sequence[Item] | Pool, limit: int,
                intro: str) -> tuple[Leader, Reply | None]:
        """Choose, draft and remember new suggestions; the message that shows them (None if there is none)."""
        picks = self._pick(leader, now, news, limit)
        if not picks:
            return leader, None
        batch = f"{now.strftime('%Y%m%d%H%M%S')}-{len(leader.offers)}"
        offers = tuple(self._offer(leader, pick, batch, now) for pick in picks)
        changed = leader.with_(taste=remember(leader.taste, picks),
                               offers=(*leader.offers, *offers)[-KEPT_OFFERS:])
        return changed, self._offers_reply(changed, batch, now, intro=intro)

    def _offers_reply(self, leader: Leader, batch: str, now: datetime, *, intro: str | None = None,
                      edit: bool = False) -> Reply:
        lang = leader.language
        shown = [o for o in leader.offers if o.batch == batch and o.status != "replaced"]
        parts = [self.t(lang, intro or "suggest_intro", sector=self._sector(leader))]
        rows: list[tuple[Button, ...]] = []
        for number, offer in enumerate(shown, 1):
            age = self._age(lang, offer.published, now)
            lines = [f'{number}. <b><a href="{escape(offer.link)}">{escape(offer.title)}</a></b>',
                     f"<i>{escape(offer.source)}{' · ' + age if age else ''}</i>"]
            if offer.status == "irrelevant":
                lines.append(self.t(lang, "offer_irrelevant"))
                rows.append((Button(self.t(lang, "button_another", n=number), data=f"sa:{offer.ref}"),))
            else:
                lines.append(f"<blockquote>{escape(offer.draft)}</blockquote>")
                if offer.status == "posted":
                    lines.append(self.t(lang, "offer_posted"))
                rows.append((
                    Button(self.t(lang, "button_linkedin", n=number), url=linkedin_share_url(offer.link)),
                    Button(self.t(lang, "button_x", n=number), url=x_intent_url(offer.draft, offer.link)),
                    Button(self.t(lang, "button_copy", n=number), copy=offer.draft),
                ))
                if offer.status == "offered":
                    rows.append((
                        Button(self.t(lang, "button_posted", n=number), data=f"sp:{offer.ref}"),
                        Button(self.t(lang, "button_irrelevant", n=number), data=f"sn:{offer.ref}"),
                        Button(self.t(lang, "button_another", n=number), data=f"sa:{offer.ref}"),
                    ))
            parts.append("\n".join(lines))
        text = "\n\n".join(parts)
        while len(html_to_text(text)) > MAX_MESSAGE - 100 and len(parts) > 2:  # feeds are wordy: keep it whole
            parts.pop()
            text = "\n\n".join(parts)
        return Reply(text, tuple(rows), edit=edit)

    def _age(self, language: str, published: datetime | None, now: datetime) -> str:
        if published is None:
            return ""
        hours = int((now - published).total_seconds() // 3600)
        if hours < 1:
            return self.t(language, "age_recent")
        if hours < 48:
            return self.t(language, "age_hours", hours=hours)
        return self.t(language, "age_days", days=hours // 24)

    def _press_offer(self, leader: Leader, verdict: str, ref: str, now: datetime,
                     news: Sequence[Item] | Pool) -> Outcome:
        lang = leader.language
        offer = next((o for o in leader.offers if o.ref == ref), None)
        if offer is None or offer.status == "replaced":
            return Outcome(leader, toast=self.t(lang, "button_expired"))
        if verdict == "another":
            fresh = self._pick(leader, now, news, 1)
            if not fresh:
                return Outcome(leader, toast=self.t(lang, "no_other_suggestion"))
            new = self._offer(leader, fresh[0], offer.batch, now)
            offers = []
            for o in leader.offers:
                offers += [replace(o, status="replaced"), new] if o == offer else [o]
            changed = leader.with_(taste=remember(leader.taste, fresh), offers=tuple(offers)[-KEPT_OFFERS:])
            return Outcome(changed, (self._offers_reply(changed, offer.batch, now, edit=True),))
        if offer.status != "offered":
            return Outcome(leader, toast=self.t(lang, "already_done"))
        item = Item(offer.title, offer.link, offer.source, published=offer.published)
        taste = learn(leader.taste, Suggestion(item, 0.0, offer.key, offer.topics), verdict)
        offers = tuple(replace(o, status=verdict) if o == offer else o for o in leader.offers)
        changed = leader.with_(taste=taste, offers=offers)
        if verdict == "posted":
            post = PostEvent(offer.key, now, schedule.local_today(leader, now))
            changed = changed.with_(posts=(*leader.posts, post))
        toast = self.t(lang, "posted_toast" if verdict == "posted" else "irrelevant_toast")
        return Outcome(changed, (self._offers_reply(changed, offer.batch, now, edit=True),), toast=toast)

    # --- interests and feeds ---------------------------------------------------------------------------------

    def _interests(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        lang = leader.language
        verb, _, rest = args.partition(" ")
        verb = verb.lower()
        current = list(leader.taste.interests)
        if verb in ("add", "ajouter"):
            wanted = [" ".join(p.split()) for p in rest.split(",") if p.strip()]
            if not wanted or any(len(w) > MAX_INTEREST_CHARS for w in wanted):
                return self._invalid(leader, InputError("error_interests"))
            folded = {i.casefold() for i in current}
            current += [w for w in dict.fromkeys(wanted) if w.casefold() not in folded]
            if len(current) > MAX_INTERESTS:
                return self._invalid(leader, InputError("error_interests_count"))
        elif verb in ("remove", "retirer", "supprimer", "delete"):
            gone = {p.strip().casefold() for p in rest.split(",") if p.strip()}
            kept = [i for i in current if i.casefold() not in gone]
            if not gone or len(kept) == len(current):
                return self._invalid(leader, InputError("error_interests_remove"))
            current = kept
        elif verb in ("clear", "effacer", "vider"):
            current = []
        elif verb:
            return self._invalid(leader, InputError("error_interests"))
        changed = leader.with_(taste=replace(leader.taste, interests=tuple(current)))
        listed = ", ".join(current) if current else self.t(lang, "none")
        text = self.t(lang, "interests", interests=listed)
        return Outcome(changed, (Reply(text),))

    def _feeds(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        lang = leader.language
        verb, _, rest = args.strip().partition(" ")
        verb, rest = verb.lower(), rest.strip()
        if verb in ("add", "ajouter"):
            problem = feed_url_problem(rest, allow_private=self.allow_private_feeds)
            if problem:
                return self._invalid(leader, InputError(problem))
            if any(f.url == rest for f in leader.own_feeds):
                return Outcome(leader, (Reply(self.t(lang, "feed_already")),))
            if len(leader.own_feeds) >= MAX_OWN_FEEDS:
                return self._invalid(leader, InputError("error_feeds_count"))
            feed = OwnFeed(rest, urlsplit(rest).hostname or rest)
            changed = leader.with_(own_feeds=(*leader.own_feeds, feed))
            return Outcome(changed, (Reply(self.t(lang, "feed_added", name=feed.name)),))
        if verb in ("remove", "retirer", "supprimer", "delete"):
            if not rest.isdigit() or not 1 <= int(rest) <= len(leader.own_feeds):
                return self._invalid(leader, InputError("error_feed_index"))
            index = int(rest) - 1
            gone = leader.own_feeds[index]
            changed = leader.with_(own_feeds=leader.own_feeds[:index] + leader.own_feeds[index + 1 :])
            return Outcome(changed, (Reply(self.t(lang, "feed_removed", name=gone.name)),))
        if verb == "export":
            sector = self.content.sector(leader.sector)
            feeds = [(f.url, f.name) for f in (sector.feeds if sector else ())]
            feeds += [(f.url, f.name) for f in leader.own_feeds]
            document = Document("coachbot-feeds.opml", write_opml(feeds, self.t(lang, "opml_title")))
            return Outcome(leader, (Reply(self.t(lang, "feeds_exported"), document=document),))
        if verb:
            return self._invalid(leader, InputError("error_feeds"))
        return Outcome(leader, (Reply(self._feed_list(leader)),))

    def _feed_list(self, leader: Leader) -> str:
        lang = leader.language
        sector = self.content.sector(leader.sector)
        lines = [self.t(lang, "feeds_sector", sector=self._sector(leader))]
        lines += [f"• {escape(f.name)}" for f in (sector.feeds if sector else ())]
        lines.append("")
        if leader.own_feeds:
            lines.append(self.t(lang, "feeds_own"))
            lines += [
                f"{n}. {escape(f.name)} — {escape(shorten(f.url, 80))}" for n, f in enumerate(leader.own_feeds, 1)
            ]
        else:
            lines.append(self.t(lang, "feeds_own_none"))
        lines += ["", self.t(lang, "feeds_usage")]
        return "\n".join(lines)

    def _import_feeds(self, leader: Leader, upload: Upload) -> Outcome:
        lang = leader.language
        try:
            listed = read_opml(upload.content)
        except OpmlError:
            return Outcome(leader, (Reply(self.t(lang, "opml_invalid")),))
        known = {f.url for f in leader.own_feeds}
        added: list[OwnFeed] = []
        refused = 0
        for url, title in listed:
            if url in known:
                continue
            if feed_url_problem(url, allow_private=self.allow_private_feeds) is not None:
                refused += 1
                continue
            if len(leader.own_feeds) + len(added) >= MAX_OWN_FEEDS:
                refused += 1
                continue
            name = shorten(" ".join(title.split()), 60) or urlsplit(url).hostname or url
            added.append(OwnFeed(url, name))
            known.add(url)
        changed = leader.with_(own_feeds=(*leader.own_feeds, *added))
        text = self.t(lang, "opml_imported", added=len(added), refused=refused)
        return Outcome(changed, (Reply(text),))

    def _remind(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        lang = leader.language
        if not args:
            text = "\n\n".join((self._summary(leader, now), self._reminder_list(leader), self.t(lang, "remind_usage")))
            return Outcome(leader, (Reply(text),))
        try:
            request = parse_remind(args)
        except InputError as error:
            return self._invalid(leader, error)
        if request.action == "list":
            return Outcome(leader, (Reply(self._reminder_list(leader)),))
        if request.action == "delete":
            index = (request.index or 0) - 1
            if not 0 <= index < len(leader.reminders):
                return self._invalid(leader, InputError("error_reminder_index"))
            gone = leader.reminders[index]
            changed = leader.with_(reminders=leader.reminders[:index] + leader.reminders[index + 1 :])
            return Outcome(changed, (Reply(self.t(lang, "reminder_deleted", text=gone.text)),))
        if request.action == "add":
            if len(leader.reminders) >= MAX_REMINDERS:
                return self._invalid(leader, InputError("error_reminder_count"))
            days, at = request.days or frozenset(range(7)), request.at or leader.schedule.at
            today = schedule.local_today(leader, now)
            # Added after its time today: it starts with the next occurrence, not at once.
            sent = today if schedule.at_local(leader, today, at) <= now else None
            reminder = Reminder(days, at, request.text or "", sent)
            changed = leader.with_(reminders=(*leader.reminders, reminder))
            text = self.t(lang, "reminder_added", when=self._reminder_when(lang, reminder), text=reminder.text)
            return Outcome(changed, (Reply(text),))
        sched = leader.schedule
        if request.action == "toggle":
            sched = Schedule(sched.at, sched.days, bool(request.enabled))
        else:
            sched = Schedule(request.at or sched.at, request.days or sched.days, True)
        changed = self._settle(leader.with_(schedule=sched), now)
        return Outcome(changed, (Reply(self.t(lang, "remind_saved", summary=Html(self._summary(changed, now)))),))

    def _reminder_when(self, language: str, reminder: Reminder) -> str:
        return f"{self._days(language, reminder.days)} {self._time(reminder.at)}"

    def _reminder_list(self, leader: Leader) -> str:
        lang = leader.language
        if not leader.reminders:
            return self.t(lang, "reminders_none")
        lines = [self.t(lang, "reminders_title")]
        for number, reminder in enumerate(leader.reminders, 1):
            lines.append(f"{number}. {escape(self._reminder_when(lang, reminder))} — {escape(reminder.text)}")
        return "\n".join(lines)

    def _timezone(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        if not args:
            text = self.t(leader.language, "timezone_current", timezone=leader.timezone)
            return Outcome(leader, (Reply(text),))
        return self._answer(leader, "timezone", args, now, typed=True, reask=False)

    def _language(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        if not args:
            return Outcome(leader.with_(awaiting="language"), (self._ask(leader, "language"),))
        return self._answer(leader, "language", args, now, typed=True, reask=False)

    def _pause(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        try:
            days = parse_pause_days(args)
        except InputError as error:
            return self._invalid(leader, error)
        today = schedule.local_today(leader, now)
        until = today + timedelta(days=days + 1)
        kept = tuple(p for p in leader.pauses if not p.covers(today))
        changed = leader.with_(pauses=(*kept, Pause(today, until)), later_at=None)
        text = self.t(leader.language, "paused", days=days, date=self._date(leader, until))
        return Outcome(changed, (Reply(text),))

    def _resume(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        today = schedule.local_today(leader, now)
        pause = leader.pause_on(today)
        if pause is None:
            return Outcome(leader, (Reply(self.t(leader.language, "not_paused")),))
        # The pause ends today; a pause that had not really begun is forgotten.
        ended = () if pause.start >= today else (Pause(pause.start, today),)
        kept = tuple(p for p in leader.pauses if p != pause) + ended
        changed = self._settle(leader.with_(pauses=kept), now)
        text = self.t(leader.language, "resumed", summary=Html(self._summary(changed, now)))
        return Outcome(changed, (Reply(text),))

    def _settings(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        return Outcome(leader, (self._settings_reply(leader, now),))

    def _settings_reply(self, leader: Leader, now: datetime, *, edit: bool = False) -> Reply:
        lang = leader.language
        pause = leader.pause_on(schedule.local_today(leader, now))
        text = self.t(
            lang,
            "settings",
            language=self.t(lang, f"language_name_{lang}"),
            timezone=leader.timezone,
            time=self._time(leader.schedule.at),
            days=self._days(lang, leader.schedule.days),
            sector=self._sector(leader),
            reminders=self.t(lang, "on" if leader.schedule.enabled else "off"),
            pause=self._date(leader, pause.end) if pause else self.t(lang, "none"),
            nudge=self._time(leader.nudge_at) if leader.nudge_at else self.t(lang, "off"),
            goal=leader.weekly_goal or len(leader.schedule.days),
            suggestions=leader.suggestions_per_day,
            interests=", ".join(leader.taste.interests) or self.t(lang, "none"),
        )
        toggle, toggle_label = ("rem:off", "button_reminders_off") if leader.schedule.enabled else (
            "rem:on", "button_reminders_on")
        keyboard = (
            (Button(self.t(lang, "button_language"), data="set:language"),
             Button(self.t(lang, "button_timezone"), data="set:timezone")),
            (Button(self.t(lang, "button_time"), data="set:time"),
             Button(self.t(lang, "button_days"), data="set:days")),
            (Button(self.t(lang, "button_sector"), data="set:sector"),
             Button(self.t(lang, "button_nudge"), data="set:nudge")),
            (Button(self.t(lang, "button_goal"), data="set:goal"),
             Button(self.t(lang, "button_suggest"), data="set:suggest")),
            (Button(self.t(lang, toggle_label), data=toggle),),
        )
        return Reply(text, keyboard, edit=edit)

    def _export(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        data = {"exported_at": now.isoformat(), "leader": leader_to_dict(leader)}
        content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        document = Document(f"coachbot-export-{leader.user_id}.json", content)
        return Outcome(leader, (Reply(self.t(leader.language, "export_caption"), document=document),))

    def _delete(self, leader: Leader, who: Who, args: str, now: datetime) -> Outcome:
        keyboard = ((Button(self.t(leader.language, "button_delete_yes"), data="del:yes"),
                     Button(self.t(leader.language, "button_delete_no"), data="del:no")),)
        return Outcome(leader, (Reply(self.t(leader.language, "delete_confirm"), keyboard),))

    # --- buttons ---------------------------------------------------------------------------------------------

    def _press(self, leader: Leader, data: str, now: datetime) -> Outcome:
        verb, _, arg = data.partition(":")
        lang = leader.language
        stale = Outcome(leader, toast=self.t(lang, "button_expired"))
        if verb in ANSWER_VERBS:
            return self._answer(leader, ANSWER_VERBS[verb], arg, now, typed=False)
        if verb == "set" and arg in SETTING_STEPS:
            return Outcome(leader.with_(awaiting=arg), (self._ask(leader, arg),))
        if verb == "rem" and arg in ("on", "off"):
            changed = self._settle(leader.with_(schedule=Schedule(leader.schedule.at, leader.schedule.days,
                                                                  arg == "on")), now)
            return Outcome(changed, (self._settings_reply(changed, now, edit=True),),
                           toast=self.t(lang, "saved"))
        if verb == "go" and arg == "today":
            return self._today(leader, Who(leader.user_id, leader.chat_id), "", now)
        if verb == "del" and arg == "yes":
            return Outcome(None, (Reply(self.t(lang, "deleted"), edit=True),), forget=True)
        if verb == "del" and arg == "no":
            return Outcome(leader, (Reply(self.t(lang, "delete_cancelled"), edit=True),))
        lesson = self._course(leader).lesson(arg) if verb in ("done", "later", "more") else None
        if lesson is None:
            return stale
        if verb == "more":
            finished = lesson.id in leader.finished_ids
            return Outcome(leader, (self._lesson_reply(leader, lesson, now, more=True, closed=finished, edit=True),))
        if lesson.id in leader.finished_ids:
            return Outcome(leader, toast=self.t(lang, "already_done"))
        if verb == "later":
            return Outcome(leader.with_(later_at=now + schedule.LATER_DELAY), toast=self.t(lang, "later_set"))
        leader = self._record(leader, lesson, "done", now)
        return Outcome(leader, (self._lesson_reply(leader, lesson, now, closed=True, edit=True),),
                       toast=self.t(lang, "done_toast"))

    # --- onboarding and settings answers ---------------------------------------------------------------------

    def _ask(self, leader: Leader, step: str, *, welcome: bool = False) -> Reply:
        lang = leader.language
        text = self.t(lang, f"ask_{step}")
        if welcome and step == ONBOARDING_STEPS[0]:
            text = self.t(lang, "welcome") + "\n\n" + text
        rows: list[tuple[Button, ...]]
        if step == "language":
            rows = [tuple(Button(self.t(code, f"language_name_{code}"), data=f"lang:{code}") for code in LANGUAGES)]
        elif step == "timezone":
            buttons = [Button(label, data=f"tz:{zone}") for label, zone in TIMEZONE_CHOICES]
            rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
        elif step == "time":
            buttons = [Button(self._time(at), data=f"time:{at.strftime('%H%M')}") for at in TIME_CHOICES]
            rows = [tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3)]
        elif step == "days":
            rows = [(Button(self._days(lang, days), data=f"days:{_days_code(days)}"),) for days in DAY_CHOICES]
        elif step == "nudge":
            buttons = [Button(self._time(at), data=f"nudge:{at.strftime('%H%M')}") for at in NUDGE_CHOICES]
            rows = [tuple(buttons), (Button(self.t(lang, "button_nudge_off"), data="nudge:off"),)]
        elif step == "goal":
            rows = [tuple(Button(str(n), data=f"goal:{n}") for n in range(1, 8))]
        elif step == "suggest":
            rows = [tuple(Button(str(n), data=f"sugg:{n}") for n in range(0, MAX_SUGGESTIONS + 1))]
        else:
            buttons = [Button(s.label(lang), data=f"sec:{s.id}") for s in self.content.sectors]
            rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
        return Reply(text, tuple(rows))

    def _reask(self, leader: Leader) -> Outcome:
        step = leader.awaiting or ONBOARDING_STEPS[0]
        reply = self._ask(leader, step)
        return Outcome(leader.with_(awaiting=step), (Reply(self.t(leader.language, "finish_onboarding")), reply))

    def _parse_answer(self, leader: Leader, step: str, value: str, typed: bool) -> Leader:
        """Apply one answer to the leader, or raise InputError."""
        if step == "language":
            return leader.with_(language=parse_language(value))
        if step == "timezone":
            return leader.with_(timezone=parse_timezone(value))
        if step == "time":
            at = parse_time(value if typed else f"{value[:2]}:{value[2:]}")
            return leader.with_(schedule=Schedule(at, leader.schedule.days, leader.schedule.enabled))
        if step == "days":
            days = parse_days(value) if typed else _parse_days_code(value)
            return leader.with_(schedule=Schedule(leader.schedule.at, days, leader.schedule.enabled))
        if step == "nudge":
            if _is_off(value):
                return leader.with_(nudge_at=None)
            return leader.with_(nudge_at=parse_time(value if typed else f"{value[:2]}:{value[2:]}"))
        if step == "goal":
            if not value.strip().isdigit() or not 1 <= int(value.strip()) <= 7:
                raise InputError("error_goal")
            return leader.with_(weekly_goal=int(value.strip()))
        if step == "suggest":
            if not value.strip().isdigit() or not 0 <= int(value.strip()) <= MAX_SUGGESTIONS:
                raise InputError("error_suggest_count")
            return leader.with_(suggestions_per_day=int(value.strip()))
        folded = value.strip().casefold()
        for sector in self.content.sectors:
            if folded == sector.id or folded in (label.casefold() for label in sector.labels.values()):
                return leader.with_(sector=sector.id)
        raise InputError("error_sector")

    def _answer(self, leader: Leader, step: str, value: str, now: datetime, *, typed: bool,
                reask: bool = True) -> Outcome:
        try:
            changed = self._parse_answer(leader, step, value, typed)
        except InputError as error:
            if not typed:
                return Outcome(leader, toast=self.t(leader.language, "button_expired"))
            explanation = Reply(self.t(leader.language, error.key))
            return Outcome(leader, (explanation, self._ask(leader, step)) if reask else (explanation,))
        lang = changed.language
        if not changed.onboarded:
            awaited = leader.awaiting or ONBOARDING_STEPS[0]
            if step != awaited:
                return Outcome(changed, (self._ask(changed, awaited),), toast=self.t(lang, "saved"))
            index = ONBOARDING_STEPS.index(step)
            if index + 1 < len(ONBOARDING_STEPS):
                following = ONBOARDING_STEPS[index + 1]
                return Outcome(changed.with_(awaiting=following), (self._ask(changed, following),))
            done = self._settle(changed.with_(onboarded=True, awaiting=None), now)
            text = self.t(lang, "onboarding_done", summary=Html(self._summary(done, now)), sector=self._sector(done))
            keyboard = ((Button(self.t(lang, "button_first_lesson"), data="go:today"),),)
            return Outcome(done, (Reply(text, keyboard),))
        changed = self._settle(changed.with_(awaiting=None), now)
        return Outcome(changed, (Reply(self.t(lang, "saved_setting")), self._settings_reply(changed, now)),
                       toast=self.t(lang, "saved"))

    def _settle(self, leader: Leader, now: datetime) -> Leader:
        """After a schedule change: log the scheduled weekdays, and count today's slot as handled if passed.

        Without the second part, moving the lesson time to an hour ago (or finishing onboarding after it) would
        deliver a lesson at once, as if the bot had been down.
        """
        if not leader.onboarded:
            return leader
        today = schedule.local_today(leader, now)
        days = leader.schedule.days if leader.schedule.enabled else frozenset()
        log = leader.schedule_log
        if not log or log[-1].days != days:
            log = (*(c for c in log if c.since < today), ScheduleChange(today, days))
            leader = leader.with_(schedule_log=log)
        if leader.delivery is not None and leader.delivery.local_date >= today:
            return leader
        if schedule.slot_on(leader, today) <= now:
            return leader.with_(delivery=Delivery(today, ""))
        return leader

    def _invalid(self, leader: Leader, error: InputError) -> Outcome:
        return Outcome(leader, (Reply(self.t(leader.language, error.key)),))

    # --- the lesson message ----------------------------------------------------------------------------------

    def _lesson_reply(
        self,
        leader: Leader,
        lesson: Lesson,
        now: datetime,
        *,
        intro: str | None = None,
        more: bool = False,
        closed: bool | None = None,
        edit: bool = False,
    ) -> Reply:
        lang = leader.language
        course = self._course(leader)
        finished = lesson.id in leader.finished_ids if closed is None else closed
        parts = []
        if intro:
            parts.append(self.t(lang, intro))
        parts.append(
            self.t(
                lang, "lesson_header", module=lesson.module, module_title=course.modules.get(lesson.module, ""),
                position=lesson.position, total=len(course.lessons),
            )
        )
        parts.append(f"<b>{escape(lesson.title)}</b>")
        parts.append(lesson.body)
        if more and lesson.more:
            parts.append(lesson.more)
        parts.append(self.t(lang, "lesson_action", action=lesson.action))
        if lesson.sources:
            parts.append(self.t(lang, "lesson_sources", sources="; ".join(lesson.sources)))
        if finished:
            status = "lesson_done_status" if lesson.id in leader.done_ids else "lesson_skipped_status"
            parts.append(self.t(lang, status, next=self._when(leader, schedule.next_slot(leader, now))))
        rows: list[tuple[Button, ...]] = []
        if not finished:
            rows.append((Button(self.t(lang, "button_done"), data=f"done:{lesson.id}"),
                         Button(self.t(lang, "button_later"), data=f"later:{lesson.id}")))
        if lesson.more and not more:
            rows.append((Button(self.t(lang, "button_more"), data=f"more:{lesson.id}"),))
        return Reply("\n\n".join(parts), tuple(rows), edit=edit, lesson_id=None if edit else lesson.id)
