"""The composer's second pass, piece by piece: questions that follow from the kind of article (none under a
bare headline, none after a take that asks), X keeping the leader's words, the article's language said once
after its source, and French typography of what is quoted, its words unchanged."""

from __future__ import annotations

import pytest

from bot.adapters.content_files import read_drafts
from bot.core.posts import PostRequest, article_kind, compose, french_typography
from bot.core.sharing import X_LIMIT, x_weight
from tests.conftest import CONTENT_DIR

TEMPLATES = read_drafts(CONTENT_DIR)
LINK = "https://example.com/a?id=1"


def request(language: str = "en", **changes) -> PostRequest:
    base = dict(title="Factories bet on apprenticeships", link=LINK, source="Plant Weekly",
                summary="Apprentices now fill one maintenance job in three.", item_language=language,
                language=language)
    base.update(changes)
    return PostRequest(**base)


@pytest.mark.parametrize(
    ("title", "summary", "kind"),
    [
        ("How a foundry cut its energy bill", "", "howto"),
        ("Comment relocaliser sa production", "", "howto"),
        ("Energy bills fall", "Plants paid 30% less in 2025.", "figure"),
        ("Les usines ont créé 12 000 emplois", "", "figure"),
        ("Siemens decides to move battery production back to Europe", "", "decision"),
        ("Michelin ferme deux sites", "", "decision"),
        ("Factories bet on apprenticeships", "One job in three stays open for months.", "trend"),
        ("Le télétravail recule dans l’industrie", "", "trend"),
        ("Budgets in 2026", "", "trend"),  # a year is no figure
    ],
)
def test_the_kind_of_article(title, summary, kind):
    assert article_kind(title, summary) == kind


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_question_follows_from_the_kind_of_article(language):
    templates = TEMPLATES[language]
    figure = request(language, title="Energy bills fell", summary="Plants paid 30% less last year.",
                     take="We saw the same.")
    asked = 0
    for variant in range(5):  # every angle; the lesson angle asks nothing
        post = compose(PostRequest(**{**figure.__dict__, "variant": variant}), templates)
        asked += any(q in post.linkedin for q in templates.figure_questions)
        assert not any(q in post.linkedin for q in (*templates.questions, *templates.decision_questions,
                                                     *templates.howto_questions))
    assert asked >= 3


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_question_under_a_bare_headline_nor_after_a_take_that_asks(language):
    templates = TEMPLATES[language]
    every = [q for kind in templates.QUESTIONS for q in getattr(templates, kind)]
    for variant in range(6):
        bare = compose(request(language, summary="", variant=variant), templates)
        assert not any(q in bare.linkedin or q in bare.x for q in every), bare.linkedin
        asking = compose(request(language, take="Who has tried this? We are about to, and I have doubts.",
                                 variant=variant), templates)
        assert not any(q in asking.linkedin for q in every), asking.linkedin


@pytest.mark.parametrize("language", ["en", "fr"])
def test_x_keeps_the_take_whole_else_its_last_sentence_over_the_title(language):
    templates = TEMPLATES[language]
    whole = "We hired four apprentices in 2024 and kept all of them."
    post = compose(request(language, take=whole), templates)
    assert post.x.startswith(whole) and "apprenticeships" in post.x and x_weight(post.x) <= X_LIMIT
    long_take = ("We tried everything for years, agencies, bonuses, referral schemes, open days at the plant, "
                 "partnerships with two technical schools and a local job centre, and none of it filled our "
                 "maintenance jobs for long. Apprentices did, because they grew up in our plant.")
    post = compose(request(language, take=long_take), templates)
    assert post.x.startswith("Apprentices did, because they grew up in our plant.") and x_weight(post.x) <= X_LIMIT
    assert "apprenticeships" in post.x  # the article's title under the conclusion
    assert long_take in post.linkedin


def test_the_language_is_said_once_in_the_posts_own_sentence_also_on_x():
    post = compose(request("fr", item_language="en", source="Plant Weekly"), TEMPLATES["fr"])
    assert post.linkedin.count("(en anglais)") == 1 and post.x.count("Plant Weekly (en anglais)") == 1
    assert "Article en anglais" not in post.x and ") Article" not in post.x


@pytest.mark.parametrize(
    ("quoted", "typeset"),
    [
        ("Réindustrialisation: l'État accélère", "Réindustrialisation\u00a0: l’État accélère"),
        ("Pourquoi maintenant? Parce que!", "Pourquoi maintenant\u202f? Parce que\u202f!"),
        ("Le mot « sobriété » revient", "Le mot «\u00a0sobriété\u00a0» revient"),
        ('Il a dit "non" ; voilà', "Il a dit «\u00a0non\u00a0»\u202f; voilà"),
        ("À 10:30, l'usine ferme", "À 10:30, l’usine ferme"),  # a time keeps its colon
        ("Lire https://a.fr/x?y=1 ici", "Lire https://a.fr/x?y=1 ici"),  # an address is untouched
    ],
)
def test_french_typography_of_quoted_text(quoted, typeset):
    assert french_typography(quoted) == typeset
    assert french_typography(typeset) == typeset  # once is enough


def test_a_french_post_quotes_a_french_article_with_french_typography_and_an_english_one_as_it_is():
    french = compose(request("fr", title="Formation: l'industrie manque de techniciens", source="L'Usine Nouvelle",
                             summary="Un poste sur trois reste vacant!"), TEMPLATES["fr"])
    for text in (french.linkedin, french.x):
        assert "'" not in text.replace(LINK, "") and "Formation\u00a0: l’industrie" in text
    assert "L’Usine Nouvelle" in french.linkedin
    english = compose(request("fr", item_language="en", title="Why now? Because"), TEMPLATES["fr"])
    assert "Why now? Because" in english.linkedin  # English words keep English typography


@pytest.mark.parametrize(("language", "summary"), [("en", "The group will build two plants by 2028."),
                                                   ("fr", "Le groupe annonce la fermeture de deux sites.")])
def test_a_summary_that_leans_on_the_title_never_opens_a_post(language, summary):
    for variant in range(8):
        post = compose(request(language, summary=summary, variant=variant), TEMPLATES[language])
        assert not post.linkedin.startswith(summary) and not post.x.startswith(summary)
    opening = compose(request(language, summary="Apprentices now fill one job in three.", angle=1),
                      TEMPLATES[language])
    assert opening.linkedin.startswith("Apprentices")  # one that stands alone may


def test_quotes_within_a_quoted_french_title_are_english_ones():
    title = "Les patrons et les réseaux sociaux : « je m’y mets »"
    take = "« Je m’y mets », disait mon associé : trois ans plus tard, il publie chaque semaine."
    for angle in range(5):
        post = compose(request("fr", title=title, take=take, angle=angle), TEMPLATES["fr"])
        assert "«\u00a0Les patrons et les réseaux sociaux\u00a0: “je m’y mets”\u00a0»" in post.linkedin + post.x
        assert take in post.linkedin  # the leader's own quotes untouched
    plain = compose(request("fr", title=title, angle=0), TEMPLATES["fr"])
    assert plain.linkedin.startswith(french_typography(title))  # a title alone keeps its own quotes
