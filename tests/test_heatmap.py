"""The /stats picture: a valid PNG of the expected size, whose cells have the colours of their days."""

from __future__ import annotations

import io
import struct
from datetime import date, timedelta

import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from bot.adapters.heatmap import CELL, COLOURS, HEIGHT, WEEKS, WIDTH, cell_centre, render_heatmap, weeks_shown
from bot.core.habit import PAUSED, REST, SCHEDULED, Day

TODAY = date(2026, 3, 25)  # a Wednesday: the last column holds Monday 23 to Sunday 29
FIRST_MONDAY = TODAY - timedelta(days=TODAY.weekday(), weeks=WEEKS - 1)
LABELS = {"done": "Done", "missed": "Missed", "rest": "Rest", "paused": "Paused", "today": "Today",
          "weekdays": "M,T,W,T,F,S,S"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def twelve_weeks() -> list[Day]:
    """From the first Monday of the picture to today: weekdays scheduled, weekends rest, week 5 paused.

    Week 0: Monday done, Tuesday missed, Wednesday missed; a full week 1 earns a freeze that week 2's
    Monday (missed) spends; today (week 11, Wednesday) is scheduled and not done yet.
    """
    days = []
    for offset in range((TODAY - FIRST_MONDAY).days + 1):
        day = FIRST_MONDAY + timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        if week == 5:
            days.append(Day(day, PAUSED))
        elif weekday >= 5:
            days.append(Day(day, REST, 1 if (week, weekday) == (3, 5) else 0))
        else:
            missed = (week, weekday) in {(0, 1), (0, 2), (2, 0)} or day == TODAY
            days.append(Day(day, SCHEDULED, 0 if missed else 1))
    return days


def pixels(png: bytes):
    return imread(io.BytesIO(png), format="png")


def colour_at(image, column: int, row: int) -> tuple[float, float, float]:
    x, y = cell_centre(column, row)
    return tuple(float(channel) for channel in image[int(y), int(x), :3])


def assert_colour(actual: tuple[float, float, float], name: str) -> None:
    assert actual == pytest.approx(to_rgb(COLOURS[name]), abs=0.02), name


@pytest.mark.parametrize("days", [twelve_weeks(), []], ids=["twelve weeks", "empty"])
def test_the_picture_is_a_png_of_800_by_300_pixels(days):
    png = render_heatmap(days, today=TODAY, labels=LABELS, title="Streak: 12 days")
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (WIDTH, HEIGHT) == (800, 300)
    assert pixels(png).shape[:2] == (HEIGHT, WIDTH)


def test_each_cell_has_the_colour_of_its_day():
    image = pixels(render_heatmap(twelve_weeks(), today=TODAY, labels=LABELS, title="Streak"))
    assert_colour(colour_at(image, 0, 0), "done")
    assert_colour(colour_at(image, 0, 1), "missed")
    assert colour_at(image, 0, 0) != colour_at(image, 0, 1)
    assert_colour(colour_at(image, 2, 0), "missed")  # a freeze was spent, but no "freeze" label to show it
    assert_colour(colour_at(image, 0, 5), "rest")
    assert_colour(colour_at(image, 3, 5), "done")  # an action on a rest day
    assert_colour(colour_at(image, 5, 2), "paused")
    assert_colour(colour_at(image, 11, 3), "empty")  # tomorrow
    assert_colour(colour_at(image, 11, 2), "open")  # today, not done yet


def test_a_day_saved_by_a_freeze_has_its_own_colour_when_the_legend_names_it():
    labels = {**LABELS, "freeze": "Saved by a freeze"}
    image = pixels(render_heatmap(twelve_weeks(), today=TODAY, labels=labels, title="Streak"))
    assert_colour(colour_at(image, 2, 0), "freeze")
    assert_colour(colour_at(image, 0, 1), "missed")


def test_today_is_outlined():
    image = pixels(render_heatmap(twelve_weeks(), today=TODAY, labels=LABELS, title="Streak"))
    x, y = cell_centre(11, 2)
    assert float(image[int(y), int(x - CELL / 2), :3].sum()) < 1.0  # the left edge of today's cell is dark
    x, y = cell_centre(11, 3)
    assert float(image[int(y), int(x - CELL / 2), :3].sum()) > 2.0  # tomorrow's, light grey, is not


def test_the_legend_speaks_the_language_it_is_given():
    french = {"done": "Fait", "missed": "Manqué", "rest": "Repos", "paused": "En pause",
              "today": "Aujourd'hui", "weekdays": "L,M,M,J,V,S,D"}
    in_english = render_heatmap(twelve_weeks(), today=TODAY, labels=LABELS, title="Streak")
    in_french = render_heatmap(twelve_weeks(), today=TODAY, labels=french, title="Streak")
    assert in_english != in_french


def test_a_history_with_a_gap_is_refused():
    days = twelve_weeks()
    with pytest.raises(ValueError):
        render_heatmap(days[:10] + days[11:], today=TODAY, labels=LABELS, title="Streak")


def test_the_picture_starts_at_the_leaders_first_week_with_at_most_twelve():
    nine_days = [Day(TODAY - timedelta(days=8 - i), SCHEDULED, 1) for i in range(9)]
    assert weeks_shown(nine_days, TODAY) == 2
    assert weeks_shown([], TODAY) == 1
    assert weeks_shown(twelve_weeks(), TODAY) == WEEKS
    long = [Day(TODAY - timedelta(days=299 - i), REST) for i in range(300)]
    assert weeks_shown(long, TODAY) == WEEKS
    image = pixels(render_heatmap(nine_days, today=TODAY, labels=LABELS, title="Your first 2 weeks"))
    assert_colour(colour_at(image, 0, 0), "empty")  # Monday 16 March, before the first day
    assert_colour(colour_at(image, 0, 1), "done")  # Tuesday 17 March, the first day, in the first column
    assert_colour(colour_at(image, 1, 1), "done")
    x, y = cell_centre(2, 0)  # no third week, not even an empty one
    assert float(image[int(y), int(x - CELL / 2), :3].sum()) == pytest.approx(3.0, abs=0.01)


def test_the_weeks_are_labelled_and_the_totals_written():
    plain = pixels(render_heatmap(twelve_weeks(), today=TODAY, labels=LABELS, title="Streak"))
    with_totals = pixels(render_heatmap(twelve_weeks(), today=TODAY, labels={**LABELS, "totals": "Lessons: 40"},
                                        title="Streak"))
    legend_top = slice(15, 45)
    assert (plain[legend_top, 520:780, :3] != with_totals[legend_top, 520:780, :3]).any()
    x, y = cell_centre(WEEKS - 1, 0)  # above the last column: the date of its Monday, in grey ink
    label = plain[int(y - CELL / 2 - 14):int(y - CELL / 2 - 2), int(x - 14):int(x + 14), :3]
    assert label.min() < 0.8
    x, y = cell_centre(WEEKS - 2, 0)  # every other week when there are twelve: none above this one
    assert plain[int(y - CELL / 2 - 14):int(y - CELL / 2 - 2), int(x - 6):int(x + 6), :3].min() > 0.95
