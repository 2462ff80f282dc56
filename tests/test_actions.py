"""Every button as a typed action: one codec writes it within Telegram's 64 bytes and reads it back; anything
the bot did not write (forged, truncated, from an older bot) reads as UNKNOWN, which changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.actions import (
    MAX_DATA,
    UNKNOWN,
    Answer,
    Ask,
    AskTake,
    Clarify,
    ConfirmDelete,
    ConfirmSkip,
    Judge,
    LaterWhen,
    LessonDone,
    LessonLater,
    LessonLaterAt,
    LessonMore,
    Longer,
    OpenLesson,
    OpenSuggestions,
    OpenToday,
    Rewrite,
    ShowPost,
    Snooze,
    SwitchLessons,
    UndoDone,
    Verdict,
    decode,
    encode,
)
from bot.core.model import Step

lesson_ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,40}", fullmatch=True)
refs = st.from_regex(r"[0-9a-f]{8}", fullmatch=True)
values = st.from_regex(r"[A-Za-z0-9_+/-]{1,40}", fullmatch=True)
actions = st.one_of(
    st.builds(Answer, st.sampled_from(list(Step)), values),
    st.builds(Ask, st.sampled_from(list(Step))),
    st.builds(SwitchLessons, st.booleans()),
    st.just(OpenToday()),
    st.builds(LessonDone, lesson_ids),
    st.builds(LessonLater, lesson_ids),
    st.builds(LessonMore, lesson_ids),
    st.builds(ConfirmDelete, st.booleans(), st.none() | st.integers(1, 10**11)),
    st.just(OpenSuggestions()),
    st.builds(AskTake, refs),
    st.builds(ShowPost, refs),
    st.builds(Rewrite, refs, st.booleans()),
    st.builds(Longer, refs),
    st.builds(Judge, st.sampled_from(list(Verdict)), refs),
    st.builds(LessonLaterAt, lesson_ids, st.sampled_from(list(LaterWhen))),
    st.builds(Clarify, st.booleans(), st.times().map(lambda t: t.replace(second=0, microsecond=0)),
              st.frozensets(st.integers(0, 6))),
    st.builds(Clarify, st.booleans(), st.none(), st.frozensets(st.integers(0, 6), min_size=1)),
    st.builds(Snooze, refs, st.booleans()),
    st.builds(ConfirmSkip, lesson_ids, st.booleans()),
    st.builds(UndoDone, lesson_ids),
    st.builds(OpenLesson, lesson_ids),
)


@given(actions)
def test_every_action_round_trips_within_64_bytes(action):
    data = encode(action)
    assert 1 <= len(data.encode()) <= MAX_DATA
    assert decode(data) == action


@given(actions, st.integers(min_value=1, max_value=60))
def test_a_truncated_action_is_unknown_or_another_valid_action(action, cut):
    data = encode(action)[:-cut] if cut < len(encode(action)) else ""
    decoded = decode(data)
    assert decoded == UNKNOWN or encode(decoded) == data


@given(st.text(max_size=80))
def test_anything_decodes_to_an_action_the_codec_would_write_or_to_unknown(data):
    decoded = decode(data)
    assert decoded == UNKNOWN or encode(decoded) == data


@pytest.mark.parametrize("data", ["done:welcome", "later:welcome", "more:the-gap", "lang:fr", "tz:Europe/Paris",
                                  "time:0730", "days:01234", "sec:technology", "nudge:off", "goal:4", "sugg:0",
                                  "set:timezone", "rem:on", "rem:off", "go:today", "del:yes", "del:no",
                                  "sp:0a1b2c3d", "sn:0a1b2c3d", "sa:0a1b2c3d"])
def test_buttons_sent_by_release_0_1_0_still_read(data):
    assert decode(data) != UNKNOWN and encode(decode(data)) == data


@pytest.mark.parametrize("data", ["", "done", "done:", "done:Welcome!", "del:maybe", "set:nothing", "sp:xyz",
                                  "go:tomorrow", "lang:" + "x" * 70, "rem:yes", "x" * 65, "tz:../../etc",
                                  "pt:xyz", "ps:", "pd:0A1B2C3D", "del:yes:0", "del:maybe:12"])
def test_forged_data_is_unknown(data):
    assert decode(data) == UNKNOWN


def test_an_action_too_long_for_a_button_is_refused_when_built():
    with pytest.raises(ValueError):
        encode(LessonDone("a" * 70))
