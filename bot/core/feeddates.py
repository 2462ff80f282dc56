"""Dates as feeds write them when they do not follow RFC 822 in English.

Feeds from Portugal, Brazil, Italy, Spain, France, Germany or the Netherlands often write their dates with the
day and month names of their language: "Seg, 24 Set 2018 10:00:00 +0000", "mer, 16 nov 2022 08:30:00 +0100",
"Mo, 3. Okt 2022 10:00:00 MESZ", "24 de setembro de 2018 10:00". `parse_date` reads these, ISO 8601 dates and
English ones, and gives an aware UTC datetime, or None when the text is not a date it knows.

The weekday is only checked for being a weekday name; the instant comes from the day, month, year, time and
zone. A date without a time is midnight; without a zone, UTC. Only the first 100 characters are read.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

MAX_LENGTH = 100

# Month names and abbreviations, without accents, in English, Portuguese, Italian, Spanish, French, German and
# Dutch. No abbreviation means two different months in two languages ("mar" is March in all of them).
_MONTH_NAMES = {
    1: "jan january janeiro gennaio gen enero ene janvier janv januar janner jan januari",
    2: "feb february fevereiro fev febbraio febrero fevrier fevr fev februar februari",
    3: "mar march marco marzo mars marz mrz maart mrt",
    4: "apr april abril abr aprile avril avr",
    5: "may maio mai maggio mag mayo mei",
    6: "jun june junho giugno giu junio juin juni",
    7: "jul july julho luglio lug julio juillet juil juli",
    8: "aug august agosto ago aout aou augustus",
    9: "sep sept september setembro set settembre septiembre setiembre septembre",
    10: "oct october outubro out ottobre ott octubre octobre okt oktober",
    11: "nov november novembro novembre noviembre",
    12: "dec december dezembro dez dicembre dic diciembre decembre dezember",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}

# Weekday names and abbreviations, without accents, in the same languages (Monday first).
_WEEKDAY_NAMES = (
    "mon monday seg segunda lun lunedi lunes lundi mo montag ma maandag",
    "tue tues tuesday ter terca mar martedi martes mardi di dienstag dinsdag",
    "wed wednesday qua quarta mer mercoledi mie miercoles mercredi mi mittwoch wo woensdag",
    "thu thur thurs thursday qui quinta gio giovedi jue jueves jeu jeudi do donnerstag donderdag",
    "fri friday sex sexta ven venerdi vie viernes vendredi fr freitag vr vrijdag",
    "sat saturday sab sabado sabato sam samedi sa samstag sonnabend za zaterdag",
    "sun sunday dom domingo domenica dim dimanche so sonntag zo zondag",
)
WEEKDAYS = frozenset(name for names in _WEEKDAY_NAMES for name in names.split())

# Zone abbreviations that feeds use, as hours east of UTC; an unknown one counts as UTC, as in RFC 822.
ZONES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "west": 1, "bst": 1, "cet": 1, "cest": 2, "met": 1,
    "mest": 2, "mez": 1, "mesz": 2, "eet": 2, "eest": 3, "msk": 3, "est": -5, "edt": -4, "cst": -6,
    "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "brt": -3, "brst": -2, "art": -3, "jst": 9,
    "kst": 9, "hkt": 8, "sgt": 8, "aest": 10, "aedt": 11,
}

_WEEKDAY_FIRST = re.compile(r"\s*(?P<weekday>[a-z]+)(?:-feira)?\.?\s*(?:,\s*|\s+(?=\d))")
_TIME = (
    r"(?:\s*(?:,|t|-|a|as|a las|alle|ore|um|om|at)?\s*"
    r"(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<meridiem>am|pm)\b)?)?\s*(?:h\b)?\s*(?P<zone>[+-]\d{2}:?\d{2}|[a-z]{1,5}(?:\s*[+-]\d{2}:?\d{2})?)?\s*"
)
_DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})(?:er|o|\.)?\s*(?:de\s+|-)?(?P<month>[a-z]+)\.?,?\s*(?:de\s+|del\s+|-)?"
    r"(?P<year>\d{4}|\d{2})\b" + _TIME
)
_MONTH_FIRST = re.compile(r"(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b" + _TIME)
_MARKS = re.compile(r"[\u0300-\u036f]")


def _ascii_lower(text: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).lower()


def _offset(zone: str | None) -> timedelta:
    """The offset a zone names: "+0100", "-03:00", "CEST", "GMT+2"... An unknown name counts as UTC."""
    if not zone:
        return timedelta(0)
    match = re.search(r"([+-])(\d{2}):?(\d{2})$", zone)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    return timedelta(hours=ZONES.get(zone.strip(), 0))


def _hour(hour: str | None, meridiem: str | None) -> int:
    """The hour on a 24-hour clock ("10" "pm" is 22, "12" "am" is 0); a wrong one is left for datetime to refuse."""
    value = int(hour or 0)
    if meridiem and 1 <= value <= 12:
        return value % 12 + (12 if meridiem == "pm" else 0)
    return value


def _iso(text: str) -> datetime | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:z|[+-]\d{2}:?\d{2})?", text):
        return None
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _match(text: str) -> re.Match[str] | None:
    match = _DAY_FIRST.fullmatch(text) or _MONTH_FIRST.fullmatch(text)
    return match if match is not None and match.group("month") in MONTHS else None


def parse_date(raw: object) -> datetime | None:
    """The instant a feed's date text names, in UTC; None if it names none that this module knows."""
    if not isinstance(raw, str):
        return None
    text = " ".join(_ascii_lower(raw[:MAX_LENGTH]).split())
    if not text:
        return None
    iso = _iso(text)
    if iso is not None:
        return iso.astimezone(UTC)
    match = _match(text)
    weekday = _WEEKDAY_FIRST.match(text) if match is None else None
    if weekday and weekday.group("weekday") in WEEKDAYS:
        match = _match(text[weekday.end() :])
    if match is None:
        return None
    year = int(match.group("year"))
    year += 2000 if year < 70 else 1900 if year < 100 else 0
    try:
        local = datetime(
            year,
            MONTHS[match.group("month")],
            int(match.group("day")),
            _hour(match.group("hour"), match.group("meridiem")),
            int(match.group("minute") or 0),
            int(match.group("second") or 0),
            tzinfo=timezone(_offset(match.group("zone"))),
        )
    except ValueError:  # the 31st of a 30-day month, a 25th hour, an offset of a day or more
        return None
    return local.astimezone(UTC)
