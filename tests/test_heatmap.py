"""The /stats and recap picture: a valid PNG, whose cells have the colours of their days, whose days before the
leader's first day differ from the days to come and have their legend entry, whose totals break only between
phrases, whose week labels are big enough to read on a phone, and whose words the shipped fonts can draw."""

from __future__ import annotations

import io
import struct
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from bot.adapters.content_files import load_content
from bot.adapters.heatmap import (
    BOLD,
    CELL,
    COLOURS,
    FONTS,
    GRID_BOTTOM,
    GRID_TOP,
    REGULAR,
    WEEKS,
    WIDTH,
    cell_centre,
    legend_places,
    render_heatmap,
    swatch_centre,
    totals_lines,
    weeks_shown,
)
from bot.core.habit import PAUSED, REST, SCHEDULED, Day

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 3, 25)  # a Wednesday: the last column holds Monday 23 to Sunday 29
FIRST_MONDAY = TODAY - timedelta(days=TODAY.weekday(), weeks=WEEKS - 1)
LABELS = {"done": "Done", "missed": "Missed", "rest": "Rest", "paused": "Paused", "today": "Today",
          "before": "Before you started", "weekdays": "M,T,W,T,F,S,S"}
FRENCH = {"done": "fait", "missed": "manqué", "freeze": "sauvé par un joker", "rest": "repos", "paused": "pause",
          "today": "aujourd’hui", "before": "avant vos débuts", "weekdays": "L,M,M,J,V,S,D"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WHITE = (255, 255, 255)


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


def nine_days() -> list[Day]:
    """A leader who started on Tuesday 17 March and did every day since."""
    return [Day(TODAY - timedelta(days=8 - i), SCHEDULED, 1) for i in range(9)]


def picture(days: list[Day], labels: dict[str, str] = LABELS, title: str = "Streak") -> Image.Image:
    return Image.open(io.BytesIO(render_heatmap(days, today=TODAY, labels=labels, title=title))).convert("RGB")


def rgb(name: str) -> tuple[int, int, int]:
    colour = COLOURS[name]
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def colour_at(image: Image.Image, column: int, row: int) -> tuple[int, int, int]:
    x, y = cell_centre(column, row)
    return image.getpixel((int(x), int(y)))  # type: ignore[return-value]


def edge_at(image: Image.Image, column: int, row: int) -> tuple[int, int, int]:
    """The pixel on the left edge of a cell, halfway down."""
    x, y = cell_centre(column, row)
    return image.getpixel((int(x - CELL / 2) + 1, int(y)))  # type: ignore[return-value]


@pytest.mark.parametrize("days", [twelve_weeks(), []], ids=["twelve weeks", "empty"])
def test_the_picture_is_a_png_as_wide_as_said_with_the_grid_and_legend_below(days):
    png = render_heatmap(days, today=TODAY, labels=LABELS, title="Streak: 12 days")
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width == WIDTH
    assert GRID_BOTTOM + 40 < height < WIDTH  # the legend under the grid; landscape still
    assert Image.open(io.BytesIO(png)).size == (width, height)


def test_each_cell_has_the_colour_of_its_day():
    image = picture(twelve_weeks())
    assert colour_at(image, 0, 0) == rgb("done")
    assert colour_at(image, 0, 1) == rgb("missed")
    assert colour_at(image, 2, 0) == rgb("missed")  # a freeze was spent, but no "freeze" label to show it
    assert colour_at(image, 0, 5) == rgb("rest")
    assert colour_at(image, 3, 5) == rgb("done")  # an action on a rest day
    assert colour_at(image, 5, 2) == rgb("paused")
    assert colour_at(image, 11, 3) == WHITE  # tomorrow
    assert colour_at(image, 11, 2) == WHITE  # today, not done yet


def test_a_day_saved_by_a_freeze_has_its_own_colour_when_the_legend_names_it():
    image = picture(twelve_weeks(), {**LABELS, "freeze": "Saved by a freeze"})
    assert colour_at(image, 2, 0) == rgb("freeze")
    assert colour_at(image, 0, 1) == rgb("missed")


def test_today_is_outlined_in_ink_and_tomorrow_in_light_grey():
    image = picture(twelve_weeks())
    assert sum(edge_at(image, 11, 2)) < 150  # today's edge is dark
    assert sum(edge_at(image, 11, 3)) > 500  # tomorrow's, light grey, is not


def test_days_before_the_first_day_are_not_drawn_like_days_to_come():
    image = picture(nine_days())
    before, to_come = (0, 0), (1, 3)  # Monday 16 March; Thursday 26 March, tomorrow
    assert colour_at(image, *before) == rgb("before")  # a dot in its middle
    assert edge_at(image, *before) == WHITE  # and no square around it
    assert colour_at(image, *to_come) == WHITE  # an empty square
    assert edge_at(image, *to_come) != WHITE
    assert colour_at(image, 0, 1) == rgb("done")  # Tuesday 17 March, the first day, in the first column


def test_the_legend_names_the_days_before_the_first_day_only_when_the_picture_has_some():
    keys = ["done", "missed", "rest", "paused", "today", "before"]
    _, x, y = legend_places(keys, LABELS)[-1]
    spot = tuple(int(v) for v in swatch_centre(x, y))
    with_them = picture(nine_days())
    assert with_them.getpixel(spot) == rgb("before")
    full = picture(twelve_weeks())  # the history fills every column: nothing before it is shown
    assert full.height <= spot[1] or full.getpixel(spot) == WHITE
    assert with_them.height >= full.height


def test_the_legend_speaks_the_language_it_is_given():
    in_english = render_heatmap(twelve_weeks(), today=TODAY, labels=LABELS, title="Streak")
    in_french = render_heatmap(twelve_weeks(), today=TODAY, labels=FRENCH, title="Streak")
    assert in_english != in_french


def test_a_history_with_a_gap_is_refused():
    days = twelve_weeks()
    with pytest.raises(ValueError):
        render_heatmap(days[:10] + days[11:], today=TODAY, labels=LABELS, title="Streak")


def test_the_picture_starts_at_the_leaders_first_week_with_at_most_twelve():
    assert weeks_shown(nine_days(), TODAY) == 2
    assert weeks_shown([], TODAY) == 1
    assert weeks_shown(twelve_weeks(), TODAY) == WEEKS
    long = [Day(TODAY - timedelta(days=299 - i), REST) for i in range(300)]
    assert weeks_shown(long, TODAY) == WEEKS
    image = picture(nine_days(), title="Your first 2 weeks")
    assert colour_at(image, 1, 1) == rgb("done")
    assert colour_at(image, 2, 0) == WHITE and edge_at(image, 2, 0) == WHITE  # no third week, not even empty


def label_box(image: Image.Image, column: int) -> tuple[int, int, int, int] | None:
    """The box of the ink above a column (its week label), or None."""
    x, _ = cell_centre(column, 0)
    area = image.crop((int(x - 34), GRID_TOP - 44, int(x + 34), GRID_TOP - 4)).convert("L")
    return area.point(lambda level: 255 if level < 160 else 0).getbbox()


def test_the_weeks_are_labelled_big_enough_to_read_on_a_phone():
    """A phone shows the picture about 360 points wide: a label's figures must be 1/60 of the width tall, about
    6 points there (the former picture's were 1/110, 3 points)."""
    image = picture(twelve_weeks())
    for column in (0, WEEKS - 1):
        box = label_box(image, column)
        assert box is not None
        assert box[3] - box[1] >= WIDTH / 60


def test_the_totals_are_written_and_break_only_between_phrases():
    plain = picture(twelve_weeks())
    with_totals = picture(twelve_weeks(), {**LABELS, "totals": "Lessons: 40"})
    assert plain.crop((0, 70, WIDTH, 140)).tobytes() != with_totals.crop((0, 70, WIDTH, 140)).tobytes()
    totals = "27 leçons faites · Aucun post partagé pour l’instant"
    assert totals_lines(totals) == [totals]
    assert totals_lines(totals, width=400) == ["27 leçons faites", "Aucun post partagé pour l’instant"]
    assert totals_lines(totals, width=100) == ["27 leçons faites", "Aucun post partagé pour l’instant"]


def test_the_fonts_draw_every_word_of_the_picture_in_both_languages():
    covered: set[int] = set()
    for name in (REGULAR, BOLD):
        with resources.files("bot.adapters").joinpath(FONTS, name).open("rb") as file:
            covered.update(TTFont(file).getBestCmap())
    catalog = load_content(ROOT / "content", ROOT / "feeds.yaml").catalog
    for language in ("en", "fr"):
        for key in catalog.messages[language]:
            if key.startswith(("heatmap_", "stats_lessons", "stats_posts")):
                for template in catalog.forms(language, key).values():
                    missing = {char for char in template if char.isprintable() and ord(char) not in covered}
                    assert not missing, (language, key, missing)
    assert {ord(" "), ord("\u202f"), ord("\u00a0"), ord("’"), ord("·")} <= covered
