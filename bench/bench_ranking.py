"""How long choosing the morning's suggestions takes: `rank` over 5,000 recent items.

Run with `.venv/bin/python bench/bench_ranking.py`. It prints the first call (the items' words are folded
then, once for all the leaders of the morning), the median of 20 calls for 20 different leaders, and the CPU
time 10,000 leaders would take, extrapolated from the median CPU time of one call.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from bot.core.news import Item
from bot.core.suggest import Taste, rank

ITEMS = 5_000
SOURCES = 40
RUNS = 20
LEADERS = 10_000
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
KEYWORDS = (
    "AI", "generative AI", "cloud", "cybersecurity", "software", "startup", "SaaS", "data",
    "digital transformation", "automation", "semiconductors", "open source", "innovation", "funding round",
    "tech regulation", "IA", "IA générative", "cybersécurité", "logiciel", "start-up", "données",
    "transformation numérique", "automatisation", "semi-conducteurs", "levée de fonds", "numérique",
)
WORDS = """company market growth leaders teams customers report quarter strategy board investors plan europe
    france launches raises cuts expands warns announces partnership platform users security breach chips model
    entreprise marché croissance équipes clients rapport stratégie investisseurs plan annonce lance réseau
    sécurité puces modèle usine emploi régulation banque énergie prix ventes résultats""".split()


def link(number: int) -> str:
    """The address of synthetic story `number`, as its feed gives it."""
    return f"https://news{number % SOURCES}.example.com/2026/11/story-{number}?utm_source=rss"


def synthetic_items(rng: random.Random) -> list[Item]:
    """ITEMS items of the last four days from SOURCES sources: a third of the titles and half of the summaries
    mention a sector keyword, as in a sector's real feeds."""
    items = []
    for number in range(ITEMS):
        words = rng.choices(WORDS, k=rng.randint(6, 14))
        if rng.random() < 0.33:
            words.insert(rng.randint(0, len(words)), rng.choice(KEYWORDS))
        summary_words = rng.choices(WORDS, k=rng.randint(20, 60))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            summary_words.insert(rng.randint(0, len(summary_words)), rng.choice(KEYWORDS))
        items.append(
            Item(
                title=" ".join(words).capitalize(),
                link=link(number),
                source=f"Source {number % SOURCES}",
                summary=" ".join(summary_words)[:500],
                published=NOW - timedelta(minutes=rng.randint(0, 96 * 60)),
                language=rng.choice(("en", "fr")),
            )
        )
    return items


def leader_taste(rng: random.Random) -> Taste:
    """A leader with two interests, some learned weights and 1,000 stories already seen."""
    return Taste(
        interests=tuple(rng.sample(KEYWORDS, 2)),
        sources={f"Source {n}": rng.uniform(-3, 3) for n in range(0, SOURCES, 3)},
        topics={keyword.casefold(): rng.uniform(-3, 3) for keyword in rng.sample(KEYWORDS, 5)},
        seen=tuple(link(n).split("?")[0] for n in rng.sample(range(ITEMS), 1000)),
    )


def main() -> None:
    """Time `rank` and print the results."""
    rng = random.Random(20261123)
    items = synthetic_items(rng)
    tastes = [leader_taste(rng) for _ in range(RUNS + 1)]

    start = time.perf_counter()
    rank(items, keywords=KEYWORDS, taste=tastes[0], now=NOW, language="fr")
    first = time.perf_counter() - start

    walls, cpus = [], []
    for taste in tastes[1:]:
        wall, cpu = time.perf_counter(), time.process_time()
        suggestions = rank(items, keywords=KEYWORDS, taste=taste, now=NOW, language="fr")
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        assert len(suggestions) == 3

    median_cpu = statistics.median(cpus)
    print(f"rank, 3 among {ITEMS:,} items:")
    print(f"  first call, folding every item once: {first * 1000:6.1f} ms")
    print(f"  median of {RUNS} calls (one per leader): {statistics.median(walls) * 1000:6.1f} ms "
          f"(fastest {min(walls) * 1000:.1f}, slowest {max(walls) * 1000:.1f})")
    print(f"  CPU for {LEADERS:,} leaders, extrapolated: {median_cpu * LEADERS:6.1f} s "
          f"({median_cpu * 1000:.1f} ms per leader)")


if __name__ == "__main__":
    main()
