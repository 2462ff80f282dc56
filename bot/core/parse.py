"""Parsers for what a leader types: times, days, time zones, languages, pause lengths.

Each parser returns a value or raises `InputError` naming the message that explains the mistake; none of them
ever changes anything.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot.core.model import LANGUAGES

MAX_PAUSE_DAYS = 90
MAX_ARGUMENT_LENGTH = 200


class InputError(ValueError):
    """A typed value could not be understood; `key` names the message that explains it."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _clean(text: str) -> str:
    """Fold case, accents, control characters and runs of spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c)[0] != "C" or c == " ")
    return " ".join(text.lower().split())


_TIME = re.compile(r"^(\d{1,2})(?:\s*[:h.]\s*(\d{2})?)?\s*(am|pm)?$")


def parse_time(text: str) -> time:
    """Read a local time such as 07:45, 7h45, 7h or 6:30pm."""
    value = _clean(text[:MAX_ARGUMENT_LENGTH])
    match = _TIME.match(value)
    if not match:
        raise InputError("error_time")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(3)
    if suffix:
        if not 1 <= hour <= 12:
            raise InputError("error_time")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InputError("error_time")
    return time(hour, minute)


_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "lun", "lundi"),
        ("tue", "tues", "tuesday", "mar", "mardi"),
        ("wed", "wednesday", "mer", "mercredi"),
        ("thu", "thur", "thurs", "thursday", "jeu", "jeudi"),
        ("fri", "friday", "ven", "vendredi"),
        ("sat", "saturday", "sam", "samedi"),
        ("sun", "sunday", "dim", "dimanche"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _index

_DAY_SETS: dict[str, frozenset[int]] = {
    "daily": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "every day": frozenset(range(7)),
    "all": frozenset(range(7)),
    "tous les jours": frozenset(range(7)),
    "chaque jour": frozenset(range(7)),
    "tlj": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "monday to friday": frozenset(range(5)),
    "du lundi au vendredi": frozenset(range(5)),
    "lundi au vendredi": frozenset(range(5)),
    "de lundi a vendredi": frozenset(range(5)),
    "semaine": frozenset(range(5)),
    "en semaine": frozenset(range(5)),
    "weekend": frozenset({5, 6}),
    "week-end": frozenset({5, 6}),
}


def _day(name: str) -> int:
    try:
        return _DAY_NAMES[name.strip(".")]
    except KeyError:
        raise InputError("error_days") from None


def parse_days(text: str) -> frozenset[int]:
    """Read weekdays such as mon-fri, mon,wed,fri, lun-ven, daily or weekdays (0 is Monday)."""
    value = _clean(text[:MAX_ARGUMENT_LENGTH])
    if value in _DAY_SETS:
        return _DAY_SETS[value]
    days: set[int] = set()
    for part in re.split(r"[,\s;/+]+|\bet\b|\band\b", value):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _day(first), _day(last)
            span = (end - start) % 7
            days.update((start + i) % 7 for i in range(span + 1))
        else:
            days.add(_day(part))
    if not days:
        raise InputError("error_days")
    return frozenset(days)


# Cities a leader may type, in French and in English, with their common names: each maps to its zone. The first
# name of each row is the one offered back when a typed name is close to it ("Did you mean Lyon?").
CITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Europe/Paris", ("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Nice",
                      "Strasbourg", "Rennes", "Montpellier", "Grenoble", "France")),
    ("Europe/London", ("Londres", "London", "Manchester", "Edinburgh", "Édimbourg", "Royaume-Uni",
                       "United Kingdom", "UK")),
    ("Europe/Dublin", ("Dublin",)),
    ("Europe/Brussels", ("Bruxelles", "Brussels", "Anvers", "Antwerp", "Liège", "Belgique", "Belgium")),
    ("Europe/Luxembourg", ("Luxembourg",)),
    ("Europe/Zurich", ("Genève", "Geneva", "Genf", "Zurich", "Lausanne", "Berne", "Bern", "Bâle", "Basel",
                       "Suisse", "Switzerland")),
    ("Europe/Berlin", ("Berlin", "Munich", "München", "Francfort", "Frankfurt", "Hambourg", "Hamburg",
                       "Allemagne", "Germany")),
    ("Europe/Madrid", ("Madrid", "Barcelone", "Barcelona", "Espagne", "Spain")),
    ("Europe/Rome", ("Rome", "Roma", "Milan", "Milano", "Turin", "Italie", "Italy")),
    ("Europe/Amsterdam", ("Amsterdam", "Rotterdam", "La Haye", "The Hague", "Pays-Bas", "Netherlands")),
    ("Europe/Lisbon", ("Lisbonne", "Lisbon", "Lisboa", "Porto", "Portugal")),
    ("Europe/Warsaw", ("Varsovie", "Warsaw", "Cracovie", "Krakow", "Pologne", "Poland")),
    ("Europe/Vienna", ("Vienne", "Vienna", "Wien", "Autriche", "Austria")),
    ("Europe/Prague", ("Prague", "Praha")),
    ("Europe/Budapest", ("Budapest",)),
    ("Europe/Stockholm", ("Stockholm", "Suède", "Sweden")),
    ("Europe/Copenhagen", ("Copenhague", "Copenhagen", "Danemark", "Denmark")),
    ("Europe/Oslo", ("Oslo", "Norvège", "Norway")),
    ("Europe/Helsinki", ("Helsinki", "Finlande", "Finland")),
    ("Europe/Athens", ("Athènes", "Athens", "Grèce", "Greece")),
    ("Europe/Istanbul", ("Istanbul", "Turquie", "Turkey")),
    ("Europe/Kyiv", ("Kyiv", "Kiev", "Kyïv", "Ukraine")),
    ("Europe/Moscow", ("Moscou", "Moscow", "Saint-Pétersbourg", "Saint Petersburg")),
    ("Africa/Casablanca", ("Casablanca", "Rabat", "Marrakech", "Maroc", "Morocco")),
    ("Africa/Algiers", ("Alger", "Algiers", "Oran", "Algérie", "Algeria")),
    ("Africa/Tunis", ("Tunis", "Tunisie", "Tunisia")),
    ("Africa/Dakar", ("Dakar", "Sénégal", "Senegal")),
    ("Africa/Abidjan", ("Abidjan", "Côte d'Ivoire", "Ivory Coast")),
    ("Africa/Cairo", ("Le Caire", "Cairo", "Égypte", "Egypt")),
    ("Africa/Lagos", ("Lagos", "Nigeria", "Kinshasa", "Douala", "Cameroun", "Cameroon")),
    ("Africa/Nairobi", ("Nairobi", "Kenya")),
    ("Africa/Johannesburg", ("Johannesburg", "Le Cap", "Cape Town", "Afrique du Sud", "South Africa")),
    ("Asia/Beirut", ("Beyrouth", "Beirut", "Liban", "Lebanon")),
    ("Asia/Jerusalem", ("Tel Aviv", "Jérusalem", "Jerusalem", "Israël", "Israel")),
    ("Asia/Riyadh", ("Riyad", "Riyadh", "Arabie saoudite", "Saudi Arabia")),
    ("Asia/Qatar", ("Doha", "Qatar")),
    ("Asia/Dubai", ("Dubaï", "Dubai", "Abou Dabi", "Abu Dhabi", "Émirats arabes unis", "United Arab Emirates",
                    "UAE")),
    ("Asia/Kolkata", ("Bombay", "Mumbai", "Delhi", "New Delhi", "Bangalore", "Bengaluru",
                      "Inde", "India")),
    ("Asia/Bangkok", ("Bangkok", "Thaïlande", "Thailand")),
    ("Asia/Ho_Chi_Minh", ("Hô Chi Minh-Ville", "Ho Chi Minh City", "Saïgon", "Saigon", "Hanoï", "Hanoi",
                          "Vietnam")),
    ("Asia/Singapore", ("Singapour", "Singapore")),
    ("Asia/Jakarta", ("Jakarta", "Indonésie", "Indonesia")),
    ("Asia/Hong_Kong", ("Hong Kong",)),
    ("Asia/Shanghai", ("Shanghai", "Pékin", "Beijing", "Shenzhen", "Chine", "China")),
    ("Asia/Seoul", ("Séoul", "Seoul", "Corée du Sud", "South Korea")),
    ("Asia/Tokyo", ("Tokyo", "Osaka", "Japon", "Japan")),
    ("Australia/Sydney", ("Sydney", "Melbourne", "Canberra")),
    ("Pacific/Auckland", ("Auckland", "Wellington", "Nouvelle-Zélande", "New Zealand")),
    ("America/Montreal", ("Montréal", "Montreal", "Québec", "Quebec", "Ottawa")),
    ("America/Toronto", ("Toronto",)),
    ("America/Vancouver", ("Vancouver",)),
    ("America/New_York", ("New York", "NYC", "Boston", "Washington", "Miami", "Atlanta", "Philadelphie",
                          "Philadelphia")),
    ("America/Chicago", ("Chicago", "Houston", "Dallas", "La Nouvelle-Orléans", "New Orleans")),
    ("America/Denver", ("Denver",)),
    ("America/Phoenix", ("Phoenix",)),
    ("America/Los_Angeles", ("Los Angeles", "San Francisco", "Seattle", "San Diego", "Silicon Valley")),
    ("America/Mexico_City", ("Mexico", "Mexico City", "Ciudad de México")),
    ("America/Bogota", ("Bogota", "Bogotá", "Colombie", "Colombia")),
    ("America/Lima", ("Lima", "Pérou", "Peru")),
    ("America/Santiago", ("Santiago", "Chili", "Chile")),
    ("America/Sao_Paulo", ("São Paulo", "Sao Paulo", "Rio de Janeiro", "Brésil", "Brazil")),
    ("America/Argentina/Buenos_Aires", ("Buenos Aires", "Argentine", "Argentina")),
    ("America/Martinique", ("Martinique", "Fort-de-France")),
    ("America/Guadeloupe", ("Guadeloupe", "Pointe-à-Pitre")),
    ("Indian/Reunion", ("La Réunion", "Réunion", "Saint-Denis de La Réunion")),
    ("Pacific/Tahiti", ("Tahiti", "Papeete")),
)


def _fold_name(text: str) -> str:
    """A place name folded for comparison: no case, no accents, hyphens and apostrophes as spaces."""
    return " ".join(_clean(text.replace("-", " ").replace("’", " ").replace("'", " ")).split())


@lru_cache(maxsize=1)
def _city_names() -> dict[str, tuple[str, str]]:
    """Every city name of the table, folded, with its zone and its name as written."""
    return {_fold_name(name): (zone, name) for zone, names in CITIES for name in names}


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Every known zone, by folded full name and by folded city."""
    names: dict[str, str] = {}
    cities: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if zone.startswith(("Etc/", "SystemV/", "posix/", "right/")) and zone != "Etc/UTC":
            continue
        names[zone.lower()] = zone
        city = zone.rsplit("/", 1)[-1].replace("_", " ").lower()
        if "/" in zone:
            cities.setdefault(city, zone)
    names.update({k: v for k, v in cities.items() if k not in names})
    names.setdefault("utc", "UTC")
    names.setdefault("gmt", "UTC")
    return names


