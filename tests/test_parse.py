"""What a leader types: times, days, time zones, languages, pauses."""

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.parse import (
    MAX_PAUSE_DAYS,
    InputError,
    language_from_code,
    parse_days,
    parse_language,
    parse_pause_days,
    parse_time,
    parse_timezone,
)
from bot.core.when import RemindRequest, parse_remind


@pytest.mark.parametrize(
    ("text", "expected"),
    [("07:45", time(7, 45)), ("7h45", time(7, 45)), ("7h", time(7, 0)), ("19.30", time(19, 30)),
     ("6:30pm", time(18, 30)), ("12am", time(0, 0)), (" 08:00 ", time(8, 0))],
)
def test_times_are_read_in_common_forms(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:99", "24:00", "7:60", "tomorrow-ish", "", "13pm", "-1:00", "07:4"])
def test_impossible_times_are_refused(text):
    with pytest.raises(InputError) as error:
        parse_time(text)
    assert error.value.key == "error_time"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("mon-fri", {0, 1, 2, 3, 4}), ("lun-ven", {0, 1, 2, 3, 4}), ("mon,wed,fri", {0, 2, 4}),
     ("Lundi, Mercredi et Vendredi", {0, 2, 4}), ("daily", set(range(7))), ("tous les jours", set(range(7))),
     ("fri-mon", {4, 5, 6, 0}), ("weekend", {5, 6}), ("sat", {5})],
)
def test_days_are_read_in_english_and_french(text, expected):
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["someday", "mon-xyz", "", ",,,", "tomorrow-ish"])
def test_unknown_days_are_refused(text):
    with pytest.raises(InputError):
        parse_days(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Europe/Paris", "Europe/Paris"), ("europe/paris", "Europe/Paris"), ("New York", "America/New_York"),
     ("montréal", "America/Montreal"), ("UTC", "UTC"), ("Paris", "Europe/Paris")],
)
def test_time_zones_by_name_or_city(text, expected):
    assert parse_timezone(text) == expected


@pytest.mark.parametrize("text", ["Mars/Olympus", "../../etc/passwd", "", "Europe/", "x" * 5000])
def test_unknown_time_zones_are_refused(text):
    with pytest.raises(InputError) as error:
        parse_timezone(text)
    assert error.value.key == "error_timezone"


def test_languages():
    assert parse_language("FR") == "fr"
    assert parse_language("english") == "en"
    with pytest.raises(InputError):
        parse_language("klingon")
    assert language_from_code("fr-CA") == "fr"
    assert language_from_code("de") == "en"
    assert language_from_code(None) == "en"


@pytest.mark.parametrize("text", ["-3", "0", "", "abc", str(MAX_PAUSE_DAYS + 1), "3.5", "1e3"])
def test_pause_refuses_what_is_not_a_sensible_number_of_days(text):
    with pytest.raises(InputError):
        parse_pause_days(text)


def test_pause_reads_days():
    assert parse_pause_days("7") == 7
    assert parse_pause_days("7 jours") == 7


def test_remind_reads_time_and_days_in_any_order():
    assert parse_remind("07:45 mon-fri") == RemindRequest("schedule", at=time(7, 45), days=frozenset(range(5)))
    assert parse_remind("lun,mer 8h") == RemindRequest("schedule", at=time(8, 0), days=frozenset({0, 2}))
    assert parse_remind("8h tous les jours") == RemindRequest("schedule", at=time(8, 0), days=frozenset(range(7)))
    assert parse_remind("off") == RemindRequest("toggle", enabled=False)
    assert parse_remind("on") == RemindRequest("toggle", enabled=True)
    with pytest.raises(InputError) as error:
        parse_remind("tomorrow-ish")
    assert error.value.key == "error_reminder_words"


def test_remind_reads_reminders_of_the_leaders_own():
    assert parse_remind("fri 17:00 Share the week's best read") == RemindRequest(
        "add", at=time(17, 0), days=frozenset({4}), text="Share the week's best read")
    assert parse_remind("ven 17h Partager <b>la</b> lecture").text == "Partager <b>la</b> lecture"
    assert parse_remind("list") == RemindRequest("list")
    assert parse_remind("delete 2") == RemindRequest("delete", index=2)
    for bad in ("delete", "delete x", "delete 0", "fri 17:00 " + "x" * 300):
        with pytest.raises(InputError):
            parse_remind(bad)


