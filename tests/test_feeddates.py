"""Dates written with the day and month names of Portuguese, Italian, Spanish, French, German or Dutch feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.feeddates import parse_date

# How each language writes its days (Monday first) and months, long and short, as publishers do.
NAMES = {
    "pt": (["Seg", "Ter", "Qua", "Qui", "Sex", "Sáb", "Dom"],
           ["Jan", "Fev", "Mar", "Abr", "Mai", "Jun", "Jul", "Ago", "Set", "Out", "Nov", "Dez"],
           ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
            "novembro", "dezembro"]),
    "it": (["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
           ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"],
           ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
            "ottobre", "novembre", "dicembre"]),
    "es": (["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
           ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"],
           ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
            "noviembre", "diciembre"]),
    "fr": (["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
           ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
           ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
            "novembre", "décembre"]),
    "de": (["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
           ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
           ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
            "November", "Dezember"]),
    "nl": (["ma", "di", "wo", "do", "vr", "za", "zo"],
           ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
           ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
            "november", "december"]),
    "en": (["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
           ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
           ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"]),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seg, 24 Set 2018 10:00:00 +0000", datetime(2018, 9, 24, 10, 0, tzinfo=UTC)),
        ("mer, 16 nov 2022 08:30:00 +0100", datetime(2022, 11, 16, 7, 30, tzinfo=UTC)),
        ("Mo, 3. Okt 2022 10:00:00 MESZ", datetime(2022, 10, 3, 8, 0, tzinfo=UTC)),
        ("segunda-feira, 24 de setembro de 2018 10:00", datetime(2018, 9, 24, 10, 0, tzinfo=UTC)),
        ("mar, 16 mar 2022 10:00 CET", datetime(2022, 3, 16, 9, 0, tzinfo=UTC)),
        ("Mar 16, 2022", datetime(2022, 3, 16, tzinfo=UTC)),
        ("lun. 1er déc. 2022 à 9h05", datetime(2022, 12, 1, 9, 5, tzinfo=UTC)),
        ("Mié, 16 Nov 2022 10:00:00 GMT", datetime(2022, 11, 16, 10, 0, tzinfo=UTC)),
        ("zo, 13 nov 2022 23:59:59 -0300", datetime(2022, 11, 14, 2, 59, 59, tzinfo=UTC)),
        ("Sept 5, 2022 10:00 PM", datetime(2022, 9, 5, 22, 0, tzinfo=UTC)),
        ("2022-11-16T10:00:00+02:00", datetime(2022, 11, 16, 8, 0, tzinfo=UTC)),
        ("2022-11-16", datetime(2022, 11, 16, tzinfo=UTC)),
        ("  gio,   17   nov   2022  ", datetime(2022, 11, 17, tzinfo=UTC)),
    ],
)
def test_dates_in_many_languages(text: str, expected: datetime):
    assert parse_date(text) == expected
    assert parse_date(text).tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    ["", "nonsense", "gio, 31 nov 2022 10:00", "Seg, 24 Xyz 2018 10:00:00 +0000", "24 Set 2018 25:00",
     "yesterday at noon", "Seg, 24 Set", None, 1537783200, "2022-13-01"],
)
def test_what_is_not_a_date_is_none(text):
    assert parse_date(text) is None


@given(
    moment=st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2099, 12, 31)),
    offset_minutes=st.integers(min_value=-12 * 60, max_value=14 * 60),
    language=st.sampled_from(sorted(NAMES)),
    long_month=st.booleans(),
    with_weekday=st.booleans(),
    with_seconds=st.booleans(),
)
def test_any_date_written_in_a_known_language_reads_back_as_the_same_instant(
    moment, offset_minutes, language, long_month, with_weekday, with_seconds
):
    offset = timedelta(minutes=offset_minutes)
    local = moment.replace(microsecond=0, second=moment.second if with_seconds else 0)
    days, short_months, long_months = NAMES[language]
    month = (long_months if long_month else short_months)[local.month - 1]
    sign, total = ("-" if offset_minutes < 0 else "+"), abs(offset_minutes)
    text = f"{local.day:02d} {month} {local.year} {local.hour:02d}:{local.minute:02d}"
    text += f":{local.second:02d}" if with_seconds else ""
    text += f" {sign}{total // 60:02d}{total % 60:02d}"
    if with_weekday:
        text = f"{days[local.weekday()]}, {text}"
    assert parse_date(text) == local.replace(tzinfo=timezone(offset)).astimezone(UTC)


@given(st.text(max_size=200))
def test_any_text_gives_a_utc_date_or_none_and_never_raises(text: str):
    parsed = parse_date(text)
    assert parsed is None or parsed.utcoffset() == timedelta(0)
