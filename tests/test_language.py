"""The article's language: told by lingua when a feed does not declare it, and weighed in the ranking."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.language import detect, with_language
from bot.core.news import Item
from bot.core.suggest import Taste, rank
from tests.conftest import utc

NOW = utc(2026, 11, 23, 12)


def test_detect_tells_french_english_and_others_and_admits_doubt():
    assert detect("Réindustrialisation : l’État et les régions accélèrent les investissements") == "fr"
    assert detect("How a 90-person foundry cut its energy bill by a third") == "en"
    assert detect("Wie eine Gießerei ihre Energiekosten um ein Drittel senkte") == "de"
    assert detect("IA") is None  # too short to tell
    assert detect("") is None


def test_items_without_a_declared_language_get_the_one_they_read_in():
    declared = Item("Cloud news in English, declared French by mistake", "https://a.example/1", "A", language="fr")
    french = Item("Les usines françaises investissent dans le cloud", "https://a.example/2", "A")
    english = Item("Factories invest in the cloud again this winter", "https://a.example/3", "A")
    assert [item.language for item in with_language([declared, french, english])] == ["fr", "fr", "en"]


def item(title: str, language: str | None, hours: float, source: str) -> Item:
    return Item(title, f"https://{source.lower()}.example/{hours}", source, published=NOW - timedelta(hours=hours),
                language=language)


def top(items: list[Item], language: str | None) -> list[str]:
    return [s.item.title for s in rank(items, keywords=("cloud",), taste=Taste(), now=NOW, language=language)]


def test_an_item_in_another_language_comes_below_one_a_day_older_in_the_leaders_language():
    english = item("Cloud budgets rise", "en", hours=1, source="A")
    french = item("Les budgets cloud montent", "fr", hours=25, source="B")
    assert top([english, french], "fr") == ["Les budgets cloud montent", "Cloud budgets rise"]
    assert top([english, french], "en") == ["Cloud budgets rise", "Les budgets cloud montent"]
    unknown = item("Cloud budgets rise again", None, hours=1, source="C")
    assert top([unknown, french], "fr")[0] == "Les budgets cloud montent"  # unknown counts as not the leader's


def test_lingua_and_openai_are_each_reached_from_one_adapter_module():
    import ast
    from pathlib import Path

    owners: dict[str, set[str]] = {"lingua": set(), "openai": set()}
    root = Path(__file__).resolve().parent.parent
    for path in (root / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.split(".")[0] in owners:
                    owners[name.split(".")[0]].add(path.relative_to(root).as_posix())
    assert owners == {"lingua": {"bot/adapters/language.py"}, "openai": {"bot/adapters/llm.py"}}


def test_short_texts_are_unknown_rather_than_wrong():
    assert detect("Le CAC 40 recule") is None
    assert detect("Q3 results & outlook") is None
    assert detect("Cloud costs under review. Finance teams are cutting unused instances.") == "en"
