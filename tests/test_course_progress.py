"""A leader keeps their place across editions of the course: nothing done is lost, nothing done comes back."""

from __future__ import annotations

from bot.core.content import Course, Lesson

# The lesson ids of the first edition (release 0.1.0), in its order. Hard-coded on purpose: this is what leaders'
# stored progress holds, whatever the course on disk says today.
FIRST_EDITION = (
    "welcome", "here-to-stay", "the-gap", "search-your-name",
    "no-time", "too-much-information", "not-just-for-the-young", "not-my-sector",
    "others-write-your-story", "fear-of-bad-buzz", "personal-charter", "conversations-without-you",
    "skip-the-toolbox", "map-your-ecosystem", "listen-for-a-week", "choose-your-channels",
    "editorial-line", "inside-outside-coherence", "three-topics", "human-profile",
    "leave-the-bubble", "human-leadership", "weak-signals", "first-dividends",
    "give-before-you-ask", "comment-before-you-post", "conversations-not-slogans", "cool-head-when-it-heats-up",
    "win-inside-first", "voices-close-to-customers", "cargo-cult-and-roi-traps", "lead-by-example",
)


def walk(course: Course, finished: set[str]) -> list[str]:
    """The lessons a leader is given, one after the other, marking each done, until the roadmap is complete."""
    given = []
    while (lesson := course.current(frozenset(finished))) is not None:
        assert lesson.id not in given, f"{lesson.id} came back"
        given.append(lesson.id)
        finished.add(lesson.id)
        assert len(given) <= len(course.lessons)
    return given


def test_every_first_edition_lesson_is_still_credited(content):
    for course in content.courses.values():
        ids = {lesson.id for lesson in course.lessons}
        for old in FIRST_EDITION:
            assert course.credited(frozenset({old})) & ids, f"{old} is neither a lesson nor retired to one"


def test_a_leader_at_lesson_20_of_the_first_edition_continues_without_loss_or_repetition(content):
    done = set(FIRST_EDITION[:20])
    for course in content.courses.values():
        finished = frozenset(done)
        credited = course.credited(finished)
        # Without loss: every lesson they did still counts as done.
        assert all(course.credited(frozenset({old})) <= credited for old in done)
        assert all(course.is_finished(old, finished) for old in done)
        # Without repetition: the next lesson is one they never saw, and none they did ever comes back.
        following = course.current(finished)
        assert following is not None and following.id not in credited
        assert following.id not in FIRST_EDITION[:20]
        earlier = course.earlier_open(finished)
        assert not {lesson.id for lesson in earlier} & credited
        given = walk(course, set(finished))
        assert not set(given) & credited
        # They are taken up after the furthest lesson they finished, not sent backwards.
        position = {lesson.id: i for i, lesson in enumerate(course.lessons)}
        furthest = max(position[x] for x in credited if x in position)
        assert position[following.id] > furthest
        # The lessons the new edition put before their place are offered, and come last if never taken.
        assert given[:len(given) - len(earlier)] == [x.id for x in course.lessons[furthest + 1:] if x.id not in
                                                     credited]
        assert set(given) | credited >= {lesson.id for lesson in course.lessons}


def lesson(lesson_id: str, module: int = 1) -> Lesson:
    return Lesson(id=lesson_id, module=module, position=0, title=lesson_id, body="", more="", action="")


def test_a_new_lesson_before_the_leaders_place_is_offered_not_forced():
    course = Course(tuple(lesson(x) for x in ("a", "new", "b", "c")), {1: "One"})
    finished = frozenset({"a", "b"})
    current = course.current(finished)
    assert current is not None and current.id == "c"
    assert [x.id for x in course.earlier_open(finished)] == ["new"]
    done = course.current(finished | {"c"})
    assert done is not None and done.id == "new"  # once the rest is done, the offered one comes
    assert course.current(finished | {"c", "new"}) is None
    assert course.earlier_open(finished | {"c"}) == ()  # it is current then, not both


def test_a_new_leader_starts_at_the_first_lesson():
    course = Course(tuple(lesson(x) for x in ("a", "b")), {1: "One"})
    first = course.current(frozenset())
    assert first is not None and first.id == "a"
    assert course.earlier_open(frozenset()) == ()


def test_a_retired_lesson_credits_the_one_that_carries_it():
    course = Course(tuple(lesson(x) for x in ("a", "merged", "c", "d")), {1: "One"},
                    retired={"old-b": "merged", "older": "old-b"})
    finished = frozenset({"a", "old-b", "c"})
    assert course.is_finished("merged", finished)
    current = course.current(finished)
    assert current is not None and current.id == "d"
    assert course.earlier_open(finished) == ()
    assert course.is_finished("merged", frozenset({"older"}))  # a chain of editions resolves
    loop = Course(course.lessons, course.modules, retired={"x": "y", "y": "x"})
    assert loop.credited(frozenset({"x"})) == {"x", "y"}  # a loop in the map ends
