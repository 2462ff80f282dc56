"""What an item's score is made of, for the morning's suggestions (`bot.core.suggest`).

An item scores for its freshness (`freshness_score`), for the keywords and interests it matches
(`relevance_score`: their weights, capped, and what the leader taught the bot about them), for its source as
the leader taught it, and for being in the leader's language. The weights are here, side by side, with the
bounds that let the ranking stop early: what the leader taught stays within [-WEIGHT_BOUND, WEIGHT_BOUND], and
MATCHED_BONUS puts any item that matches something above every item that matches nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.core.matching import Match

# Relevance: what the matches weigh (`bot.core.matching`) is capped so that a list of buzzwords does not win by
# itself.
RELEVANCE_CAP = 8.0
# Freshness: worth FRESHNESS_WEIGHT when just published, half of it a HALF_LIFE later.
FRESHNESS_WEIGHT = 2.0
HALF_LIFE = timedelta(hours=24)
# What the leader taught the bot: learned weights stay within [-WEIGHT_BOUND, WEIGHT_BOUND].
WEIGHT_BOUND = 3.0
SOURCE_FACTOR = 0.5
TOPIC_FACTOR = 0.5
# Given to an item in the leader's language, so that items in another language come lower: a headline that
# needs "article in English" in a French post must be worth it (a keyword more in its title, or more than a
# day fresher).
LANGUAGE_BONUS = 1.5
# Added to every item that matches a keyword or an interest: more than freshness, language and learned weights
# can ever make up, so an item matching nothing always comes below one that matches something.
MATCHED_BONUS = FRESHNESS_WEIGHT + LANGUAGE_BONUS + (2 * SOURCE_FACTOR + TOPIC_FACTOR) * WEIGHT_BOUND
# Added to the most a leader's taste can add to a shared score: far more than the rounding of a few sums of
# numbers below a hundred, so that the bound holds whatever the order of the additions.
ROUNDING_MARGIN = 1e-9


def bounded(weight: float) -> float:
    """A learned weight kept within [-WEIGHT_BOUND, WEIGHT_BOUND]."""
    return max(-WEIGHT_BOUND, min(WEIGHT_BOUND, weight))


def relevance_score(matches: Sequence[Match], topics: Mapping[str, float]) -> float:
    """What the matched keywords and interests add to an item's score (nothing when there are none), with the
    weights the leader learned for them."""
    if not matches:
        return 0.0
    relevance = min(-sum(weight for weight, _, _ in matches), RELEVANCE_CAP)
    learned = bounded(sum(topics.get(phrase.topic, 0.0) for _, _, phrase in matches))
    return MATCHED_BONUS + relevance + TOPIC_FACTOR * learned


def freshness_score(published: datetime, now: datetime) -> float:
    """What being recent adds to an item's score: FRESHNESS_WEIGHT when just published, halved every HALF_LIFE."""
    return FRESHNESS_WEIGHT * 0.5 ** max((now - published) / HALF_LIFE, 0.0)
