"""What a leader reads, kept as golden files a ghostwriter can read (tests/data/writer/): for a fixed set of
articles in both languages, ranked for a leader of each language, the 10 morning drafts without a take and 8
posts with a take; and the angles of one article around one take. A change of wording shows as a diff here;
`COACHBOT_REGENERATE=1` rewrites the files (read them before committing).

Checked on every run: the first three suggestions are in the leader's language; the angles of one take are
different posts (no two share their first line), each within LinkedIn's 3,000 and X's 280, each holding the
take word for word, in its first lines."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.content_files import read_drafts
from bot.core.model import Taste
from bot.core.news import Item
from bot.core.posts import LINKEDIN_HARD_LIMIT, PostRequest, compose, hashtags, topics_for, visible_first
from bot.core.sharing import X_LIMIT, x_weight
from bot.core.suggest import rank
from tests.conftest import CONTENT_DIR, utc

GOLDEN = Path(__file__).parent / "data" / "writer"
REGENERATE = os.environ.get("COACHBOT_REGENERATE") == "1"
TEMPLATES = read_drafts(CONTENT_DIR)
NOW = utc(2026, 11, 23, 7, 0)
DAY = NOW.date().toordinal()
KEYWORDS = {
    "en": ("energy", "factory", "plant", "supply chain", "AI", "hiring", "training", "cybersecurity", "automation"),
    "fr": ("énergie", "usine", "industrie", "chaîne d’approvisionnement", "IA", "recrutement", "formation",
           "cybersécurité", "automatisation"),
}


def article(n: int, language: str, source: str, title: str, summary: str, hours: float) -> Item:
    host = "".join(char for char in source.lower().replace(" ", "-") if char.isalnum() or char == "-")
    return Item(title, f"https://www.{host}.example/{n}", source, summary,
                NOW - timedelta(hours=hours), language)


ARTICLES = [
    article(1, "fr", "Les Echos", "Réindustrialisation : l'État et les régions accélèrent",
            "Les usines françaises ont créé 12 000 emplois en 2025. Les régions financent la moitié des projets.", 2),
    article(2, "fr", "L'Usine Nouvelle", "Comment une PME de 80 salariés a réduit sa facture d'énergie de 30 %",
            "La fonderie a déplacé ses fours en heures creuses et isolé deux halls.", 3),
    article(3, "fr", "Usine Demain", "Formation : l'industrie manque de techniciens de maintenance",
            "Un poste sur trois reste vacant plus de six mois, selon une enquête auprès de 400 entreprises.", 5),
    article(4, "fr", "Le Journal des Entreprises", "Michelin ferme deux sites et investit dans le recyclage",
            "Le groupe annonce la fermeture de Cholet et Vannes et un investissement dans le recyclage des pneus.", 6),
    article(5, "fr", "L'Atelier Industriel", "L'IA entre dans les ateliers, sans bruit",
            "Des ETI testent la maintenance prédictive sur une ligne avant de l'étendre.", 8),
    article(6, "fr", "Les Echos", "Cybersécurité : les PME industrielles, cibles de choix",
            "Les attaques par rançongiciel contre des usines ont doublé en deux ans.", 9),
    article(7, "fr", "Usine Demain", "Relocaliser sa chaîne d'approvisionnement : ce qui marche",
            "Trois dirigeants racontent ce qu'ils ont rapatrié, et ce qu'ils ont laissé en Asie.", 11),
    article(8, "fr", "La Tribune", "Recrutement : les industriels misent sur l'alternance",
            "Le nombre d'apprentis dans l'industrie a progressé de 18 % sur un an.", 12),
    article(9, "fr", "L'Usine Nouvelle", "Automatisation : pourquoi les robots collaboratifs séduisent les PME",
            "Moins chers et plus simples à programmer, ils se déploient en quelques semaines.", 14),
    article(10, "fr", "Le Monde", "Énergie : les industriels signent des contrats de long terme",
            "Pour se protéger de la volatilité, des usines achètent leur électricité sur dix ans.", 16),
    article(11, "en", "Manufacturing Weekly", "How a 90-person foundry cut its energy bill by 30%",
            "The foundry moved its furnaces to night hours. It also insulated two halls.", 1),
    article(12, "en", "Plant Weekly", "Factories bet on apprenticeships to fill maintenance jobs",
            "One maintenance job in three stays open for more than six months.", 2.5),
    article(13, "en", "Financial Times", "Siemens decides to move battery production back to Europe",
            "The group will build two plants in Germany and Portugal by 2028.", 4),
    article(14, "en", "Reuters", "AI on the shop floor: the quiet revolution",
            "Mid-sized manufacturers are testing predictive maintenance on a single line first.", 4.5),
    article(15, "en", "Industry Today", "Cyberattacks on factories doubled in two years",
            "Ransomware gangs now target mid-sized manufacturers with weak defences.", 6),
    article(16, "en", "Supply Chain Dive", "Reshoring the supply chain: what worked for three CEOs",
            "Three leaders explain what they brought home and what they left in Asia.", 7),
    article(17, "en", "The Engineer", "Why cobots appeal to small factories",
            "Cheaper and simpler to program, they are deployed in a few weeks.", 10),
    article(18, "en", "Bloomberg", "Manufacturers sign ten-year power deals to tame energy prices",
            "Long-term contracts protect plants from volatile electricity markets.", 13),
    article(19, "en", "Plant Weekly", "Training budgets rise as plants automate",
            "Firms spend more on training operators to run automated lines.", 15),
    article(20, "en", "Manufacturing Weekly", "Hiring engineers is getting harder",
            "Vacancies for process engineers rose again this quarter.", 17),
]
# The takes, each written for one article (by its number): "en" for articles 11 to 18, "fr" for the French.
TAKEN = {"en": (11, 12, 13, 14, 15, 16, 17, 18), "fr": (1, 2, 8, 4, 5, 6, 9, 10)}
TAKES = {
    "en": [
        "We did the same in our Lyon plant in 2024. It works, but count a year, not a quarter.",
        "Apprenticeships saved our maintenance team. Two of our best technicians started as apprentices.",
        "I would have made the same call. Being close to your customers beats a cheaper plant far away.",
        "We tried predictive maintenance on one press first. Start small, or nobody will trust it.",
        "We were hit in 2023. The hard part was not the systems, it was telling our customers.",
        "Reshoring is not a slogan for us: we brought back one product line and kept the rest where it was.",
        "Who here has deployed a cobot? I am looking for honest feedback before we buy one.",
        "Long-term power contracts are the only reason our margins survived last winter.",
    ],
    "fr": [
        "Nous l'avons vécu à Lyon : sans la région, notre nouvelle ligne n'aurait pas vu le jour.",
        "Nous avons fait la même chose en 2024. Ça marche, mais il faut compter un an, pas un trimestre.",
        "Nos meilleurs techniciens viennent de l'alternance. Je ne connais pas de meilleur investissement.",
        "Fermer un site est la décision la plus dure que j'aie prise. Il faut le dire tôt et en face.",
        "Nous avons commencé par une seule presse. Commencez petit, sinon personne n'y croira.",
        "Nous avons été attaqués en 2023. Le plus dur n'a pas été les systèmes, mais de prévenir nos clients.",
        "Qui a déjà installé un cobot ? Je cherche des retours francs avant d'en acheter un.",
        "Sans contrat long terme, nos marges n'auraient pas survécu à l'hiver dernier.",
    ],
}


def request(item: Item, language: str, *, take: str | None = None, variant: int = DAY,
            angle: int | None = None, topics: tuple[str, ...] = ()) -> PostRequest:
    return PostRequest(title=item.title, link=item.link, source=item.source, summary=item.summary,
                       item_language=item.language, language=language, take=take, variant=variant, angle=angle,
                       topics=topics_for(topics, KEYWORDS[language]))


def sample(language: str) -> tuple[str, list[str]]:
    picks = rank(ARTICLES, keywords=(*KEYWORDS["en"], *KEYWORDS["fr"]), taste=Taste(), now=NOW,
                 language=language, limit=10)
    parts = []
    for number, pick in enumerate(picks, 1):
        post = compose(request(pick.item, language, topics=pick.topics), TEMPLATES[language])
        parts.append(f"=== draft {number} ({pick.item.language}, {pick.item.source})\n{post.linkedin}\n--- X\n{post.x}")
    topics = {pick.item.link: pick.topics for pick in rank(ARTICLES, keywords=(*KEYWORDS["en"], *KEYWORDS["fr"]),
                                                         taste=Taste(), now=NOW, limit=len(ARTICLES))}
    for number, (index, take) in enumerate(zip(TAKEN[language], TAKES[language], strict=True), 1):
        item = ARTICLES[index - 1]
        post = compose(request(item, language, take=take, variant=number - 1, topics=topics.get(item.link, ())),
                       TEMPLATES[language])
        parts.append(f"=== take {number} ({item.language}, {item.source})\n{post.linkedin}\n--- X\n{post.x}")
    return "\n\n".join(parts) + "\n", [pick.item.language or "" for pick in picks]


def angles(language: str) -> tuple[str, list]:
    item = ARTICLES[0] if language == "fr" else ARTICLES[10]
    take = TAKES[language][0]
    posts = [compose(request(item, language, take=take, angle=angle, topics=("énergie", "energy", "industrie")),
                     TEMPLATES[language]) for angle in range(len(TEMPLATES[language].take_linkedin))]
    text = "\n\n".join(f"=== angle {n}\n{p.linkedin}\n--- X\n{p.x}" for n, p in enumerate(posts)) + "\n"
    return text, posts


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGENERATE or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: read it, then COACHBOT_REGENERATE=1"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_morning_drafts_and_the_posts_around_takes(language):
    text, languages = sample(language)
    assert len(languages) == 10 and languages[:3] == [language] * 3  # no other language in the first three
    assert languages.count(language) >= 8  # at most one in five from elsewhere
    golden(f"sample.{language}.txt", text)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_angles_of_one_take_are_different_posts(language):
    text, posts = angles(language)
    take = TAKES[language][0]
    assert len(posts) >= 4
    first_lines = [post.linkedin.split("\n")[0] for post in posts]
    assert len(set(first_lines)) == len(first_lines), first_lines
    for post in posts:
        assert take in post.linkedin and visible_first(post.linkedin, take)
        assert len(post.linkedin) <= LINKEDIN_HARD_LIMIT and x_weight(post.x) <= X_LIMIT
        assert take in post.x  # the take whole on X too
        assert all(tag in post.linkedin for tag in hashtags(topics_for(("énergie", "energy"), KEYWORDS[language])))
    golden(f"angles.{language}.txt", text)
