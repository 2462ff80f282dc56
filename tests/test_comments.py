"""The comment composer and the check of a model's comment: the leader's view word for word, 2 to 4 sentences,
no praise, no pitch, no hashtag, no link, no invented figure, within 1,250 characters, in the leader's language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.llm import parse_comment_answer
from bot.core.comments import (
    COMMENT_LIMIT,
    CommentError,
    CommentRequest,
    check_comment,
    compose_comment,
    post_text,
    sentences,
    view_text,
)

POST = ("We moved the whole plant to a four-day week last year. Output went up by 12% and absences went down. "
        "Happy to share what we learned.")
VIEW = "A four-day week only works when the managers change first."


@pytest.fixture
def templates(content):  # noqa: ANN001, ANN201
    return {lang: part.comment for lang, part in content.path.items()}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_composer_keeps_the_view_and_quotes_the_post(templates, language):
    request = CommentRequest(POST, VIEW, language)
    text = compose_comment(request, templates[language])
    assert VIEW in text and "four-day week last year" in text
    assert check_comment(text, request, templates[language].praise) is None
    shorter = compose_comment(CommentRequest(POST, VIEW, language, shorter=True), templates[language])
    assert VIEW in shorter and "last year" not in shorter and len(sentences(shorter)) == 2
    other = compose_comment(CommentRequest(POST, VIEW, language, variant=1), templates[language])
    assert other != text and VIEW in other


words = st.lists(st.sampled_from(["plant", "team", "managers", "growth", "change", "l’usine", "12", "first"]),
                 min_size=3, max_size=25).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(post=words, view=st.lists(st.sampled_from(["we", "change", "first", "people", "tools"]), min_size=2,
                                 max_size=40).map(" ".join), variant=st.integers(0, 9), shorter=st.booleans(),
       language=st.sampled_from(["en", "fr"]))
def test_every_composed_comment_passes_the_check(content, post, view, variant, shorter, language):
    template = content.path[language].comment
    request = CommentRequest(post, view_text(view), language, variant, shorter)
    text = compose_comment(request, template)
    assert len(text) <= COMMENT_LIMIT
    assert check_comment(text, request, template.praise) is None, text


def test_the_check_refuses_what_a_comment_must_not_be(templates):
    request = CommentRequest(POST, VIEW, "en")
    praise = templates["en"].praise
    good = f"You write that output went up. {VIEW} Which teams found it hardest?"
    assert check_comment(good, request, praise) is None
    cases = {
        "the leader's view is not kept": "Managers matter most. Which teams found it hardest?",
        "sentences": VIEW,
        "a hashtag": f"{VIEW} Which teams found it hardest? #FutureOfWork",
        "a link": f"{VIEW} Read more at https://example.com/x today.",
        "markup": f"**{VIEW}** Which teams found it hardest?",
        "praise": f"Great post! {VIEW} Which teams found it hardest?",
        "a figure the post does not give (40)": f"{VIEW} Ours rose by 40 points. Which teams found it hardest?",
        "characters": f"{VIEW} " + "Which teams found it hardest? " * 60,
    }
    for reason, text in cases.items():
        found = check_comment(text, request, praise)
        assert found is not None and reason in found, (reason, found)
    assert check_comment(f"{VIEW} Output went up by 12%. Which teams?", request, praise) is None  # the post's
    french = check_comment(good, request, praise, detect=lambda text: "fr")
    assert french is not None and "not 'en'" in french


def test_a_link_alone_is_refused_with_the_reason_and_a_view_is_bounded():
    for pasted in ("https://www.linkedin.com/posts/someone_activity-1", "lnkd.in/abc https://lnkd.in/abc"):
        with pytest.raises(CommentError) as error:
            post_text(pasted)
        assert error.value.key in ("comment_link_only", "comment_post_short")
    with pytest.raises(CommentError) as error:
        post_text("https://www.linkedin.com/posts/someone_activity-1")
    assert error.value.key == "comment_link_only"
    assert post_text(f"{POST} https://www.linkedin.com/posts/x") == POST  # the text is kept, the link left out
    with pytest.raises(CommentError):
        post_text("word " * 700)
    for bad, key in (("Yes", "comment_view_short"), ("word " * 100, "comment_view_long"),
                     ("Managers first #leadership", "comment_view_tags")):
        with pytest.raises(CommentError) as error:
            view_text(bad)
        assert error.value.key == key


def test_a_models_answer_is_one_json_object_with_a_comment():
    assert parse_comment_answer('{"comment": " A. B? "}') == "A. B?"
    assert parse_comment_answer('```json\n{"comment": "A. B?"}\n```') == "A. B?"
    for bad in (None, "", "A comment in prose.", '{"text": "A."}', '["A."]', '{"comment": 3}'):
        assert parse_comment_answer(bad) is None