class UnknownPlace(InputError):
    """A time zone or city that is not known; `suggestion` is the closest known city name, if one is close."""

    def __init__(self, key: str, suggestion: str | None) -> None:
        super().__init__(key)
        self.suggestion = suggestion


def parse_timezone(text: str) -> str:
    """Read an IANA time zone (Europe/Paris) or a city in French or English (Lyon, Londres, New York, Genève).

    An unknown name raises `UnknownPlace`, with the closest known city when one is close ("Lyom": Lyon)."""
    value = _clean(text[:MAX_ARGUMENT_LENGTH]).replace(" / ", "/")
    folded = _fold_name(text[:MAX_ARGUMENT_LENGTH].replace("_", " "))
    known = _city_names().get(folded) if "/" not in value else None
    if known:  # the table first: "Portugal" or "Japan" are also old zone names, kept only as aliases
        ZoneInfo(known[0])
        return known[0]
    candidates = (value, value.replace(" ", "_"), value.replace("_", " "))
    for candidate in candidates:
        zone = _zones().get(candidate)
        if zone:
            ZoneInfo(zone)  # a known zone always loads; fail loudly if the tz database is broken
            return zone
    close = difflib.get_close_matches(folded, list(_city_names()), n=1, cutoff=0.75) if folded else []
    if close:
        raise UnknownPlace("error_timezone_suggest", _city_names()[close[0]][1])
    raise UnknownPlace("error_timezone", None)


