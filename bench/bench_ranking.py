"""How long choosing the morning's suggestions takes: `rank` over 5,000 recent items, for one leader and for a
morning of 10,000.

Run with `.venv/bin/python bench/bench_ranking.py` (add `--leaders 1000` to rank for part of the morning and
extrapolate to 10,000). It prints:
- one leader among 5,000 items: the median of 20 calls for 20 different leaders, against the target of 50 ms,
  both as a single call given the items and as a call given the sector's pool (`prepare`);
- a morning: 10 sectors of 5,000 items each, one pool prepared per sector at 06:00, and 10,000 leaders spread
  over them, woken between 06:00 and 09:00, with varied interests, learned weights, stories seen and
  languages; the total CPU time (preparing the pools and ranking for every leader) against the target of
  120 s, and how the time per leader spreads.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from bot.core.news import Item
from bot.core.suggest import Pool, Taste, prepare, rank

ITEMS = 5_000
SOURCES = 40
RUNS = 20
LEADERS = 10_000
SECTORS = 10
ONE_LEADER_TARGET = 0.050  # seconds
MORNING_TARGET = 120.0  # seconds of CPU
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
MORNING = timedelta(hours=3)  # leaders are woken from NOW to NOW + MORNING
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
# Interests that the sector's items never mention.
RARE_INTERESTS = ("robotics", "family business", "supply chain", "recrutement", "export", "ESG")


def link(number: int, sector: int = 0) -> str:
    """The address of synthetic story `number` of a sector, as its feed gives it."""
    return f"https://news{number % SOURCES}.example.com/{sector}/story-{number}?utm_source=rss"


def synthetic_items(rng: random.Random, sector: int = 0) -> list[Item]:
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
                link=link(number, sector),
                source=f"Source {number % SOURCES}",
                summary=" ".join(summary_words)[:500],
                published=NOW - timedelta(minutes=rng.randint(0, 96 * 60)),
                language=rng.choice(("en", "fr")),
            )
        )
    return items


def leader_taste(rng: random.Random) -> Taste:
    """A leader with two interests among the sector's keywords, learned weights, and 1,000 stories seen."""
    return Taste(
        interests=tuple(rng.sample(KEYWORDS, 2)),
        sources={f"Source {n}": rng.uniform(-3, 3) for n in range(0, SOURCES, 3)},
        topics={keyword.casefold(): rng.uniform(-3, 3) for keyword in rng.sample(KEYWORDS, 5)},
        seen=tuple(link(n).split("?")[0] for n in rng.sample(range(ITEMS), 1000)),
    )


def varied_taste(rng: random.Random, story_keys: list[str]) -> Taste:
    """A leader of a morning: none to three interests (mostly sector keywords, some rare, a few very common
    words), learned weights for none to a dozen sources and topics, none to 1,000 stories seen."""
    interests = []
    for _ in range(rng.choice((0, 0, 0, 1, 1, 1, 2, 2, 3))):
        kind = rng.random()
        choices = KEYWORDS if kind < 0.6 else RARE_INTERESTS if kind < 0.9 else WORDS
        interests.append(rng.choice(choices))
    return Taste(
        interests=tuple(interests),
        sources={f"Source {n}": rng.uniform(-3, 3) for n in rng.sample(range(SOURCES), rng.randint(0, 12))},
        topics={topic.casefold(): rng.uniform(-3, 3) for topic in rng.sample(KEYWORDS, rng.randint(0, 12))},
        seen=tuple(rng.sample(story_keys, rng.choice((0, 10, 100, 1000)))),
    )


