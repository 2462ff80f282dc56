"""/remind: reminders of the leader's own (recurring, on a date, tomorrow, in two hours), sent at their time with a
snooze; a bare time or days is asked about (a reminder, or the lessons moved?), never taken silently.

When lessons come is changed with /schedule (or with the lessons button of that question); `/remind off` and
`/remind on` still switch lessons off and on, as in release 0.1.0.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from bot.core import schedule
from bot.core.actions import Clarify, Snooze
from bot.core.features.common import Context, invalid, say, settle, summary
from bot.core.model import Leader, Reminder, Schedule, SentReminder
from bot.core.parse import InputError
from bot.core.replies import Button, Days, Keyboard, Lines, Msg, Outcome, Reply, Value, msg
from bot.core.when import MAX_REMINDER_TEXT, AmbiguousDate, RemindAction, RemindRequest, parse_remind

MAX_REMINDERS = 20
SENT_KEPT = 10  # reminders lately sent whose snooze buttons still work
MAX_AHEAD_YEARS = 2


def when(leader: Leader, reminder: Reminder) -> Msg:
    """When a reminder comes: its days and time, or its one moment."""
    moment = schedule.once_moment(leader, reminder)
    if moment is not None:
        return msg("reminder_once_when", at=schedule.local_now(moment, leader.timezone))
    return msg("reminder_when", days=Days(reminder.days, every=True), time=reminder.at)


def _text(reminder: Reminder) -> Value:
    return reminder.text if reminder.text else msg("reminder_no_text")


def ordered(leader: Leader, now: datetime) -> list[int]:
    """The positions of the leader's reminders in the order they will come (those that will not come last):
    the order of `/remind list`, whose numbers `/remind delete` takes."""
    far = datetime.max.replace(tzinfo=now.tzinfo)

    def coming(index: int) -> tuple[datetime, int]:
        return schedule.next_reminder(leader, leader.reminders[index], now) or far, index

    return sorted(range(len(leader.reminders)), key=coming)


def listing(leader: Leader, now: datetime) -> Msg | Lines:
    """The leader's reminders, numbered, in the order they will come."""
    if not leader.reminders:
        return msg("reminders_none")
    lines = [msg("reminder_line", number=n, when=when(leader, leader.reminders[i]), text=_text(leader.reminders[i]))
             for n, i in enumerate(ordered(leader, now), 1)]
    return Lines((msg("reminders_title"), *lines))


def _ambiguous(leader: Leader, error: AmbiguousDate, now: datetime) -> Outcome:
    """A date like 4/12: its two readings, each as a real date (the next one to come, unless a year was given)."""
    today = schedule.local_today(leader, now)
    days = []
    for month, day in error.readings:
        moment = date(error.year or today.year, month, day)
        if error.year is None and moment < today:
            moment = date(today.year + 1, month, day)
        days.append(moment)
    return say(leader, msg("error_reminder_date_ambiguous", typed=error.typed, first=days[0], second=days[1]))


