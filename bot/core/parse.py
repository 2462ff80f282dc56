"""Parsers for what a leader types: times, days, time zones and cities, languages, pause lengths, "off".

Reminder and schedule phrases ("tomorrow 9am", « le 4 décembre à 9h ») are read in `bot.core.when`.

Each parser returns a value or raises `InputError` naming the message that explains the mistake; none of them
ever changes anything.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import time
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


def clean(text: str) -> str:
    """Fold case, accents, control characters and runs of spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c)[0] != "C" or c == " ")
    return " ".join(text.lower().split())


_TIME = re.compile(r"^(\d{1,2})(?:\s*[:h.]\s*(\d{2})?)?\s*(am|pm)?$")


def parse_time(text: str) -> time:
    """Read a local time such as 07:45, 7h45, 7h or 6:30pm."""
    value = clean(text[:MAX_ARGUMENT_LENGTH])
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
    value = clean(text[:MAX_ARGUMENT_LENGTH])
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
    return " ".join(clean(text.replace("-", " ").replace("’", " ").replace("'", " ")).split())


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
    value = clean(text[:MAX_ARGUMENT_LENGTH]).replace(" / ", "/")
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
    value = _LANGUAGE_NAMES.get(clean(text[:MAX_ARGUMENT_LENGTH]))
    if value not in LANGUAGES:
        raise InputError("error_language")
    return value


def parse_pause_days(text: str) -> int:
    """Read a number of days to pause, from 1 to MAX_PAUSE_DAYS."""
    match = re.fullmatch(r"(\d{1,3})\s*(d|j|days?|jours?)?", clean(text[:MAX_ARGUMENT_LENGTH]))
    if not match or not 1 <= int(match.group(1)) <= MAX_PAUSE_DAYS:
        raise InputError("error_pause")
    return int(match.group(1))


def language_from_code(code: str | None) -> str:
    """The product language closest to Telegram's language_code (French for fr-*, else English)."""
    return "fr" if (code or "").lower().startswith("fr") else "en"


OFF_WORDS = ("off", "stop", "non", "no", "arret", "desactiver", "aucun", "none")


def is_off(text: str) -> bool:
    """Whether a typed answer means "off" ("off", "non", "aucun"...)."""
    return clean(text[:MAX_ARGUMENT_LENGTH]) in OFF_WORDS
