"""The /stats and recap picture: a leader's weeks as a calendar heatmap in PNG, drawn with Pillow.

Columns are weeks, from the week of the leader's first day (twelve at most: the last twelve), the last one
holding today; each is labelled with the date of its Monday (day/month, as both languages write it), every week
when the labels fit, else every other one ending with today's. Rows are Monday to Sunday. The title and the
totals are written above the grid, the legend below it, so that each can use the whole width: the picture is
read on a phone, at about a third of its size. Days before the leader's first day are drawn as a small dot, apart
from the days still to come (an empty square), and the legend names them.

The layout is in pixels, with the origin at the top left, so that a cell's centre is known exactly (see
`cell_centre`). Drawing one picture takes a few milliseconds: the recap sends thousands at the same minute.
The fonts are DejaVu Sans (Latin subsets, `bot/adapters/fonts/`, with their licence), shipped with the package.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from bot.core.habit import PAUSED, REST, SCHEDULED, Day, compute

WIDTH = 960
WEEKS = 12
GRID_LEFT, GRID_TOP = 104, 200  # top left corner of the first cell
CELL, GAP = 60, 8
PITCH = CELL + GAP
GRID_BOTTOM = GRID_TOP + 7 * PITCH - GAP
MARGIN = 40
TITLE_SIZE, TOTALS_SIZE, LABEL_SIZE, LEGEND_SIZE = 40, 28, 26, 28
WEEK_LABEL_SIZE = 24
LEGEND_TOP = GRID_BOTTOM + 36
LEGEND_SWATCH, LEGEND_ROW = 30, 48
LEGEND_SPACING = 40  # between two entries on a row
DOT = 6  # radius of the dot of a day before the leader's first day
FONTS = "fonts"
REGULAR, BOLD = "DejaVuSans-Latin.ttf", "DejaVuSans-Bold-Latin.ttf"

INK, SOFT_INK, BACKGROUND, EMPTY_EDGE = "#1f2328", "#59636e", "#ffffff", "#d0d7de"
# Fill colours; done and missed also differ in lightness, for readers who do not tell green from red.
COLOURS: dict[str, str] = {
    "done": "#1a7f37",
    "missed": "#ff9492",
    "freeze": "#80ccff",
    "rest": "#eaeef2",
    "paused": "#d8d0f2",
    "open": BACKGROUND,  # today, scheduled, no action yet
    "empty": BACKGROUND,  # after today
    "before": "#8c959f",  # before the leader's first day: a dot, not a square
}


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@cache
def _palette() -> Image.Image:
    """The picture's colours, and the shades of its inks on white (the edges of letters): the drawing is mapped
    onto them, which makes the PNG small and quick to write."""
    inks = (*COLOURS.values(), INK, SOFT_INK, EMPTY_EDGE, BACKGROUND)
    colours: set[tuple[int, ...]] = {_rgb(colour) for colour in inks}
    white = _rgb(BACKGROUND)
    for ink in (INK, SOFT_INK):
        for step in range(1, 24):
            share = step / 24
            colours.add(tuple(round(a * share + b * (1 - share)) for a, b in zip(_rgb(ink), white, strict=True)))
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in sorted(colours) for channel in colour])
    return palette


def cell_centre(column: int, row: int) -> tuple[float, float]:
    """The pixel (x, y from the top left) at the centre of a cell: column 0..11, row 0 (Monday)..6."""
    return GRID_LEFT + column * PITCH + CELL / 2, GRID_TOP + row * PITCH + CELL / 2


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at a size in pixels, loaded once."""
    data = resources.files("bot.adapters").joinpath(FONTS, BOLD if bold else REGULAR).read_bytes()
    return ImageFont.truetype(io.BytesIO(data), size, layout_engine=ImageFont.Layout.BASIC)


def _status(record: Day | None, day: date, today: date, frozen: frozenset[date], show_freezes: bool) -> str:
    """How a date is drawn: one of the COLOURS keys."""
    if day > today:
        return "empty"
    if record is None:
        return "before"  # the history runs without a gap to today: an earlier day is before it began
    if record.actions:
        return "done"
    if record.kind == SCHEDULED and record.day == today:
        return "open"
    if record.kind == SCHEDULED:
        return "freeze" if show_freezes and record.day in frozen else "missed"
    return {REST: "rest", PAUSED: "paused"}[record.kind]


def weeks_shown(days: Sequence[Day], today: date) -> int:
    """How many week columns the picture has: from the week of the first day of the history, twelve at most."""
    first = days[0].day if days else today
    weeks = (today - timedelta(days=today.weekday()) - (first - timedelta(days=first.weekday()))).days // 7 + 1
    return max(1, min(WEEKS, weeks))


def labelled_weeks(mondays: Sequence[date]) -> list[int]:
    """The columns whose Monday is written above them: all when every label fits its column, else every other
    one, ending with today's."""
    widths = [font(WEEK_LABEL_SIZE).getlength(week_label(monday)) for monday in mondays]
    if all(width <= PITCH - 6 for width in widths):
        return list(range(len(mondays)))
    return [column for column in range(len(mondays)) if (len(mondays) - 1 - column) % 2 == 0]


def week_label(monday: date) -> str:
    """A week's label: the day and month of its Monday."""
    return f"{monday.day}/{monday.month}"