def one_leader() -> None:
    """Print the time `rank` takes for one leader, given the items and given the sector's pool."""
    rng = random.Random(20261123)
    items = synthetic_items(rng)
    tastes = [leader_taste(rng) for _ in range(RUNS + 1)]

    start = time.perf_counter()
    rank(items, keywords=KEYWORDS, taste=tastes[0], now=NOW, language="fr")
    first = time.perf_counter() - start

    def calls(ranked: list[Item] | Pool) -> list[float]:
        walls = []
        for taste in tastes[1:]:
            wall = time.perf_counter()
            suggestions = rank(ranked, keywords=KEYWORDS, taste=taste, now=NOW, language="fr")
            walls.append(time.perf_counter() - wall)
            assert len(suggestions) == 3
        return walls

    items_walls = calls(items)
    start = time.perf_counter()
    pool = prepare(items, keywords=KEYWORDS, now=NOW)
    preparing = time.perf_counter() - start
    pool_walls = calls(pool)

    print(f"One leader, 3 among {ITEMS:,} items:")
    print(f"  first call, folding every item once: {first * 1000:6.1f} ms")
    for label, walls in (("given the items", items_walls), ("given the sector's pool", pool_walls)):
        median = statistics.median(walls)
        print(f"  median of {RUNS} calls {label + ':':24} {median * 1000:6.2f} ms "
              f"= {median / ONE_LEADER_TARGET:.3f} of the 50 ms target "
              f"(fastest {min(walls) * 1000:.2f}, slowest {max(walls) * 1000:.2f})")
    print(f"  preparing the sector's pool once: {preparing * 1000:6.1f} ms")


def morning(leaders: int) -> None:
    """Print the CPU time a morning takes: one pool per sector, then `rank` for each leader as they wake."""
    rng = random.Random(20261124)
    sectors = [synthetic_items(rng, sector) for sector in range(SECTORS)]
    keywords = [tuple(rng.sample(KEYWORDS, 20)) for _ in range(SECTORS)]
    keys = [[item.link.split("?")[0] for item in items] for items in sectors]
    crowd = []
    for number in range(leaders):
        sector = number % SECTORS
        woken = NOW + rng.random() * MORNING
        crowd.append((woken, sector, varied_taste(rng, keys[sector]), rng.choice(("fr", "en"))))
    crowd.sort(key=lambda leader: leader[0])  # ranked as they wake

    start = time.process_time()
    pools = [prepare(items, keywords=words, now=NOW) for items, words in zip(sectors, keywords, strict=True)]
    preparing = time.process_time() - start
    per_leader = []
    for now, sector, taste, language in crowd:
        before = time.process_time()
        suggestions = rank(pools[sector], keywords=keywords[sector], taste=taste, now=now, language=language)
        per_leader.append(time.process_time() - before)
        assert len(suggestions) == 3
    total = time.process_time() - start

    scale = LEADERS / leaders
    estimate = preparing + (total - preparing) * scale
    shown = f"{leaders:,} leaders" + (f", extrapolated to {LEADERS:,}" if leaders != LEADERS else "")
    print(f"A morning: {SECTORS} sectors of {ITEMS:,} items, {shown}:")
    print(f"  preparing the {SECTORS} pools: {preparing:6.2f} s of CPU")
    print(f"  total CPU time for {LEADERS:,} leaders{' (extrapolated)' if leaders != LEADERS else ''}: "
          f"{estimate:6.1f} s = {estimate / MORNING_TARGET:.3f} of the 120 s target")
    percentiles = [seconds * 1000 for seconds in statistics.quantiles(per_leader, n=100)]
    print(f"  per leader: median {statistics.median(per_leader) * 1000:.2f} ms, 90th percentile "
          f"{percentiles[89]:.2f} ms, 99th {percentiles[98]:.2f} ms, slowest {max(per_leader) * 1000:.2f} ms")


def main() -> None:
    """Time `rank` and print the results."""
    global ITEMS, RUNS, SECTORS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=LEADERS, help="leaders of the morning actually ranked")
    parser.add_argument("--smoke", action="store_true", help="the tiniest sizes, to see that it runs")
    arguments = parser.parse_args()
    if arguments.smoke:
        ITEMS, RUNS, SECTORS, arguments.leaders = 1_200, 3, 2, 20
    one_leader()
    morning(arguments.leaders)


if __name__ == "__main__":
    main()