_LANGUAGE_NAMES = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "french": "fr",
    "francais": "fr",
}


def parse_language(text: str) -> str:
    """Read a language of the product: fr or en (names accepted too)."""
    value = _LANGUAGE_NAMES.get(_clean(text[:MAX_ARGUMENT_LENGTH]))
    if value not in LANGUAGES:
        raise InputError("error_language")
    return value


def parse_pause_days(text: str) -> int:
    """Read a number of days to pause, from 1 to MAX_PAUSE_DAYS."""
    match = re.fullmatch(r"(\d{1,3})\s*(d|j|days?|jours?)?", _clean(text[:MAX_ARGUMENT_LENGTH]))
    if not match or not 1 <= int(match.group(1)) <= MAX_PAUSE_DAYS:
        raise InputError("error_pause")
    return int(match.group(1))


MAX_REMINDER_TEXT = 200


def language_from_code(code: str | None) -> str:
    """The product language closest to Telegram's language_code (French for fr-*, else English)."""
    return "fr" if (code or "").lower().startswith("fr") else "en"


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


_OFF = ("off", "stop", "non", "no", "arret", "desactiver", "aucun", "none")
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
    return _clean(token).strip(",;!?()")


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
        ):
            raise InputError("error_reminder_date_ambiguous")
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


def is_off(text: str) -> bool:
    """Whether a typed answer means "off" ("off", "non", "aucun"...)."""
    return _clean(text[:MAX_ARGUMENT_LENGTH]) in _OFF


def parse_remind(text: str) -> RemindRequest:
    """Read `/remind` arguments: `off`, `on`, `list`, `delete 2`, or when and what, in English or French:
    `fri 17:00 Share the week's best read`, `tomorrow 9am Call Anna`, `in 2 hours ...`, « demain 9h ... »,
    « tous les jours à 9h ... », « le 4 décembre à 9h ... », `Dec 4 9am ...`; a bare time or days (`17:00`,
    `sat 10:00`) is a SCHEDULE request, which the coach asks about."""
    raw = " ".join("".join(c for c in text[: MAX_ARGUMENT_LENGTH + MAX_REMINDER_TEXT] if c.isprintable()).split())
    value = _clean(raw)
    if value in _OFF or value in _ON:
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