def _square(draw: ImageDraw.ImageDraw, x: float, y: float, size: float, fill: str, edge: str, width: int) -> None:
    """A rounded square with its top left corner at (x, y)."""
    draw.rounded_rectangle((x, y, x + size - 1, y + size - 1), radius=size / 6, fill=fill, outline=edge,
                           width=width)


def _dot(draw: ImageDraw.ImageDraw, x: float, y: float) -> None:
    """The mark of a day before the leader's first day, centred on (x, y)."""
    draw.ellipse((x - DOT, y - DOT, x + DOT, y + DOT), fill=COLOURS["before"])


def _cell(draw: ImageDraw.ImageDraw, x: float, y: float, size: float, status: str, is_today: bool) -> None:
    """One day (or a legend swatch) with its top left corner at (x, y)."""
    if status == "before":
        _dot(draw, x + size / 2, y + size / 2)
        return
    fill = COLOURS[status]
    if is_today:
        _square(draw, x, y, size, fill, INK, 4)
    else:
        _square(draw, x, y, size, fill, EMPTY_EDGE if fill == BACKGROUND else fill, 2)


def legend_places(keys: Sequence[str], labels: Mapping[str, str]) -> list[tuple[str, float, float]]:
    """Where each legend entry goes (its key, and the top left corner of its row), in rows under the grid."""
    placed: list[tuple[str, float, float]] = []
    x, y = float(MARGIN), float(LEGEND_TOP)
    for key in keys:
        entry = LEGEND_SWATCH + 12 + font(LEGEND_SIZE).getlength(labels[key])
        if x > MARGIN and x + entry > WIDTH - MARGIN:
            x, y = float(MARGIN), y + LEGEND_ROW
        placed.append((key, x, y))
        x += entry + LEGEND_SPACING
    return placed


def swatch_centre(x: float, y: float) -> tuple[float, float]:
    """The centre of the swatch of a legend entry placed at (x, y)."""
    return x + LEGEND_SWATCH / 2, y + LEGEND_ROW / 2


def totals_lines(text: str, width: float = WIDTH - 2 * MARGIN, size: int = TOTALS_SIZE) -> list[str]:
    """The totals as lines within `width`: cut only between phrases (at " · "), never inside one."""
    phrases = [phrase.strip() for phrase in text.split("·")]
    lines: list[str] = []
    for phrase in phrases:
        joined = f"{lines[-1]} · {phrase}" if lines else phrase
        if lines and font(size).getlength(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(phrase)
    return lines


def render_heatmap(days: Sequence[Day], *, today: date, labels: Mapping[str, str], title: str) -> bytes:
    """A leader's history, from the week of their first day (the last twelve weeks at most), as a PNG WIDTH
    pixels wide (its height follows the legend's rows).

    `labels` names the legend ("done", "missed", "rest", "paused", "today", and optionally "freeze": without
    it, a day saved by a freeze is drawn as missed; and "before": the days before the leader's first day), holds
    the weekday initials ("weekdays", seven, comma separated, Monday first) and optionally the totals ("totals",
    phrases separated by " · ", written under the title).
    """
    # The frequency weighs only the strength, which is not drawn: any valid value gives the same freezes.
    frozen = frozenset(compute(days, today=today, days_per_week=7).freezes_spent)
    show_freezes = "freeze" in labels
    by_date = {record.day: record for record in days}
    weeks = weeks_shown(days, today)
    first_monday = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    mondays = [first_monday + timedelta(weeks=column) for column in range(weeks)]
    statuses = {(column, row): _status(by_date.get(day), day, today, frozen, show_freezes)
                for column, monday in enumerate(mondays)
                for row, day in enumerate(monday + timedelta(days=row) for row in range(7))}

    legend = ["done", "missed"] + (["freeze"] if show_freezes else []) + ["rest", "paused", "today"]
    if "before" in labels and "before" in statuses.values():
        legend.append("before")
    placed = legend_places(legend, labels)
    height = int(placed[-1][2] + LEGEND_ROW + MARGIN / 2)

    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, 48), title, font=font(TITLE_SIZE, bold=True), fill=INK, anchor="lm")
    if labels.get("totals"):
        for index, line in enumerate(totals_lines(labels["totals"])[:2]):
            draw.text((MARGIN, 96 + index * 34), line, font=font(TOTALS_SIZE), fill=SOFT_INK, anchor="lm")
    for row, initial in enumerate(labels["weekdays"].split(",")):
        draw.text((GRID_LEFT - 16, cell_centre(0, row)[1]), initial.strip(), font=font(LABEL_SIZE),
                  fill=SOFT_INK, anchor="rm")
    for column in labelled_weeks(mondays):
        draw.text((cell_centre(column, 0)[0], GRID_TOP - 10), week_label(mondays[column]),
                  font=font(WEEK_LABEL_SIZE), fill=SOFT_INK, anchor="mb")
    for (column, row), status in statuses.items():
        x, y = cell_centre(column, row)
        is_today = first_monday + timedelta(weeks=column, days=row) == today
        _cell(draw, x - CELL / 2, y - CELL / 2, CELL, status, is_today)

    for key, x, y in placed:
        top = y + (LEGEND_ROW - LEGEND_SWATCH) / 2
        _cell(draw, x, top, LEGEND_SWATCH, "open" if key == "today" else key, key == "today")
        draw.text((x + LEGEND_SWATCH + 12, top + LEGEND_SWATCH / 2), labels[key], font=font(LEGEND_SIZE),
                  fill=INK, anchor="lm")

    buffer = io.BytesIO()
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
