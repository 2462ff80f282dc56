"""The /stats picture: a leader's weeks as a calendar heatmap in PNG, drawn with matplotlib.

Columns are weeks, from the week of the leader's first day (twelve at most: the last twelve), the last one
holding today; each is labelled with the date of its Monday (day/month, as both languages write it). Rows are
Monday to Sunday. The totals, when given, are written above the legend. The layout is in pixels, with the
origin at the top left, so that a cell's centre is known exactly (see `cell_centre`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from bot.core.habit import PAUSED, REST, SCHEDULED, Day, compute

WIDTH, HEIGHT, DPI = 800, 300, 100
WEEKS = 12
GRID_LEFT, GRID_TOP = 76, 62  # top left corner of the first cell
CELL, GAP = 26, 6
PITCH = CELL + GAP
LEGEND_LEFT = GRID_LEFT + WEEKS * PITCH + 56
LEGEND_SWATCH, LEGEND_PITCH = 18, 32

INK, SOFT_INK, BACKGROUND, EMPTY_EDGE = "#1f2328", "#656d76", "#ffffff", "#d0d7de"
# Fill colours; done and missed also differ in lightness, for readers who do not tell green from red.
COLOURS: dict[str, str] = {
    "done": "#1a7f37",
    "missed": "#ff9492",
    "freeze": "#80ccff",
    "rest": "#eaeef2",
    "paused": "#d8d0f2",
    "open": BACKGROUND,  # today, scheduled, no action yet
    "empty": BACKGROUND,  # before the history, or after today
}


def cell_centre(column: int, row: int) -> tuple[float, float]:
    """The pixel (x, y from the top left) at the centre of a cell: column 0..11, row 0 (Monday)..6."""
    return GRID_LEFT + column * PITCH + CELL / 2, GRID_TOP + row * PITCH + CELL / 2


def _status(record: Day | None, today: date, frozen: frozenset[date], show_freezes: bool) -> str:
    """How a date is drawn: one of the COLOURS keys."""
    if record is None or record.day > today:
        return "empty"
    if record.actions:
        return "done"
    if record.kind == SCHEDULED and record.day == today:
        return "open"
    if record.kind == SCHEDULED:
        return "freeze" if show_freezes and record.day in frozen else "missed"
    return {REST: "rest", PAUSED: "paused"}[record.kind]


def _square(squares: list[FancyBboxPatch], x: float, y: float, size: float, fill: str, edge: str,
            width: float) -> None:
    """A rounded square with its top left corner at (x, y), in pixels (drawn with the others, in one collection:
    adding each patch to the axes on its own costs most of the drawing time)."""
    squares.append(FancyBboxPatch(
        (x, y), size, size, boxstyle=f"round,pad=0,rounding_size={size / 5}",
        facecolor=fill, edgecolor=edge, linewidth=width))


def weeks_shown(days: Sequence[Day], today: date) -> int:
    """How many week columns the picture has: from the week of the first day of the history, twelve at most."""
    first = days[0].day if days else today
    weeks = (today - timedelta(days=today.weekday()) - (first - timedelta(days=first.weekday()))).days // 7 + 1
    return max(1, min(WEEKS, weeks))


def render_heatmap(days: Sequence[Day], *, today: date, labels: Mapping[str, str], title: str) -> bytes:
    """A leader's history, from the week of their first day (the last twelve weeks at most), as a PNG of 800x300
    pixels.

    `labels` names the legend ("done", "missed", "rest", "paused", "today", and optionally "freeze": without
    it, a day saved by a freeze is drawn as missed), holds the weekday initials ("weekdays", seven, comma
    separated, Monday first) and optionally the totals ("totals", written above the legend).
    """
    # The frequency weighs only the strength, which is not drawn: any valid value gives the same freezes.
    frozen = frozenset(compute(days, today=today, days_per_week=7).freezes_spent)
    show_freezes = "freeze" in labels
    by_date = {record.day: record for record in days}
    weeks = weeks_shown(days, today)
    first_monday = today - timedelta(days=today.weekday(), weeks=weeks - 1)

    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, WIDTH)
    axes.set_ylim(HEIGHT, 0)
    axes.set_axis_off()
    squares: list[FancyBboxPatch] = []

    axes.text(GRID_LEFT - 40, 30, title, fontsize=16, fontweight="bold", color=INK, va="center")
    for row, initial in enumerate(labels["weekdays"].split(",")):
        axes.text(GRID_LEFT - 12, cell_centre(0, row)[1], initial.strip(), fontsize=11, color=SOFT_INK,
                  ha="right", va="center")
    for column in range(weeks):
        monday = first_monday + timedelta(weeks=column)
        if weeks <= 6 or (weeks - 1 - column) % 2 == 0:  # every week, or every other one ending with today's
            axes.text(cell_centre(column, 0)[0], GRID_TOP - 6, f"{monday.day}/{monday.month}", fontsize=7,
                      color=SOFT_INK, ha="center", va="bottom")
        for row in range(7):
            day = first_monday + timedelta(weeks=column, days=row)
            status = _status(by_date.get(day), today, frozen, show_freezes)
            is_today = day == today
            edge = INK if is_today else (EMPTY_EDGE if COLOURS[status] == BACKGROUND else COLOURS[status])
            x, y = cell_centre(column, row)
            _square(squares, x - CELL / 2, y - CELL / 2, CELL, COLOURS[status], edge, 2.0 if is_today else 0.8)

    if labels.get("totals"):
        axes.text(LEGEND_LEFT, 30, labels["totals"], fontsize=10, color=INK, va="center", wrap=True)
    legend = ["done", "missed"] + (["freeze"] if show_freezes else []) + ["rest", "paused", "today"]
    legend_top = GRID_TOP + (7 * PITCH - GAP - len(legend) * LEGEND_PITCH) / 2
    for index, key in enumerate(legend):
        y = legend_top + index * LEGEND_PITCH + (LEGEND_PITCH - LEGEND_SWATCH) / 2
        fill, edge, width = (BACKGROUND, INK, 2.0) if key == "today" else (COLOURS[key], COLOURS[key], 0.8)
        _square(squares, LEGEND_LEFT, y, LEGEND_SWATCH, fill, edge, width)
        axes.text(LEGEND_LEFT + LEGEND_SWATCH + 12, y + LEGEND_SWATCH / 2, labels[key], fontsize=13,
                  color=INK, va="center")

    axes.add_collection(PatchCollection(squares, match_original=True), autolim=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND)
    return buffer.getvalue()