@given(st.text(max_size=300))
def test_parsers_either_answer_or_raise_input_error(text):
    for parser in (parse_time, parse_days, parse_timezone, parse_language, parse_pause_days, parse_remind):
        try:
            parser(text)
        except InputError as error:
            assert error.key.startswith("error_")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Lyon", "Europe/Paris"), ("lyon", "Europe/Paris"), ("Londres", "Europe/London"), ("London", "Europe/London"),
     ("Genève", "Europe/Zurich"), ("GENEVE", "Europe/Zurich"), ("Geneva", "Europe/Zurich"),
     ("Montréal", "America/Montreal"), ("Québec", "America/Montreal"), ("New York", "America/New_York"),
     ("new-york", "America/New_York"), ("Tokyo", "Asia/Tokyo"), ("Bruxelles", "Europe/Brussels"),
     ("Pékin", "Asia/Shanghai"), ("Le Caire", "Africa/Cairo"), ("Moscou", "Europe/Moscow"),
     ("Singapour", "Asia/Singapore"), ("Dubaï", "Asia/Dubai"), ("Alger", "Africa/Algiers"),
     ("Beyrouth", "Asia/Beirut"), ("São Paulo", "America/Sao_Paulo"), ("Mexico", "America/Mexico_City"),
     ("San Francisco", "America/Los_Angeles"), ("Bombay", "Asia/Kolkata"), ("Mumbai", "Asia/Kolkata"),
     ("Lisbonne", "Europe/Lisbon"), ("Varsovie", "Europe/Warsaw"), ("Vienne", "Europe/Vienna"),
     ("Copenhague", "Europe/Copenhagen"), ("Athènes", "Europe/Athens"), ("Le Cap", "Africa/Johannesburg"),
     ("Cape Town", "Africa/Johannesburg"), ("Séoul", "Asia/Seoul"), ("Abidjan", "Africa/Abidjan"),
     ("Côte d’Ivoire", "Africa/Abidjan"), ("Milan", "Europe/Rome"), ("Zurich", "Europe/Zurich")],
)
def test_cities_are_read_in_french_and_english_with_their_common_names(text, expected):
    assert parse_timezone(text) == expected


def test_every_city_of_the_table_maps_to_a_zone_that_loads():
    from zoneinfo import ZoneInfo

    from bot.core.parse import CITIES

    for zone, names in CITIES:
        ZoneInfo(zone)
        for name in names:
            assert parse_timezone(name) == zone, name


@pytest.mark.parametrize(("text", "suggestion"), [("Lyom", "Lyon"), ("Londre", "Londres"), ("Genvee", "Genève"),
                                                   ("Singapur", "Singapour"), ("Tokio", "Tokyo")])
def test_an_unknown_city_close_to_a_known_one_gets_a_suggestion(text, suggestion):
    from bot.core.parse import UnknownPlace

    with pytest.raises(UnknownPlace) as error:
        parse_timezone(text)
    assert (error.value.key, error.value.suggestion) == ("error_timezone_suggest", suggestion)


def test_a_name_far_from_any_city_gets_no_suggestion():
    from bot.core.parse import UnknownPlace

    with pytest.raises(UnknownPlace) as error:
        parse_timezone("Mars/Olympus")
    assert (error.value.key, error.value.suggestion) == ("error_timezone", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("du lundi au vendredi", {0, 1, 2, 3, 4}), ("Monday to Friday", {0, 1, 2, 3, 4}),
     ("every day", set(range(7))), ("tous les jours", set(range(7))),
     ("lundi, mercredi et vendredi", {0, 2, 4}), ("Monday, Wednesday and Friday", {0, 2, 4}),
     ("mardi et jeudi", {1, 3}), ("Tuesday and Thursday", {1, 3})],
)
def test_the_labels_of_the_day_buttons_are_read_when_typed(text, expected):
    assert parse_days(text) == frozenset(expected)