def remind(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """`/remind` and its forms (see `parse_remind`)."""
    if not args:
        return say(leader, Lines((listing(leader, now), msg("remind_help")), "\n\n"))
    try:
        request = parse_remind(args)
        if request.action is RemindAction.LIST:
            return say(leader, listing(leader, now))
        if request.action is RemindAction.DELETE:
            return _delete(leader, request, now)
        if request.action is RemindAction.TOGGLE:
            sched = leader.schedule
            changed = settle(leader.with_(schedule=Schedule(sched.at, sched.days, bool(request.enabled))), now)
            return say(changed, msg("remind_saved", summary=summary(changed, now)))
        if request.action is RemindAction.SCHEDULE:
            return _clarify_question(leader, request)
        reminder = _reminder(leader, request, now)
    except AmbiguousDate as error:
        return _ambiguous(leader, error, now)
    except InputError as error:
        return invalid(leader, error)
    return _add(leader, reminder)


def _delete(leader: Leader, request: RemindRequest, now: datetime) -> Outcome:
    number = (request.index or 0) - 1
    if not 0 <= number < len(leader.reminders):
        raise InputError("error_reminder_index")
    index = ordered(leader, now)[number]
    gone = leader.reminders[index]
    changed = leader.with_(reminders=leader.reminders[:index] + leader.reminders[index + 1:])
    return say(changed, msg("reminder_deleted", text=_text(gone)))


def _add(leader: Leader, reminder: Reminder) -> Outcome:
    if len(leader.reminders) >= MAX_REMINDERS:
        return say(leader, msg("error_reminders_full", count=MAX_REMINDERS))
    changed = leader.with_(reminders=(*leader.reminders, reminder))
    return say(changed, msg("reminder_added", when=when(leader, reminder), text=_text(reminder)))


def _first_time(leader: Leader, reminder: Reminder, now: datetime) -> Reminder:
    """A recurring reminder added after its time today starts with the next occurrence, not at once."""
    today = schedule.local_today(leader, now)
    sent = today if schedule.at_local(leader, today, reminder.at) <= now else None
    return Reminder(reminder.days, reminder.at, reminder.text, sent)


def _on(leader: Leader, day: date, at: time, text: str, now: datetime) -> Reminder:
    """A one-off reminder on a local date at a local time, which must exist and be ahead."""
    if not schedule.exists_locally(leader.timezone, day, at):
        raise InputError("error_reminder_dst")
    if schedule.at_local(leader, day, at) <= now:
        raise InputError("error_reminder_past")
    return Reminder(frozenset(), at, text, on=day)


def _reminder(leader: Leader, request: RemindRequest, now: datetime) -> Reminder:
    """The reminder a request asks for, placed on the leader's calendar (InputError if it cannot be)."""
    text = request.text or ""
    if request.action is RemindAction.ADD:
        return _first_time(leader, Reminder(request.days or frozenset(range(7)), request.at or time(9), text), now)
    if request.delay is not None:
        moment = now + request.delay
        local = schedule.local_now(moment, leader.timezone)
        return Reminder(frozenset(), local.time().replace(second=0, microsecond=0), text, fire_at=moment)
    at = request.at or time(9)
    today = schedule.local_today(leader, now)
    if request.days_ahead is not None:
        return _on(leader, today + timedelta(days=request.days_ahead), at, text, now)
    if request.month_day is not None:
        month, day_of_month = request.month_day
        year = request.year or today.year
        try:
            day = date(year, month, day_of_month)
            if request.year is None and day < today:
                day = date(year + 1, month, day_of_month)
        except ValueError:
            raise InputError("error_reminder_date") from None
        if day.year > today.year + MAX_AHEAD_YEARS:
            raise InputError("error_reminder_date")
        return _on(leader, day, at, text, now)
    # A time alone: its next occurrence.
    day = today if schedule.at_local(leader, today, at) > now else today + timedelta(days=1)
    if not schedule.exists_locally(leader.timezone, day, at):
        day += timedelta(days=1)
    return _on(leader, day, at, text, now)


def _clarify_question(leader: Leader, request: RemindRequest) -> Outcome:
    """A bare time or days: a reminder, or the daily lessons moved? The leader chooses."""
    days = request.days or frozenset()
    lessons_when = msg("clarify_lessons_when", time=request.at or leader.schedule.at,
                       days=Days(days or leader.schedule.days))
    move = Button(msg("button_clarify_lessons", when=lessons_when), Clarify(True, request.at, days))
    if request.at is None:
        return say(leader, msg("clarify_days_only", days=Days(days)), buttons=((move,),))
    reminder_when: Msg = (msg("reminder_when", days=Days(days, every=True), time=request.at) if days
                          else msg("clarify_once_when", time=request.at))
    keep = Button(msg("button_clarify_reminder", when=reminder_when), Clarify(False, request.at, days))
    keyboard: Keyboard = ((keep,), (move,))
    return say(leader, msg("clarify_question", reminder=reminder_when, lessons=lessons_when), buttons=keyboard)


def clarified(ctx: Context, leader: Leader, action: Clarify, now: datetime) -> Outcome:
    """The leader's choice after a bare `/remind 17:00`: the reminder added, or the lessons moved."""
    if action.lessons:
        sched = leader.schedule
        changed = settle(leader.with_(schedule=Schedule(action.at or sched.at, action.days or sched.days, True)), now)
        # The message says "Saved." already: no toast saying it again (the terminal prints both).
        return Outcome(changed, (Reply(msg("remind_saved", summary=summary(changed, now)), edit=True),))
    if action.at is None:
        return Outcome(leader, toast=msg("button_expired"))
    if action.days:
        reminder = _first_time(leader, Reminder(action.days, action.at, ""), now)
    else:
        try:
            reminder = _reminder(leader, RemindRequest(RemindAction.ONCE, at=action.at), now)
        except InputError as error:
            return invalid(leader, error)
    if len(leader.reminders) >= MAX_REMINDERS:
        return say(leader, msg("error_reminders_full", count=MAX_REMINDERS))
    # A reminder of what? The leader says it in a few words (a command instead leaves it unset).
    waiting = leader.with_(reminder_wait=reminder, take_for=None)
    return Outcome(waiting, (Reply(msg("reminder_ask_text", when=when(leader, reminder)), edit=True),))


def text_for(leader: Leader, text: str, now: datetime) -> Outcome:
    """What the reminder chosen after a bare time is about: it is added with these words."""
    reminder = leader.reminder_wait
    if reminder is None:
        return Outcome(leader)
    words = " ".join(text.split())
    if not words:  # nothing said yet: the question stands
        return say(leader, msg("reminder_ask_text", when=when(leader, reminder)))
    if len(words) > MAX_REMINDER_TEXT:
        return invalid(leader, InputError("error_reminder_text_long"))
    done = leader.with_(reminder_wait=None)
    moment = schedule.once_moment(leader, reminder)
    if moment is not None and moment <= now:
        return invalid(done, InputError("error_reminder_past"))
    return _add(done, Reminder(reminder.days, reminder.at, words, reminder.sent_on, reminder.on, reminder.fire_at))


def _ref(text: str, moment: datetime, index: int) -> str:
    return hashlib.sha256(f"{index}|{moment.isoformat()}|{text}".encode()).hexdigest()[:8]


def due(leader: Leader, now: datetime) -> tuple[Leader, tuple[Reply, ...]]:
    """The reminders whose time has come, recorded as sent (a one-off one is then gone), each with a snooze."""
    kept: list[Reminder] = []
    replies: list[Reply] = []
    sent = list(leader.sent_reminders)
    for index, reminder in enumerate(leader.reminders):
        day = schedule.due_reminder(leader, reminder, now)
        if day is None:
            if not (reminder.once and schedule.once_expired(leader, reminder, now)):
                kept.append(reminder)
            continue
        if not reminder.once:
            kept.append(Reminder(reminder.days, reminder.at, reminder.text, day))
        ref = _ref(reminder.text, now, index)
        sent = [s for s in sent if s.ref != ref][-(SENT_KEPT - 1):] + [SentReminder(ref, reminder.text)]
        keyboard: Keyboard = ((Button(msg("button_snooze_hour"), Snooze(ref, False)),
                               Button(msg("button_snooze_tomorrow"), Snooze(ref, True))),)
        text = msg("reminder", text=reminder.text) if reminder.text else msg("reminder_bare")
        replies.append(Reply(text, keyboard))
    if not replies and len(kept) == len(leader.reminders):
        return leader, ()
    return leader.with_(reminders=tuple(kept), sent_reminders=tuple(sent)), tuple(replies)


def snooze(ctx: Context, leader: Leader, action: Snooze, now: datetime) -> Outcome:
    """A snooze button on a reminder: it comes back once, in an hour or tomorrow at the same time."""
    found = next((s for s in leader.sent_reminders if s.ref == action.ref), None)
    if found is None:
        return Outcome(leader, toast=msg("button_expired"))
    if found.snoozed:
        return Outcome(leader, toast=msg("reminder_already"))
    if len(leader.reminders) >= MAX_REMINDERS:
        return Outcome(leader, (Reply(msg("error_reminders_full", count=MAX_REMINDERS)),))
    if action.tomorrow:  # the same local time tomorrow
        clock = schedule.local_now(now, leader.timezone)
        moment = schedule.at_local(leader, clock.date() + timedelta(days=1), clock.time().replace(microsecond=0))
    else:
        moment = now + timedelta(hours=1)
    local = schedule.local_now(moment, leader.timezone)
    reminder = Reminder(frozenset(), local.time().replace(second=0, microsecond=0), found.text, fire_at=moment)
    marked = tuple(SentReminder(s.ref, s.text, True) if s.ref == found.ref else s for s in leader.sent_reminders)
    changed = leader.with_(reminders=(*leader.reminders, reminder), sent_reminders=marked)
    text = msg("reminder", text=found.text) if found.text else msg("reminder_bare")
    said = msg("reminder_snoozed", reminder=text, at=local)
    return Outcome(changed, (Reply(said, edit=True),), toast=msg("saved"))
