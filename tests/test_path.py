"""The path (listen, comment, post) in the core: the content check of stages, where the leader stands, the stage
that follows the course or is set by hand, mornings by stage, rewards that follow the path, and format 4."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.content_files import check_content, read_course
from bot.adapters.storage import LeaderStore
from bot.core.actions import (
    AccountReady,
    Commented,
    CommentOn,
    NoteIt,
    RewriteComment,
    StartComment,
    decode,
    encode,
)
from bot.core.checks import RawLesson, check_course, check_stages
from bot.core.codec import FORMAT_VERSION, leader_from_dict, leader_to_dict
from bot.core.events import Command, Press, Who
from bot.core.features.common import Context
from bot.core.features.path import stage_of
from bot.core.history import days_of
from bot.core.markup import html_to_text
from bot.core.model import (
    CommentDraft,
    CommentEvent,
    Leader,
    LessonEvent,
    LessonKind,
    Note,
    Offer,
    Stage,
    Standing,
    Waiting,
    WaitKind,
)
from bot.core.news import Item
from tests.conftest import CONTENT_DIR, utc

NOW = utc(2026, 11, 23, 6, 0)  # Monday 07:00 in Paris
WHO = Who(7, 7, "en")
FIXTURE = Path(__file__).parent / "data" / "release-0.1.0"
FACTS = json.loads((Path(__file__).parent / "data" / "release-0.1.0.facts.json").read_text())


def raw(lesson_id: str, number: int, stage: object = "listen", **meta: object) -> RawLesson:
    base = {"id": lesson_id, "module": 1, "title": "A title", "action": "Do it.", "sources": [], "tags": ["x"]}
    if stage is not None:
        base["stage"] = stage
    base.update(meta)
    return RawLesson(f"{number:02d}-{lesson_id}.md", base, "A short body.", "")


# --- the content check ---------------------------------------------------------------------------------------


def test_the_course_names_a_stage_for_every_lesson_in_path_order():
    assert check_content(CONTENT_DIR) == []
    lessons, _ = read_course(CONTENT_DIR)
    for lang in ("en", "fr"):
        stages = [lesson.meta["stage"] for lesson in lessons[lang]]
        assert stages == ["listen"] * 21 + ["comment"] * 3 + ["post"] * 18, lang


def test_a_lesson_without_a_stage_or_with_an_unknown_one_fails_the_check():
    assert check_stages([raw("one", 1), raw("two", 2, "comment"), raw("three", 3, "post")]) == []
    missing = check_stages([raw("one", 1), raw("two", 2, None)])
    assert any("02-two.md: stage must be one of" in p for p in missing), missing
    unknown = check_stages([raw("one", 1, "shout")])
    assert any("01-one.md: stage must be one of" in p and "shout" in p for p in unknown), unknown


def test_a_stage_that_goes_back_in_course_order_fails_the_check():
    problems = check_stages([raw("one", 1, "listen"), raw("two", 2, "post"), raw("three", 3, "comment")])
    assert problems == ["03-three.md: stage 'comment' comes after 'post' (the path goes listen, comment, post, "
                        "never back)"]


def test_notes_and_recalls_are_checked_and_must_agree_across_languages():
    bad = check_stages([raw("one", 1, note="maybe"), raw("two", 2, recalls=["three"]), raw("three", 3)])
    assert any("01-one.md: note must be yes or topics" in p for p in bad), bad
    assert any("02-two.md: recalls 'three', which is not an earlier lesson" in p for p in bad), bad
    modules = {"en": {1: "One"}, "fr": {1: "Un"}}
    differ = check_course({"en": [raw("one", 1, "listen")], "fr": [raw("one", 1, "comment")]}, modules)
    assert any("fr/01-one.md: stage, note or recalls differ from en" in p for p in differ), differ


# --- the buttons of the path -----------------------------------------------------------------------------------

refs = st.from_regex(r"[0-9a-f]{8}", fullmatch=True)
lesson_ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,40}", fullmatch=True)
path_actions = st.one_of(
    st.just(AccountReady()), st.just(StartComment()), st.builds(CommentOn, refs), st.builds(Commented, refs),
    st.builds(RewriteComment, refs, st.booleans()), st.builds(NoteIt, lesson_ids),
)


@given(path_actions)
def test_every_path_button_round_trips_within_64_bytes(action):
    data = encode(action)
    assert len(data.encode()) <= 64 and decode(data) == action


# --- where the leader stands, and the stage ----------------------------------------------------------------------


def onboard(coach, *extra: str, language: str = "en") -> Leader:
    leader = coach.handle(None, WHO, Command("start"), NOW).leader
    for data in (f"lang:{language}", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology", *extra):
        leader = coach.handle(leader, WHO, Press(data), NOW).leader
    return leader


def done(leader: Leader, count: int, course) -> Leader:  # noqa: ANN001
    moments = [NOW - timedelta(days=60 - i) for i in range(count)]
    events = tuple(LessonEvent(lesson.id, LessonKind.DONE, at, at.date())
                   for at, lesson in zip(moments, course.lessons[:count], strict=True))
    return leader.with_(events=events)


def test_onboarding_ends_with_where_you_stand_in_one_tap_and_the_first_lesson_first(coach):
    leader = coach.handle(None, WHO, Command("start"), NOW).leader
    for data in ("lang:en", "tz:Europe/Paris", "time:0800", "days:01234"):
        leader = coach.handle(leader, WHO, Press(data), NOW).leader
    last = coach.handle(leader, WHO, Press("sec:technology"), NOW)
    (reply,) = last.replies
    assert "where do you stand on LinkedIn today?" in html_to_text(reply.text)
    data = [b.data for row in reply.buttons for b in row]
    assert data[0] == "go:today"
    assert {"stand:none", "stand:unused", "stand:reader", "stand:poster"} <= set(data)
    assert last.leader.onboarded and last.leader.standing is None


def test_the_stage_follows_the_course_and_can_be_set_by_hand(coach, content):
    ctx = Context(content)
    course = content.courses["en"]
    leader = onboard(coach)
    assert stage_of(ctx, leader) is Stage.LISTEN
    assert stage_of(ctx, done(leader, 21, course)) is Stage.COMMENT  # lesson 22 opens commenting
    assert stage_of(ctx, done(leader, 24, course)) is Stage.POST  # lesson 25, the first post
    assert stage_of(ctx, done(leader, 42, course)) is Stage.POST
    by_hand = coach.handle(done(leader, 2, course), WHO, Press("stage:comment"), NOW)
    assert by_hand.leader.stage_set is Stage.COMMENT and "commenting stage" in html_to_text(by_hand.replies[0].text)
    back = coach.handle(by_hand.leader, WHO, Press("stage:auto"), NOW)
    assert back.leader.stage_set is None and "listening" in html_to_text(back.replies[0].text)
    assert stage_of(ctx, leader.with_(stage_reached=Stage.POST)) is Stage.POST  # never sent back


def test_a_reader_or_a_poster_is_offered_a_later_stage_never_forced(coach):
    reader = coach.handle(onboard(coach), WHO, Press("stand:reader"), NOW)
    assert reader.leader.standing is Standing.READER and reader.leader.stage_set is None
    assert [b.data for row in reader.replies[0].buttons for b in row] == ["stage:comment", "stage:auto", "go:today"]
    poster = coach.handle(onboard(coach), WHO, Press("stand:poster"), NOW)
    assert [b.data for row in poster.replies[0].buttons for b in row] == ["stage:post", "stage:auto", "go:today"]


@pytest.mark.parametrize("language, title", [("en", "your profile in ten minutes"),
                                             ("fr", "votre profil en dix minutes")])
def test_no_account_yet_gets_the_account_step_before_lesson_one(coach, language, title):
    leader = onboard(coach, "stand:none", language=language)
    today = coach.handle(leader, WHO, Command("today"), NOW)
    text = html_to_text(today.replies[0].text)
    assert title in text and ("two-step" in text or "deux étapes" in text)
    assert [b.data for row in today.replies[0].buttons for b in row] == ["go:account"]
    morning = coach.wake(leader, utc(2026, 11, 23, 7, 0))
    assert title in html_to_text(morning.replies[0].text) and len(morning.replies) == 1  # alone: no articles
    ready = coach.handle(morning.leader, WHO, Press("go:account"), utc(2026, 11, 23, 7, 5))
    assert ready.leader.account_ready
    assert any(("lesson 1 of 42" if language == "en" else "leçon 1 sur 42") in html_to_text(r.text)
               for r in ready.replies)
    # The course's numbering is the same for everyone: lesson 1 is still lesson 1.
    first = coach.handle(ready.leader, WHO, Command("lesson", "1"), NOW)
    assert coach.content.courses[language].lessons[0].title in html_to_text(first.replies[0].text)


NEWS = [Item(f"Story {n} about AI in industry", f"https://example.com/{n}", f"Source {n}",
             summary=f"Story {n} says what AI changes in plants.", published=NOW - timedelta(hours=n), language="en")
        for n in range(1, 6)]


def _buttons(reply) -> list[str]:  # noqa: ANN001
    return [b.data or "" for row in reply.buttons for b in row]


def test_mornings_follow_the_stage(coach, content):
    course = content.courses["en"]
    morning = utc(2026, 11, 23, 7, 0)
    listening = coach.wake(done(onboard(coach), 2, course), morning, NEWS)
    lesson, articles = listening.replies
    assert "lesson 3 of 42" in html_to_text(lesson.text)
    data = _buttons(articles)
    assert "Worth reading today" in html_to_text(articles.text)
    assert any(d.startswith("ss:") for d in data) and any(d.startswith("sn:") for d in data)
    assert not any(d.startswith(("pt:", "pd:", "sa:", "pc:")) for d in data)
    commenting = coach.wake(done(onboard(coach), 21, course), morning, NEWS)
    lesson, articles = commenting.replies
    assert "go:comment" in _buttons(lesson)  # lesson 22 asks for a comment
    assert "Worth a comment today" in html_to_text(articles.text)
    assert any(d.startswith("pc:") for d in _buttons(articles)) and "go:comment" in _buttons(articles)
    assert not any(d.startswith(("pt:", "pd:")) for d in _buttons(articles))
    by_hand = coach.wake(done(onboard(coach, "stage:comment"), 4, course), morning, [])  # no news this morning
    assert "go:comment" in _buttons(by_hand.replies[-1])  # the comment helper all the same
    assert "go:comment" not in _buttons(coach.wake(done(onboard(coach), 4, course), morning, []).replies[-1])
    posting = coach.wake(done(onboard(coach), 25, course), morning, NEWS)
    assert any(d.startswith("pt:") for d in _buttons(posting.replies[-1]))
    assert any(d.startswith("pd:") for d in _buttons(posting.replies[-1]))


def test_suggest_works_at_every_stage_and_says_where_the_course_is(coach, content):
    course = content.courses["en"]
    listening = coach.handle(done(onboard(coach), 2, course), WHO, Command("suggest"), NOW, NEWS)
    (reply,) = listening.replies
    assert "The course is at the listening stage (lesson 3 of 42)." in html_to_text(reply.text)
    nothing = coach.handle(done(onboard(coach), 30, course), WHO, Command("suggest"), NOW, [])
    assert "posting stage (lesson 31 of 42)" in html_to_text(nothing.replies[0].text)
    fr = coach.handle(done(onboard(coach, language="fr"), 22, content.courses["fr"]), WHO, Command("suggest"), NOW,
                      NEWS)
    assert "Le parcours en est à l’étape du commentaire (leçon 23 sur 42)." in html_to_text(fr.replies[0].text)


def test_saving_an_article_keeps_it_and_nothing_congratulates_a_post_before_posting(coach, content):
    leader = onboard(coach)
    shown = coach.handle(leader, WHO, Command("suggest"), NOW, NEWS)
    ref = next(d for d in _buttons(shown.replies[0]) if d.startswith("ss:"))[3:]
    saved = coach.handle(shown.leader, WHO, Press(f"ss:{ref}"), NOW, NEWS)
    assert saved.toast == "Saved. /notes lists what you keep."
    notes = coach.handle(saved.leader, WHO, Command("notes"), NOW)
    assert "Saved articles" in html_to_text(notes.replies[0].text)
    other = next(o for o in saved.leader.offers if o.ref != ref)
    posted = coach.handle(saved.leader, WHO, Press(f"sp:{other.ref}"), NOW, NEWS)  # an old post button, say
    assert posted.toast == "Noted."
    at_post = coach.handle(saved.leader.with_(stage_set=Stage.POST), WHO, Press(f"sp:{other.ref}"), NOW, NEWS)
    assert at_post.toast.startswith("Well done")


def test_a_comment_counts_as_an_action_in_the_habit_and_the_recap(coach, content):
    leader = onboard(coach)
    sunday = utc(2026, 11, 29, 17, 0)
    commented = leader.with_(comments=(CommentEvent(NOW, NOW.date()),))
    assert commented.actions_on(NOW.date()) == 1
    assert days_of(commented, NOW.date())[-1].actions == 1  # the habit's day holds the comment
    stats = coach.handle(commented, WHO, Command("recap", "now"), sunday)
    text = html_to_text(stats.replies[0].text)
    assert "one comment" in text and "post" not in text  # listening: no post asked for, none counted
    shown = coach.handle(commented, WHO, Command("stats"), sunday)
    assert "One comment published" in html_to_text(shown.replies[0].text)
    late = commented.with_(stage_set=Stage.POST)
    assert "no post shared" in html_to_text(coach.handle(late, WHO, Command("recap", "now"), sunday).replies[0].text)


# --- stored format 4 ----------------------------------------------------------------------------------------------


def full_leader() -> Leader:
    return Leader(
        7, 7, onboarded=True, awaiting=None, standing=Standing.READER, stage_set=Stage.COMMENT,
        stage_reached=Stage.COMMENT, account_ready=True, comments=(CommentEvent(NOW, NOW.date()),),
        comment=CommentDraft("0123abcd", "The post.", "My view here.", "fr", 2, True, "The comment.", True),
        waiting=Waiting(WaitKind.NOTE, "here-to-stay"), notes=(Note("here-to-stay", "Anna, Bob", NOW),),
        offers=(Offer("0123abce", "b", "k", "T", "https://e.com", "S", "", status="saved"),),  # type: ignore[arg-type]
    )


def test_format_4_keeps_every_new_field():
    leader = full_leader()
    stored = leader_to_dict(leader)
    assert stored["format"] == FORMAT_VERSION == 4
    assert leader_from_dict(json.loads(json.dumps(stored))) == leader


def format_3(done_ids: list[str]) -> dict:
    stored = leader_to_dict(Leader(7, 7, onboarded=True, awaiting=None))
    for key in ("standing", "stage_set", "stage_reached", "account_ready", "comments", "comment", "waiting", "notes"):
        del stored[key]
    stored["format"] = 3
    stored["events"] = [{"lesson": lesson_id, "kind": "done", "at": NOW.isoformat(), "local_date": "2026-11-23"}
                        for lesson_id in done_ids]
    return stored


def test_a_format_3_leader_gets_the_stage_of_the_lessons_done(content):
    ids = [lesson.id for lesson in content.courses["en"].lessons]
    assert leader_from_dict(format_3(ids[:29])).stage_reached is Stage.POST  # at lesson 30: posting
    assert leader_from_dict(format_3(ids[:22])).stage_reached is Stage.COMMENT
    assert leader_from_dict(format_3(ids[:5])).stage_reached is Stage.LISTEN
    opened = leader_from_dict(format_3(ids[:29]))
    assert (opened.standing, opened.stage_set, opened.comments, opened.notes, opened.waiting) == (None, None, (), (),
                                                                                                   None)
    stored = format_3(ids[:29])
    leader_from_dict(stored)
    assert stored["format"] == 3 and "stage_reached" not in stored  # the input is left as it was
    ctx = Context(content)
    assert stage_of(ctx, opened) is Stage.POST


def test_release_0_1_0_data_opens_with_stages_derived_from_its_history(tmp_path, content):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    store = LeaderStore(data)
    posting = {lesson.id for lesson in content.courses["en"].lessons if lesson.stage == "post"}
    commenting = {lesson.id for lesson in content.courses["en"].lessons if lesson.stage == "comment"}
    for user_id, facts in FACTS["leaders"].items():
        leader = store.get(int(user_id))
        assert leader is not None
        done_ids = set(facts["done"])
        expected = Stage.POST if done_ids & posting else Stage.COMMENT if done_ids & commenting else Stage.LISTEN
        assert leader.stage_reached is expected, user_id
    assert store.get(101).stage_reached is Stage.POST  # 101 did lessons of the posting stage: not sent back
