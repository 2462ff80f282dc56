"""The forgiving streak, the habit strength and the weekly goal, on fixed dates and as properties."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.core.habit import MAX_FREEZES, PAUSED, REST, SCHEDULED, Day, Habit, compute

MONDAY = date(2026, 1, 5)
PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")

# One letter per day: x scheduled with an action, . scheduled without, r rest, R rest with an action,
# p paused, P paused with an action. Spaces only separate the weeks for the reader.
LETTERS = {"x": (SCHEDULED, 1), ".": (SCHEDULED, 0), "r": (REST, 0), "R": (REST, 1), "p": (PAUSED, 0),
           "P": (PAUSED, 1)}


def history(pattern: str, start: date = MONDAY) -> list[Day]:
    letters = pattern.replace(" ", "")
    return [Day(start + timedelta(days=i), *LETTERS[letter]) for i, letter in enumerate(letters)]


def habit(pattern: str, start: date = MONDAY, days_per_week: int = 5, week_goal: int | None = None) -> Habit:
    """The habit of a leader whose history is `pattern` from `start`, its last day being today."""
    days = history(pattern, start)
    return compute(days, today=days[-1].day, days_per_week=days_per_week, week_goal=week_goal)


# The streak and its freezes


def test_scheduled_days_with_an_action_extend_the_streak():
    result = habit("xxxx")
    assert (result.current_streak, result.best_streak, result.idle_scheduled_days) == (4, 4, 0)


def test_a_week_with_an_action_on_every_scheduled_day_earns_a_freeze():
    assert habit("xxxxxr").freezes == 0  # Saturday: the week is not over
    assert habit("xxxxxrr").freezes == 1
    assert habit("xxxxxrr xx").freezes == 1


def test_a_week_with_a_missed_day_earns_nothing_and_without_a_freeze_the_miss_breaks_the_streak():
    result = habit("xxxx.rr x")
    assert (result.freezes, result.current_streak, result.best_streak) == (0, 1, 4)
    assert result.freezes_spent == ()


def test_a_missed_day_spends_a_freeze_and_keeps_the_streak_without_extending_it():
    result = habit("xxxxxrr xx.xx")
    assert result.freezes == 0
    assert result.freezes_spent == (date(2026, 1, 14),)
    assert result.current_streak == 9 == result.best_streak


def test_a_missed_day_without_a_freeze_breaks_the_streak():
    result = habit("xx.xx")
    assert (result.current_streak, result.best_streak, result.freezes_spent) == (2, 2, ())


def test_at_most_two_freezes_are_held():
    assert MAX_FREEZES == 2
    assert habit("xxxxxrr xxxxxrr").freezes == 2
    assert habit("xxxxxrr xxxxxrr xxxxxrr").freezes == 2


def test_two_freezes_cover_two_misses_and_the_third_breaks():
    result = habit("xxxxxrr xxxxxrr ..x.x")
    assert result.freezes_spent == (date(2026, 1, 19), date(2026, 1, 20))
    assert (result.current_streak, result.best_streak, result.freezes) == (1, 11, 0)


def test_rest_days_without_an_action_change_nothing():
    plain = habit("xx x")
    with_rest = habit("xxrrrrrrrrrrx")
    assert (with_rest.current_streak, with_rest.best_streak) == (3, 3)
    assert with_rest.strength == plain.strength


def test_an_action_on_a_rest_day_is_a_bonus_day_that_starts_or_extends_the_streak():
    assert habit("xxRRRRRRRRRRx").current_streak == 13
    assert habit("xxRRRRRRRRRRx").strength > habit("xx x").strength
    sunday_first = habit("R", start=MONDAY + timedelta(days=6))  # the first lesson done on a Sunday
    assert (sunday_first.current_streak, sunday_first.best_streak) == (1, 1)
    assert sunday_first.strength > 0
    assert habit("rrrrrR x").current_streak == 2
    assert habit("xxxxxPP").current_streak == 7  # paused days with an action count as bonus days too


def test_paused_days_freeze_everything():
    assert habit("xx ppppppp ppp xx").current_streak == 4
    assert habit("xx ppppppp ppp xx").strength == habit("xxxx").strength
    assert habit("xxxxxrr ppppppp").freezes == 1  # kept through the pause, none earned during it


def test_a_partly_paused_week_earns_a_freeze_when_its_other_scheduled_days_had_an_action():
    assert habit("ppxxxrr").freezes == 1
    assert habit("pp.xxrr").freezes == 0


def test_a_week_without_any_scheduled_day_that_counts_earns_nothing():
    assert habit("xxxxxrr ppppprr").freezes == 1
    assert habit("xxxxxrr RRRRRRR").freezes == 1


def test_a_week_only_partly_in_the_history_earns_nothing():
    wednesday = MONDAY + timedelta(days=2)
    assert habit("xxxrr", start=wednesday).freezes == 0
    assert habit("xxxrr xxxxxrr", start=wednesday).freezes == 1


def test_today_without_an_action_yet_is_not_a_miss():
    waiting = habit("xxxx.")
    assert (waiting.current_streak, waiting.idle_scheduled_days) == (4, 0)
    assert waiting.strength == habit("xxxx").strength


def test_a_week_whose_last_scheduled_day_is_today_earns_its_freeze_once_today_is_done():
    assert habit("xxxxxx.", days_per_week=7).freezes == 0
    assert habit("xxxxxxx", days_per_week=7).freezes == 1


def test_idle_scheduled_days_count_the_missed_scheduled_days_since_the_last_action():
    assert habit("x....rr ..").idle_scheduled_days == 5  # today, still open, is not counted
    assert habit("x....Rr ..").idle_scheduled_days == 1  # an action on a rest day counts as an action
    assert habit("xxxxxrr x.").idle_scheduled_days == 0


# The strength


def test_strength_follows_the_formula_on_scheduled_days_only():
    # Three scheduled days a week: m = 0.5 ** (sqrt(3 / 7) / 13) = 0.5 ** 0.050358 = exp(-0.034906)
    # = 0.965697.
    m = 0.9656967
    day_1 = 0 * m + 1 * (1 - m)  # done: 0.034303
    day_2 = day_1 * m + 0 * (1 - m)  # missed: 0.033127
    day_3 = day_2 * m + 1 * (1 - m)  # done: 0.066294
    result = habit("x r . r x rr", days_per_week=3)
    assert day_3 == pytest.approx(0.066294, abs=1e-6)
    assert result.strength == pytest.approx(day_3, abs=1e-6)
    assert habit("x r", days_per_week=3).strength == pytest.approx(day_1, abs=1e-6)
    assert habit("x r .r", days_per_week=3).strength == pytest.approx(day_2, abs=1e-6)


def test_every_day_scheduled_halves_the_distance_to_full_strength_in_thirteen_days():
    result = habit("x" * 13, days_per_week=7)
    assert result.strength == pytest.approx(0.5)


def test_a_single_lapse_after_thirty_done_days_moves_the_strength_by_less_than_ten_points():
    before = habit("x" * 30 + ".", days_per_week=7)
    after = habit("x" * 30 + "..", days_per_week=7)
    assert 0 < before.strength - after.strength < 0.10
    assert after.current_streak == 30 and after.freezes == 1  # and the streak survives it


# The weekly goal


def test_the_week_counts_the_days_with_an_action_from_monday_to_today():
    result = habit("xxxxxRr x.x")  # today is the second Wednesday
    assert (result.week_done, result.week_goal) == (2, 5)
    assert habit("xxxxxRr x.x", week_goal=3).week_goal == 3
    assert habit("xxxxxRr xxxxxRr").week_done == 6  # an action on a rest day counts for the goal
    assert habit("xxxxxRr P").week_done == 1


# Input checks


def test_the_empty_history_is_a_fresh_start():
    result = compute([], today=MONDAY, days_per_week=5)
    assert result == Habit(0, 0, 0, (), 0.0, 0, 5, 0)


@pytest.mark.parametrize("days", [
    [Day(MONDAY, REST), Day(MONDAY + timedelta(days=2), REST)],
    [Day(MONDAY, REST), Day(MONDAY, REST), Day(MONDAY + timedelta(days=1), REST)],
    [Day(MONDAY + timedelta(days=1), REST), Day(MONDAY, REST)],
])
def test_a_gap_a_duplicate_or_a_disorder_is_refused(days):
    with pytest.raises(ValueError):
        compute(days, today=days[-1].day, days_per_week=5)


def test_a_history_that_does_not_end_today_or_a_wrong_day_is_refused():
    with pytest.raises(ValueError):
        compute(history("xx"), today=MONDAY + timedelta(days=5), days_per_week=5)
    with pytest.raises(ValueError):
        Day(MONDAY, "holiday")
    with pytest.raises(ValueError):
        Day(MONDAY, SCHEDULED, -1)
    with pytest.raises(ValueError):
        compute(history("x"), today=MONDAY, days_per_week=8)


# Real calendars: the records are built from instants, as the caller does, one per local date.


def days_from_actions(actions: list[tuple[datetime, ZoneInfo]], first: date, today: date) -> list[Day]:
    """One record per local date from `first` to `today`, every day scheduled, counting the actions whose
    local date (in the zone the leader was in at that instant) is that date."""
    per_date = Counter(instant.astimezone(zone).date() for instant, zone in actions)
    return [Day(first + timedelta(days=i), SCHEDULED, per_date[first + timedelta(days=i)])
            for i in range((today - first).days + 1)]


def local(day: date, at: time, zone: ZoneInfo, fold: int = 0) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).replace(fold=fold).astimezone(UTC)


def test_the_paris_daylight_saving_days_are_days_like_the_others():
    first, today = date(2026, 3, 23), date(2026, 10, 31)
    every_day = [first + timedelta(days=i) for i in range((today - first).days + 1)]
    actions = [(local(day, time(8, 0), PARIS), PARIS) for day in every_day]
    # The 23-hour and 25-hour days, at their edges; 02:30 happens twice on 2026-10-25.
    actions += [(local(date(2026, 3, 29), time(0, 30), PARIS), PARIS),
                (local(date(2026, 3, 29), time(23, 30), PARIS), PARIS),
                (local(date(2026, 10, 25), time(2, 30), PARIS, fold=0), PARIS),
                (local(date(2026, 10, 25), time(2, 30), PARIS, fold=1), PARIS)]
    days = days_from_actions(actions, first, today)
    by_date = {d.day: d.actions for d in days}
    assert by_date[date(2026, 3, 29)] == 3 and by_date[date(2026, 10, 25)] == 3
    result = compute(days, today=today, days_per_week=7)
    assert result.current_streak == (today - first).days + 1 == result.best_streak
    assert result.freezes_spent == ()


def test_a_leader_who_moves_from_paris_to_new_york_keeps_the_streak():
    first, moved, today = date(2026, 6, 1), datetime(2026, 6, 10, 12, 0, tzinfo=UTC), date(2026, 6, 20)
    actions = []
    for i in range((today - first).days + 1):
        day = first + timedelta(days=i)
        at_home = local(day, time(8, 0), PARIS)
        actions.append((at_home, PARIS) if at_home < moved else (local(day, time(8, 0), NEW_YORK), NEW_YORK))
    # The evening of the flight: 20:00 in New York is already 02:00 the next day in Paris.
    actions.append((local(date(2026, 6, 10), time(20, 0), NEW_YORK), NEW_YORK))
    days = days_from_actions(actions, first, today)
    assert {d.day: d.actions for d in days}[date(2026, 6, 10)] == 2
    result = compute(days, today=today, days_per_week=7)
    assert result.current_streak == 20 == result.best_streak


# Properties


DAY_KINDS = st.sampled_from([(SCHEDULED, 0), (SCHEDULED, 1), (SCHEDULED, 2), (REST, 0), (REST, 1),
                             (PAUSED, 0), (PAUSED, 1)])


@st.composite
def histories(draw: st.DrawFn) -> list[Day]:
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    kinds = draw(st.lists(DAY_KINDS, min_size=1, max_size=120))
    return [Day(start + timedelta(days=i), kind, actions) for i, (kind, actions) in enumerate(kinds)]


def fold(days: list[Day], days_per_week: int = 5) -> Habit:
    return compute(days, today=days[-1].day, days_per_week=days_per_week)


def shifted(days: list[Day], at: int, rest_days: int) -> list[Day]:
    """The history with `rest_days` rest days inserted before its at-th day."""
    inserted = [Day(days[at].day + timedelta(days=i), REST) for i in range(rest_days)]
    later = [Day(d.day + timedelta(days=rest_days), d.kind, d.actions) for d in days[at:]]
    return days[:at] + inserted + later


@given(histories(), st.integers(0, 7))
def test_the_numbers_stay_within_their_bounds(days, days_per_week):
    result = fold(days, days_per_week)
    assert 0 <= result.current_streak <= result.best_streak
    assert 0 <= result.freezes <= MAX_FREEZES
    assert 0.0 <= result.strength <= 1.0
    assert 0 <= result.week_done <= 7
    assert all(days[0].day <= spent < days[-1].day for spent in result.freezes_spent)


@given(histories(), st.data())
def test_inserting_rest_days_anywhere_before_today_leaves_the_strength_unchanged(days, data):
    at = data.draw(st.integers(0, len(days) - 1))
    rest_days = data.draw(st.integers(1, 20))
    assert fold(shifted(days, at, rest_days)).strength == fold(days).strength


@given(histories(), st.data())
def test_inserting_rest_weeks_leaves_streak_freezes_and_strength_unchanged(days, data):
    # Whole weeks on a Monday, so that the other days keep their calendar weeks (freezes are earned per week).
    mondays = [i for i, d in enumerate(days[:-1]) if d.day.weekday() == 0]
    assume(mondays)
    at = data.draw(st.sampled_from(mondays))
    before, after = fold(days), fold(shifted(days, at, 7 * data.draw(st.integers(1, 3))))
    assert (after.current_streak, after.best_streak, after.freezes, after.strength) == (
        before.current_streak, before.best_streak, before.freezes, before.strength)
    assert len(after.freezes_spent) == len(before.freezes_spent)


@given(histories(), st.data())
def test_a_rest_day_without_an_action_changes_nothing(days, data):
    rests = [i for i, d in enumerate(days) if d.kind in (REST, PAUSED) and not d.actions]
    assume(rests)
    at = data.draw(st.sampled_from(rests))
    kind = data.draw(st.sampled_from([REST, PAUSED]))
    changed = days[:at] + [Day(days[at].day, kind, 0)] + days[at + 1:]
    before, after = fold(days), fold(changed)
    assert (after.current_streak, after.best_streak, after.freezes, after.freezes_spent, after.strength) == (
        before.current_streak, before.best_streak, before.freezes, before.freezes_spent, before.strength)


@given(histories(), st.data())
def test_an_action_on_a_rest_day_never_lowers_anything_and_counts_one_more_day(days, data):
    rests = [i for i, d in enumerate(days) if d.kind in (REST, PAUSED) and not d.actions]
    assume(rests)
    at = data.draw(st.sampled_from(rests))
    busy = days[:at] + [Day(days[at].day, days[at].kind, data.draw(st.integers(1, 3)))] + days[at + 1:]
    before, after = fold(days), fold(busy)
    assert after.current_streak >= before.current_streak
    assert after.best_streak >= before.best_streak
    assert after.freezes == before.freezes
    assert after.strength >= before.strength
    assert after.idle_scheduled_days <= before.idle_scheduled_days
    # Nothing between that day and today broke the streak: it holds that bonus day, one more than before.
    after_it = days[at + 1:]
    if not any(d.kind == SCHEDULED and not d.actions and d.day < days[-1].day for d in after_it):
        assert after.current_streak == before.current_streak + 1


@given(histories())
def test_a_history_ending_on_an_action_has_a_streak_whatever_the_kind_of_day(days):
    if days[-1].actions:
        assert fold(days).current_streak >= 1


@given(histories(), st.data())
def test_pausing_a_scheduled_day_without_an_action_never_lowers_anything(days, data):
    open_days = [i for i, d in enumerate(days) if d.kind == SCHEDULED and d.actions == 0]
    assume(open_days)
    at = data.draw(st.sampled_from(open_days))
    paused = days[:at] + [Day(days[at].day, PAUSED)] + days[at + 1:]
    before, after = fold(days), fold(paused)
    assert after.current_streak >= before.current_streak
    assert after.best_streak >= before.best_streak
    assert after.freezes >= before.freezes
    assert after.strength >= before.strength


@given(histories(), st.integers(1, 7))
def test_the_strength_is_the_exponential_average_of_the_scheduled_days_that_are_over(days, days_per_week):
    keep = 0.5 ** (math.sqrt(days_per_week / 7) / 13)
    expected = 0.0
    for d in days:
        if d.kind == SCHEDULED and (d.actions or d.day < days[-1].day) or d.actions:
            expected = expected * keep + (1 if d.actions else 0) * (1 - keep)
    assert fold(days, days_per_week).strength == pytest.approx(expected)
