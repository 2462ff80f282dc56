"""The bot's words: messages of the catalog rendered in a language, with CLDR plurals, dates, times and lists
(through Babel). The one module that reaches Babel.

Both surfaces render through here: Telegram gets the HTML, the terminal its plain text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import cache

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal

from bot.core.content import Catalog, fill
from bot.core.content_checks import SURFACE_MARK
from bot.core.markup import Html, html_to_text
from bot.core.replies import Days, Lines, Msg, Quoted, Text, Value

# English as written in Britain and Europe (24-hour clock, "Monday, Wednesday and Friday"); French of France.
LOCALES = {"en": "en_GB", "fr": "fr_FR"}
DATE_PATTERN = "EEEE d MMMM"  # "Thursday 3 December", « jeudi 3 décembre »
FIRST_OF_MONTH = {"fr": "EEEE '1er' MMMM"}  # « mardi 1er décembre »
ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))


@cache
def locale(language: str) -> Locale:
    """The CLDR locale of a product language."""
    return Locale.parse(LOCALES.get(language, language))


def plural_form(language: str, count: int | float) -> str:
    """The CLDR plural category of a number in a language ("one", "other", "many"...)."""
    return str(locale(language).plural_form(abs(count)))


def say_date(day: date, language: str) -> str:
    """A date as the language writes it: "Thursday 3 December", « jeudi 3 décembre », « mardi 1er décembre »
    (French writes the first of the month as an ordinal)."""
    pattern = FIRST_OF_MONTH.get(language, DATE_PATTERN) if day.day == 1 else DATE_PATTERN
    return format_date(day, pattern, locale=locale(language))


NBSP = "\u00a0"
QUOTES = {"en": ("\u201c", "\u201d"), "fr": ("\u00ab" + NBSP, NBSP + "\u00bb")}  # “Welcome”, « Bienvenue »


def say_time(at: time, language: str) -> str:
    """A time as the language writes it in a sentence: 08:30 in English; « 8 h 30 », « 17 h » in French (the
    hour and its minutes held together by no-break spaces). What a leader types is read either way."""
    if language == "fr":
        return f"{at.hour}{NBSP}h" + (f"{NBSP}{at.minute:02d}" if at.minute else "")
    return format_time(at, "short", locale=locale(language))


def day_names(language: str) -> list[str]:
    """Monday to Sunday, in full, as the language writes them."""
    names = get_day_names("wide", locale=locale(language))
    return [str(names[d]) for d in range(7)]


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace('"', "&quot;")




class Words:
    """Renders what the coach says (`Msg`, `Lines`, plain values) in a language, as Telegram HTML.

    A surface other than Telegram (`surface="terminal"`) says some messages its own way: where the catalog
    holds `key@terminal`, that wording is used instead of `key` (instructions to tap a button, to send a file).
    """

    def __init__(self, catalog: Catalog, surface: str = "") -> None:
        self.catalog = catalog
        self.surface = surface

    def _key(self, language: str, key: str) -> str:
        if self.surface:
            variant = f"{key}{SURFACE_MARK}{self.surface}"
            if self.catalog.has(language, variant):
                return variant
        return key

    def html(self, text: Text, language: str) -> str:
        """Telegram HTML."""
        return self._value(text, language)

    def plain(self, text: Text, language: str) -> str:
        """Plain text (the terminal, button labels, toasts, picture labels)."""
        return html_to_text(self._value(text, language))

    def _message(self, message: Msg, language: str) -> str:
        key = self._key(language, message.key)
        count = message.values.get("count")
        form = "other"
        if isinstance(count, int | float) and not isinstance(count, bool):
            # "zero" is this catalog's form for exactly nothing, where the sentence changes ("No posts...").
            has_zero = "zero" in self.catalog.forms(language, key)
            form = "zero" if count == 0 and has_zero else plural_form(language, count)
        template = self.catalog.template(language, key, form)
        values: Mapping[str, object] = {name: Html(self._value(value, language))
                                        for name, value in message.values.items()}
        return fill(template, message.key, values)

    def _value(self, value: Value, language: str) -> str:
        if value is None:
            return ""
        if isinstance(value, Html):
            return str(value)
        if isinstance(value, str):
            return _escape(value)
        if isinstance(value, Msg):
            return self._message(value, language)
        if isinstance(value, Lines):
            return value.sep.join(self._value(part, language) for part in value.parts)
        if isinstance(value, Quoted):
            opening, closing = QUOTES.get(language, QUOTES["en"])
            return _escape(f"{opening}{value.text}{closing}")
        if isinstance(value, Days):
            if value.every and value.days not in (ALL_DAYS, WEEKDAYS):
                return self._message(Msg("days_each", {"days": self._days(value.days, language, plural=True)}),
                                     language)
            return _escape(self._days(value.days, language))
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return _escape(format_decimal(value, locale=locale(language)))
        if isinstance(value, datetime):
            return self._message(Msg("date_at_time", {"date": value.date(), "time": value.time()}), language)
        if isinstance(value, date):
            return _escape(say_date(value, language))
        if isinstance(value, time):
            return _escape(say_time(value, language))
        raise TypeError(f"cannot say a {type(value).__name__}")

    def _days(self, days: frozenset[int], language: str, *, plural: bool = False) -> str:
        if days == ALL_DAYS:
            return self.catalog.template(language, "days_every")
        if days == WEEKDAYS:
            return self.catalog.template(language, "days_weekdays")
        names = day_names(language)
        if plural and language == "fr":  # « tous les lundis et vendredis »: every French day name takes an s
            names = [name + "s" for name in names]
        return format_list([names[d] for d in sorted(days)], locale=locale(language))
