"""/remind: when lessons come (time, days, on or off), and reminders of the leader's own, sent at their time."""

from __future__ import annotations

from datetime import datetime

from bot.core import schedule
from bot.core.features.common import Context, invalid, say, settle, summary
from bot.core.model import Leader, Reminder, Schedule
from bot.core.parse import InputError, RemindAction, parse_remind
from bot.core.replies import Days, Lines, Msg, Outcome, Reply, msg

MAX_REMINDERS = 10


def when(reminder: Reminder) -> Msg:
    """When a reminder comes: its days and time."""
    return msg("reminder_when", days=Days(reminder.days), time=reminder.at)


def listing(leader: Leader) -> Msg | Lines:
    """The leader's reminders, numbered."""
    if not leader.reminders:
        return msg("reminders_none")
    lines = [msg("reminder_line", number=n, when=when(r), text=r.text) for n, r in enumerate(leader.reminders, 1)]
    return Lines((msg("reminders_title"), *lines))


def remind(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """`/remind` and its forms (see `parse_remind`)."""
    if not args:
        return say(leader, Lines((summary(leader, now), listing(leader), msg("remind_usage")), "\n\n"))
    try:
        request = parse_remind(args)
    except InputError as error:
        return invalid(leader, error)
    if request.action is RemindAction.LIST:
        return say(leader, listing(leader))
    if request.action is RemindAction.DELETE:
        index = (request.index or 0) - 1
        if not 0 <= index < len(leader.reminders):
            return invalid(leader, InputError("error_reminder_index"))
        gone = leader.reminders[index]
        changed = leader.with_(reminders=leader.reminders[:index] + leader.reminders[index + 1 :])
        return say(changed, msg("reminder_deleted", text=gone.text))
    if request.action is RemindAction.ADD:
        if len(leader.reminders) >= MAX_REMINDERS:
            return invalid(leader, InputError("error_reminder_count"))
        days, at = request.days or frozenset(range(7)), request.at or leader.schedule.at
        today = schedule.local_today(leader, now)
        # Added after its time today: it starts with the next occurrence, not at once.
        sent = today if schedule.at_local(leader, today, at) <= now else None
        reminder = Reminder(days, at, request.text or "", sent)
        changed = leader.with_(reminders=(*leader.reminders, reminder))
        return say(changed, msg("reminder_added", when=when(reminder), text=reminder.text))
    sched = leader.schedule
    if request.action is RemindAction.TOGGLE:
        sched = Schedule(sched.at, sched.days, bool(request.enabled))
    else:
        sched = Schedule(request.at or sched.at, request.days or sched.days, True)
    changed = settle(leader.with_(schedule=sched), now)
    return say(changed, msg("remind_saved", summary=summary(changed, now)))


def due(leader: Leader, now: datetime) -> tuple[Leader, tuple[Reply, ...]]:
    """The reminders whose time has come, recorded as sent."""
    reminders = list(leader.reminders)
    replies: list[Reply] = []
    for index, reminder in enumerate(reminders):
        day = schedule.due_reminder(leader, reminder, now)
        if day is not None:
            reminders[index] = Reminder(reminder.days, reminder.at, reminder.text, day)
            replies.append(Reply(msg("reminder", text=reminder.text)))
    return leader.with_(reminders=tuple(reminders)), tuple(replies)
