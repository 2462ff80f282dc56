"""Reading when a leader wants a reminder or the lessons: `/remind` and `/schedule` phrases in English and French.

"tomorrow 9am Call Anna", "in 2 hours", « le 4 décembre à 9h », « tous les jours à 9h », "fri 17:00", `off`,
`list`, `delete 2`... become a `RemindRequest`, or an `InputError` naming the message that explains the mistake;
nothing is ever changed here. Times and days themselves are read by `bot.core.parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from bot.core.parse import MAX_ARGUMENT_LENGTH, OFF_WORDS, InputError, clean, parse_days, parse_time

MAX_REMINDER_TEXT = 200



class AmbiguousDate(InputError):
    """A date like 4/12 whose two readings are both real dates: (month, day) pairs, day first, and the year if
    one was written."""

    def __init__(self, typed: str, readings: tuple[tuple[int, int], tuple[int, int]], year: int | None) -> None:
        super().__init__("error_reminder_date_ambiguous")
        self.typed, self.readings, self.year = typed, readings, year


def _numeric_date(word: str) -> tuple[tuple[int, int], int | None]:
    """A date written with numbers only (4/12, 31.12, 12-4-2026): (month, day) and the year if written, when
    only one reading is a real date (or both are the same); AmbiguousDate when both are, InputError when none."""
    parts = [int(p) for p in re.split(r"[/.-]", word)]
    year = None
    if len(parts) == 3:
        year = parts[2] + 2000 if parts[2] < 100 else parts[2]
    first, second = parts[0], parts[1]
    readings = []
    for month, day in ((second, first), (first, second)):  # day first (as Europe writes it), then month first
        try:
            date(year or 2024, month, day)  # 2024: a leap year, 29 February is a date
        except ValueError:
            continue
        if (month, day) not in readings:
            readings.append((month, day))
    if not readings:
        raise InputError("error_reminder_date")
    if len(readings) == 2:
        raise AmbiguousDate(word, (readings[0], readings[1]), year)
    return readings[0], year


class RemindAction(StrEnum):
    """What `/remind ...` asks for."""

    SCHEDULE = "schedule"  # a bare time and/or days: a reminder, or the lessons moved? (the leader is asked)
    TOGGLE = "toggle"  # lessons on or off
    LIST = "list"
    DELETE = "delete"  # a reminder, by its 1-based index
    ADD = "add"  # a recurring reminder of the leader's own: days, time and text
    ONCE = "once"  # a one-off reminder: a date (or today, tomorrow, the next occurrence) and a time, or a delay


@dataclass(frozen=True)
class RemindRequest:
    """What `/remind ...` asks for, with what goes with it.

    For ONCE: `days_ahead` (0 today, 1 tomorrow), or `month_day` (month, day) with perhaps a `year`, or `delay`;
    none of them: the next occurrence of `at`.
    """

    action: RemindAction
    at: time | None = None
    days: frozenset[int] | None = None
    enabled: bool | None = None
    text: str | None = None
    index: int | None = None
    days_ahead: int | None = None
    month_day: tuple[int, int] | None = None
    year: int | None = None
    delay: timedelta | None = None


_ON = ("on", "oui", "yes", "start", "activer", "reprendre")
MAX_DELAY = timedelta(days=30)

_MONTHS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("jan", "january", "janvier", "janv"),
        ("feb", "february", "fevrier", "fevr", "fev"),
        ("mar", "march", "mars"),
        ("apr", "april", "avril", "avr"),
        ("may", "mai"),
        ("jun", "june", "juin"),
        ("jul", "july", "juillet", "juil"),
        ("aug", "august", "aout"),
        ("sep", "sept", "september", "septembre"),
        ("oct", "october", "octobre"),
        ("nov", "november", "novembre"),
        ("dec", "december", "decembre"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _index

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "un": 1, "une": 1, "two": 2, "deux": 2, "three": 3, "trois": 3,
                 "quatre": 4, "four": 4, "five": 5, "cinq": 5, "ten": 10, "dix": 10}
_MINUTES = ("m", "mn", "min", "mins", "minute", "minutes")
_HOURS = ("h", "hr", "hrs", "hour", "hours", "heure", "heures")
_IN = ("in", "dans")
_TODAY = ("today", "aujourd'hui", "aujourd\u2019hui", "aujourdhui", "auj")
_TOMORROW = ("tomorrow", "demain", "tmrw")
_EVERY_DAY = (("every", "day"), ("each", "day"), ("tous", "les", "jours"), ("chaque", "jour"), ("daily",),
              ("everyday",), ("tlj",), ("every", "weekday"), ("en", "semaine"), ("weekdays",))
_CONNECTORS = ("at", "a", "on", "le", "les", "every", "each", "tous", "toutes", "chaque", "the", "et", "and", ",")
_DATE_ERRORS = ("error_reminder_date", "error_reminder_date_ambiguous", "error_reminder_delay")
_DASHES = ":-\u2013\u2014,"


def _word(token: str) -> str:
    """A token folded for matching: case, accents, and the punctuation around it."""
    return clean(token).strip(",;!?()")


def _number(word: str) -> int | None:
    if word.isdigit() and len(word) <= 4:
        return int(word)
    return _NUMBER_WORDS.get(word)


def _ordinal(word: str) -> int | None:
    """A day of the month: 4, 4th, 1st, 1er."""
    match = re.fullmatch(r"(\d{1,2})(st|nd|rd|th|er|e)?", word)
    return int(match.group(1)) if match else None


class _When:
    """What the first words of a reminder say about when it comes."""

    def __init__(self) -> None:
        self.at: time | None = None
        self.days: set[int] = set()
        self.days_ahead: int | None = None
        self.month_day: tuple[int, int] | None = None
        self.year: int | None = None
        self.delay: timedelta | None = None

    def any(self) -> bool:
        return bool(self.at is not None or self.days or self.days_ahead is not None or self.month_day
                    or self.delay)

    def take(self, words: list[str], i: int) -> int:
        """How many words from `i` on say something about when (0: none); records what they say."""
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        # A delay: "in 20 minutes", "dans 2 heures", "in 2h", "in an hour".
        if word in _IN and nxt:
            compact = re.fullmatch(r"(\d{1,4})\s*(h|min|mn|m)(\d{2})?", nxt)
            if compact and self.delay is None:
                size, unit, extra = int(compact.group(1)), compact.group(2), compact.group(3)
                hours = unit == "h"
                delay = timedelta(hours=size, minutes=int(extra or 0)) if hours else timedelta(minutes=size)
                return self._delay(delay, 2)
            amount = _number(nxt)
            unit = words[i + 2] if i + 2 < len(words) else ""
            if amount is not None and self.delay is None and (unit in _MINUTES or unit in _HOURS):
                delay = timedelta(hours=amount) if unit in _HOURS else timedelta(minutes=amount)
                return self._delay(delay, 3)
            if amount is not None and unit in _MINUTES + _HOURS:
                raise InputError("error_reminder_words")
        # Every day, in both languages.
        for phrase in _EVERY_DAY:
            if tuple(words[i : i + len(phrase)]) == phrase:
                every = frozenset(range(5)) if phrase[-1] in ("weekday", "semaine", "weekdays") else frozenset(range(7))
                self.days |= every
                return len(phrase)
        if word in _TODAY and self.days_ahead is None and self.month_day is None:
            self.days_ahead = 0
            return 1
        if word in _TOMORROW and self.days_ahead is None and self.month_day is None:
            self.days_ahead = 1
            return 1
        # A date: 2026-12-04, Dec 4, December 4th, 4 December, le 4 décembre (a year may follow).
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word) and self.month_day is None:
            try:
                day = date.fromisoformat(word)
            except ValueError:
                raise InputError("error_reminder_date") from None
            self.month_day, self.year = (day.month, day.day), day.year
            return 1
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?", word) and (
            "/" in word or word.count(".") == 2 or "-" in word
        ) and self.month_day is None:
            self.month_day, self.year = _numeric_date(word)
            return 1
        if self.month_day is None:
            pair = None
            if word in _MONTHS and _ordinal(nxt) is not None:
                pair = (_MONTHS[word], _ordinal(nxt) or 0)
            elif _ordinal(word) is not None and nxt in _MONTHS:
                pair = (_MONTHS[nxt], _ordinal(word) or 0)
            if pair is not None:
                try:
                    date(2024, *pair)  # a leap year: 29 February is a date
                except ValueError:
                    raise InputError("error_reminder_date") from None
                self.month_day = pair
                used = 2
                after = words[i + 2] if i + 2 < len(words) else ""
                if re.fullmatch(r"20\d\d", after):
                    self.year, used = int(after), 3
                return used
        # A time: 17:00, 5pm, 5 pm, 9h, 9h30, midi, noon.
        if self.at is None and self.delay is None:
            if word in ("noon", "midi"):
                self.at = time(12, 0)
                return 1
            if nxt in ("am", "pm") and re.fullmatch(r"\d{1,2}([:.h]\d{2})?", word):
                self.at = parse_time(word + nxt)
                return 2
            if re.match(r"^\d", word):
                self.at = parse_time(word)
                return 1
        # Days of the week: fri, mon-fri, lun,mer,ven, mondays, les lundis.
        for candidate in (word, word[:-1] if word.endswith("s") else word):
            try:
                self.days |= parse_days(candidate)
                return 1
            except InputError:
                continue
        # Little words before something that says when: "at 9", « à 9h », "on Friday", « le 4 décembre ».
        if word in _CONNECTORS and nxt and (self.any() or word not in ("et", "and", ",")):
            saved = (self.at, set(self.days), self.days_ahead, self.month_day, self.year, self.delay)
            try:
                used = self.take(words, i + 1)
            except InputError as error:
                if error.key in _DATE_ERRORS:  # « le 31 février »: the date is wrong, and the leader is told so
                    raise
                used = 0
            if used:
                return used + 1
            self.at, self.days, self.days_ahead, self.month_day, self.year, self.delay = saved
        return 0

    def _delay(self, delay: timedelta, used: int) -> int:
        if not timedelta(minutes=1) <= delay <= MAX_DELAY:
            raise InputError("error_reminder_delay")
        self.delay = delay
        return used


def parse_remind(text: str) -> RemindRequest:
    """Read `/remind` arguments: `off`, `on`, `list`, `delete 2`, or when and what, in English or French:
    `fri 17:00 Share the week's best read`, `tomorrow 9am Call Anna`, `in 2 hours ...`, « demain 9h ... »,
    « tous les jours à 9h ... », « le 4 décembre à 9h ... », `Dec 4 9am ...`; a bare time or days (`17:00`,
    `sat 10:00`) is a SCHEDULE request, which the coach asks about."""
    raw = " ".join("".join(c for c in text[: MAX_ARGUMENT_LENGTH + MAX_REMINDER_TEXT] if c.isprintable()).split())
    value = clean(raw)
    if value in OFF_WORDS or value in _ON:
        return RemindRequest(RemindAction.TOGGLE, enabled=value in _ON)
    if value in ("list", "liste", "ls"):
        return RemindRequest(RemindAction.LIST)
    words = value.split()
    if words and words[0] in ("delete", "del", "remove", "supprimer", "suppr", "effacer"):
        if len(words) == 2 and words[1].isdigit() and 1 <= int(words[1]) <= 99:
            return RemindRequest(RemindAction.DELETE, index=int(words[1]))
        raise InputError("error_reminder_index")
    tokens = raw.split()
    folded = [_word(token) for token in tokens]
    when = _When()
    used = 0
    while used < len(tokens):
        step = when.take(folded, used) if folded[used] else 0
        if not step:
            break
        used += step
    note = " ".join(tokens[used:]).lstrip(_DASHES + " ")
    if len(note) > MAX_REMINDER_TEXT:
        raise InputError("error_reminder_text_long")
    if not when.any():
        raise InputError("error_reminder_words")
    days = frozenset(when.days)
    dated = when.days_ahead is not None or when.month_day is not None
    if when.delay is not None:
        if when.at is not None or days or dated:
            raise InputError("error_reminder_words")
        return RemindRequest(RemindAction.ONCE, text=note, delay=when.delay)
    if dated:
        if days:
            raise InputError("error_reminder_words")
        if when.at is None:
            raise InputError("error_reminder_when")
        return RemindRequest(RemindAction.ONCE, at=when.at, text=note, days_ahead=when.days_ahead,
                             month_day=when.month_day, year=when.year)
    if when.at is None:
        if note:
            raise InputError("error_reminder_when")
        return RemindRequest(RemindAction.SCHEDULE, days=days)
    if not note:
        return RemindRequest(RemindAction.SCHEDULE, at=when.at, days=days or None)
    if days:
        return RemindRequest(RemindAction.ADD, at=when.at, days=days, text=note)
    return RemindRequest(RemindAction.ONCE, at=when.at, text=note)


def parse_schedule(text: str) -> RemindRequest:
    """Read `/schedule` arguments: `07:45 mon-fri`, `08:30`, `mon,wed,fri`, « tous les jours 8h », `off`, `on`."""
    try:
        request = parse_remind(text)
    except InputError as error:
        raise InputError("error_time" if error.key == "error_time" else "error_schedule") from None
    if request.action not in (RemindAction.SCHEDULE, RemindAction.TOGGLE) or (
        request.action is RemindAction.SCHEDULE and request.at is None and not request.days
    ):
        raise InputError("error_schedule")
    return request
