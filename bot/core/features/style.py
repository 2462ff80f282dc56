"""/style: the leader's own way of writing. They paste one to three posts they wrote (or point at the takes
they wrote here); the bot learns their choices from them (a closing question or not, hashtags or not, short
or long, a sign-off) and from their edits ("Shorter", "Longer"). The composer follows those choices; a model
gets the posts as examples of style (never as facts). All of it is in /export and goes with /delete."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import datetime

from bot.core.features.common import Context, say
from bot.core.markup import shorten
from bot.core.model import Leader, Style
from bot.core.replies import Lines, Msg, Outcome, msg

MAX_EXAMPLES = 3
EXAMPLE_LIMIT = 3000  # LinkedIn's own limit
EXAMPLE_WORDS = 8  # fewer words is no post to learn from
SHORT_POST = 600  # characters: an average under this is a short writer
LONG_POST = 1000
SIGN_OFF_LIMIT = 40
SHOWN = 70  # characters of each example shown back
CLEAR = ("clear", "effacer", "vider")
REMOVE = ("remove", "retirer", "supprimer", "delete")
TAKES = ("takes", "avis")

_HASHTAG = re.compile(r"(?<![\w#])#[^\W\d_][\w]*")
_ASKS = re.compile(r"\?[\s\"'»”)]*$")
_DASH = re.compile(r"^[—–-]\s*\S")


def learn_style(examples: tuple[str, ...], style: Style) -> Style:
    """The choices the leader's own posts show (the counts of their edits kept): a closing question when at
    least half of them ask one, hashtags when any has some, short or long by their average length, and a
    sign-off when their last lines agree (or a single post ends with a dashed line)."""
    if not examples:
        return Style(shorter=style.shorter, longer=style.longer)
    asking = sum(1 for example in examples if any(_ASKS.search(line.strip()) for line in example.splitlines()))
    average = sum(len(example) for example in examples) / len(examples)
    length = "short" if average <= SHORT_POST else "long" if average >= LONG_POST else None
    return replace(style, question=asking * 2 >= len(examples),
                   hashtags=any(_HASHTAG.search(example) for example in examples),
                   length=length, sign_off=_sign_off(examples))


def _last_line(example: str) -> str:
    for line in reversed(example.strip().splitlines()):
        line = line.strip()
        if not line or line.startswith("http") or all(word.startswith("#") for word in line.split()):
            continue
        return line
    return ""


def _sign_off(examples: tuple[str, ...]) -> str | None:
    lasts = [_last_line(example) for example in examples]
    short = [line for line in lasts if line and len(line) <= SIGN_OFF_LIMIT and not _ASKS.search(line)]
    if not short:
        return None
    line, count = Counter(short).most_common(1)[0]
    if count >= 2 or _DASH.match(line):
        return line
    return None


def _learnt(style: Style) -> Lines:
    """What the bot learnt, one line each."""
    lines: list[Msg] = []
    if style.question is not None:
        lines.append(msg("style_question_yes" if style.question else "style_question_no"))
    if style.hashtags is not None:
        lines.append(msg("style_hashtags_yes" if style.hashtags else "style_hashtags_no"))
    if style.length is not None or style.shorter or style.longer:
        lines.append(msg("style_short" if style.prefers_short else "style_long"))
    if style.sign_off:
        lines.append(msg("style_sign_off", sign_off=style.sign_off))
    return Lines(tuple(lines) or (msg("style_nothing"),))


def _shown(leader: Leader) -> Outcome:
    examples = Lines(tuple(msg("style_example", number=number, text=shorten(" ".join(example.split()), SHOWN))
                           for number, example in enumerate(leader.style_examples, 1))
                     or (msg("style_no_example"),))
    return say(leader, msg("style_show", learnt=_learnt(leader.style), examples=examples,
                           kept=len(leader.style_examples)))


def _with_examples(leader: Leader, examples: tuple[str, ...]) -> Leader:
    return leader.with_(style_examples=examples, style=learn_style(examples, leader.style), style_waiting=False)


def style(ctx: Context, leader: Leader, args: str, now: datetime) -> Outcome:
    """`/style` (shows what is learnt, then waits for a post), `/style <a post>`, `/style takes`,
    `/style remove 2`, `/style clear`."""
    verb, _, rest = args.partition(" ")
    folded = verb.casefold()
    if not args:
        return _shown(leader.with_(style_waiting=True))
    if folded in CLEAR and not rest.strip():
        return say(_with_examples(leader, ()).with_(style=Style()), msg("style_cleared"))
    if folded in REMOVE:
        number = rest.strip()
        if not number.isdigit() or not 1 <= int(number) <= len(leader.style_examples):
            return say(leader, msg("error_style_remove", count=len(leader.style_examples)))
        kept = tuple(e for n, e in enumerate(leader.style_examples, 1) if n != int(number))
        return _shown(_with_examples(leader, kept))
    if folded in TAKES and not rest.strip():
        takes = tuple(dict.fromkeys(o.take for o in reversed(leader.offers) if o.take))[:MAX_EXAMPLES]
        if not takes:
            return say(leader, msg("style_no_takes"))
        return _shown(_with_examples(leader, takes))
    return example(ctx, leader, args)


def example(ctx: Context, leader: Leader, text: str) -> Outcome:
    """A post of the leader's own, pasted: kept as an example of their style (the oldest goes past three)."""
    post = text.strip()
    if len(post) > EXAMPLE_LIMIT or len(post.split()) < EXAMPLE_WORDS:
        return say(leader.with_(style_waiting=False), msg("error_style", limit=EXAMPLE_LIMIT))
    examples = (*(e for e in leader.style_examples if e != post), post)[-MAX_EXAMPLES:]
    changed = _with_examples(leader, examples)
    return say(changed, msg("style_added", kept=len(examples), learnt=_learnt(changed.style)))


def edited(leader: Leader, shorter: bool) -> Leader:
    """The leader pressed "Shorter" (or "Longer"): counted, their next posts start at the length they lean to."""
    current = leader.style
    counted = replace(current, shorter=current.shorter + 1) if shorter else replace(current, longer=current.longer + 1)
    return leader.with_(style=counted)
