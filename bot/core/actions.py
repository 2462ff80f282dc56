"""Every button of the bot as a typed action, and the one codec that writes it into Telegram's callback data.

A button is built from an action (`encode`) and a press is read back into one (`decode`): nothing else in the
product builds or takes apart callback data. The encoded form fits Telegram's 64 bytes and stays readable by
the releases that follow (buttons sent days ago must keep working after a restart), so the wire format below
only ever grows. Anything that does not decode exactly (forged, truncated, from an older bot) becomes `UNKNOWN`,
which changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from bot.core.model import Step

MAX_DATA = 64  # bytes: Telegram's limit for callback_data


class Verdict(StrEnum):
    """What the leader says of a suggested post."""

    POSTED = "posted"
    IRRELEVANT = "irrelevant"
    ANOTHER = "another"
    SAVED = "saved"  # keep it to read (the listening stage)
    UNDO = "undo"  # take back a "Not relevant"


@dataclass(frozen=True)
class Answer:
    """An answer to a question, chosen from the offered values (a language, a zone, a time as HHMM...)."""

    step: Step
    value: str


@dataclass(frozen=True)
class Ask:
    """Open one setting's question (from the settings panel)."""

    step: Step


@dataclass(frozen=True)
class SwitchLessons:
    """Turn the daily lessons on or off."""

    on: bool


@dataclass(frozen=True)
class OpenToday:
    """Show today's lesson."""


@dataclass(frozen=True)
class OpenSuggestions:
    """Show posts worth sharing now."""


@dataclass(frozen=True)
class LessonDone:
    """Mark a lesson done."""

    lesson_id: str


@dataclass(frozen=True)
class LessonLater:
    """Bring a lesson back later."""

    lesson_id: str


@dataclass(frozen=True)
class LessonMore:
    """Show the deeper part of a lesson."""

    lesson_id: str


@dataclass(frozen=True)
class ConfirmDelete:
    """Answer the question "forget everything about me?", asked at `asked` (minutes since the epoch, UTC)."""

    yes: bool
    asked: int | None = None  # None: a button of release 0.1.0, which no longer confirms anything


@dataclass(frozen=True)
class Judge:
    """A verdict on one suggested post, named by its reference."""

    verdict: Verdict
    ref: str


class LaterWhen(StrEnum):
    """When a lesson put off with "Later" comes back."""

    HOUR = "h"  # in an hour
    EVENING = "e"  # this evening
    TOMORROW = "t"  # tomorrow morning


@dataclass(frozen=True)
class LessonLaterAt:
    """Bring a lesson back at the moment chosen."""

    lesson_id: str
    when: LaterWhen


@dataclass(frozen=True)
class Clarify:
    """The answer to "a reminder, or your lessons moved?" after a bare `/remind 17:00` or `/remind sat 10:00`."""

    lessons: bool
    at: time | None
    days: frozenset[int]


@dataclass(frozen=True)
class Snooze:
    """Bring a reminder just sent back in an hour (or tomorrow at the same time)."""

    ref: str
    tomorrow: bool


@dataclass(frozen=True)
class ConfirmSkip:
    """Answer the question "skip this lesson?"."""

    lesson_id: str
    yes: bool


@dataclass(frozen=True)
class UndoDone:
    """Take back a Done pressed today."""

    lesson_id: str


@dataclass(frozen=True)
class OpenLesson:
    """Open a lesson of the course again."""

    lesson_id: str


@dataclass(frozen=True)
class AskTake:
    """Add my take to a suggestion: the bot waits for the leader's sentences."""

    ref: str


@dataclass(frozen=True)
class ShowPost:
    """The post for a suggestion, ready to share (the draft, or the post around the take)."""

    ref: str


@dataclass(frozen=True)
class Rewrite:
    """The post again, shorter or from another angle."""

    ref: str
    shorter: bool


class Choice(StrEnum):
    """What the leader says of the transcript of their voice note."""

    USE = "vu"  # ✅ use it
    EDIT = "ve"  # ✏️ type the corrected text
    AGAIN = "va"  # 🔁 say it again
    DROP = "vx"  # leave it


@dataclass(frozen=True)
class OnHeard:
    """A choice about the transcript whose fingerprint is `check` (see bot.core.speech.check_of)."""

    choice: Choice
    check: str


@dataclass(frozen=True)
class HeardFor:
    """The confirmed words of a voice note sent as a plain message become the take on this suggestion."""

    ref: str


@dataclass(frozen=True)
class AccountReady:
    """The account step is done: the profile is open, with two-step sign-in."""


@dataclass(frozen=True)
class StartComment:
    """Open the comment helper: the bot waits for the text of the post to answer."""


@dataclass(frozen=True)
class CommentOn:
    """Comment on a suggested article: the bot waits for the leader's view of it."""

    ref: str


@dataclass(frozen=True)
class Commented:
    """The comment written (named by its reference) is published: an action of the habit."""

    ref: str


@dataclass(frozen=True)
class RewriteComment:
    """The comment again, shorter or another way."""

    ref: str
    shorter: bool


@dataclass(frozen=True)
class NoteIt:
    """Note what a lesson's action produced: the bot waits for the leader's words."""

    lesson_id: str


@dataclass(frozen=True)
class Publish:
    """Publish a suggestion's post on the connected network: first shown exactly as it will go, and asked."""

    ref: str


@dataclass(frozen=True)
class ConfirmPublish:
    """The answer to "publish this, exactly as shown?"."""

    ref: str
    yes: bool


@dataclass(frozen=True)
class Connect:
    """Connect (or connect again) the network the bot publishes on."""


@dataclass(frozen=True)
class QuizPick:
    """An answer tapped to a lesson's question (`choice` counts from 0); `review`: asked again by the recap."""

    lesson_id: str
    choice: int
    review: bool = False


@dataclass(frozen=True)
class Longer:
    """The post again at its full length, from the same angle (undoes "Shorter")."""

    ref: str


@dataclass(frozen=True)
class Unknown:
    """Data the bot cannot read: it changes nothing."""


UNKNOWN = Unknown()

Action = (Answer | Ask | SwitchLessons | OpenToday | OpenSuggestions | LessonDone | LessonLater | LessonMore
          | ConfirmDelete | Judge | AskTake | ShowPost | Rewrite | Longer | LessonLaterAt | Clarify | Snooze
          | ConfirmSkip | UndoDone | OpenLesson | AccountReady | StartComment | CommentOn | Commented
          | RewriteComment | NoteIt | OnHeard | HeardFor | Publish | ConfirmPublish | Connect | QuizPick | Unknown)

# The wire format: a short verb, a colon, an argument. These verbs are those of release 0.1.0.
_ANSWER_VERBS: dict[Step, str] = {
    Step.LANGUAGE: "lang", Step.TIMEZONE: "tz", Step.TIME: "time", Step.DAYS: "days", Step.SECTOR: "sec",
    Step.NUDGE: "nudge", Step.GOAL: "goal", Step.SUGGEST: "sugg", Step.STANDING: "stand", Step.STAGE: "stage",
}
_ANSWER_STEPS = {verb: step for step, verb in _ANSWER_VERBS.items()}
_LESSON_VERBS: dict[type, str] = {LessonDone: "done", LessonLater: "later", LessonMore: "more", UndoDone: "undo",
                                  OpenLesson: "open"}
_LESSON_TYPES = {verb: kind for kind, verb in _LESSON_VERBS.items()}
_VERDICT_VERBS: dict[Verdict, str] = {Verdict.POSTED: "sp", Verdict.IRRELEVANT: "sn", Verdict.ANOTHER: "sa",
                                      Verdict.SAVED: "ss", Verdict.UNDO: "su"}
_VERDICTS = {verb: verdict for verdict, verb in _VERDICT_VERBS.items()}
_POST_VERBS: dict[str, Callable[[str], Action]] = {
    "pt": AskTake, "pd": ShowPost, "ps": lambda ref: Rewrite(ref, True), "pa": lambda ref: Rewrite(ref, False),
    "pc": CommentOn, "cc": Commented, "cs": lambda ref: RewriteComment(ref, True),
    "co": lambda ref: RewriteComment(ref, False),
    "pf": Longer,  # the post in full
}

# What each argument may look like: anything else is not an action of this bot.
_LESSON_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,56}")
_REF = re.compile(r"[0-9a-f]{8}")
_ANSWER_VALUE = re.compile(r"[A-Za-z0-9_+/-]{1,58}")
_MINUTES = re.compile(r"[1-9][0-9]{0,11}")
_CLARIFY = re.compile(r"([lr]):(-|(?:[01]\d|2[0-3])[0-5]\d):(-|0?1?2?3?4?5?6?)")


def _days_code(days: frozenset[int]) -> str:
    return "".join(str(d) for d in sorted(days)) or "-"


def _clarify(arg: str) -> Action:
    match = _CLARIFY.fullmatch(arg)
    if not match or (match.group(2) == "-" and match.group(3) in ("-", "")) or match.group(3) == "":
        return UNKNOWN
    kind, hhmm, days = match.groups()
    at = None if hhmm == "-" else time(int(hhmm[:2]), int(hhmm[2:]))
    return Clarify(kind == "l", at, frozenset() if days == "-" else frozenset(int(d) for d in days))


def encode(action: Action) -> str:
    """The callback data of an action (at most 64 bytes)."""
    match action:
        case Answer(step, value):
            data = f"{_ANSWER_VERBS[step]}:{value}"
        case Ask(step):
            data = f"set:{step.value}"
        case SwitchLessons(on):
            data = "rem:on" if on else "rem:off"
        case OpenToday():
            data = "go:today"
        case OpenSuggestions():
            data = "go:suggest"
        case LessonDone(lesson_id) | LessonLater(lesson_id) | LessonMore(lesson_id):
            data = f"{_LESSON_VERBS[type(action)]}:{lesson_id}"
        case ConfirmDelete(yes, asked):
            data = ("del:yes" if yes else "del:no") + (f":{asked}" if asked is not None else "")
        case Judge(verdict, ref):
            data = f"{_VERDICT_VERBS[verdict]}:{ref}"
        case AskTake(ref):
            data = f"pt:{ref}"
        case ShowPost(ref):
            data = f"pd:{ref}"
        case Rewrite(ref, shorter):
            data = f"{'ps' if shorter else 'pa'}:{ref}"
        case CommentOn(ref):
            data = f"pc:{ref}"
        case Commented(ref):
            data = f"cc:{ref}"
        case RewriteComment(ref, shorter):
            data = f"{'cs' if shorter else 'co'}:{ref}"
        case AccountReady():
            data = "go:account"
        case StartComment():
            data = "go:comment"
        case NoteIt(lesson_id):
            data = f"note:{lesson_id}"
        case Longer(ref):
            data = f"pf:{ref}"
        case UndoDone(lesson_id) | OpenLesson(lesson_id):
            data = f"{_LESSON_VERBS[type(action)]}:{lesson_id}"
        case LessonLaterAt(lesson_id, when):
            data = f"lat:{when.value}:{lesson_id}"
        case Clarify(lessons, at, days):
            data = f"clr:{'l' if lessons else 'r'}:{at.strftime('%H%M') if at else '-'}:{_days_code(days)}"
        case Snooze(ref, tomorrow):
            data = f"snz:{'t' if tomorrow else 'h'}:{ref}"
        case ConfirmSkip(lesson_id, yes):
            data = f"{'skp' if yes else 'skn'}:{lesson_id}"
        case OnHeard(choice, check):
            data = f"{choice.value}:{check}"
        case HeardFor(ref):
            data = f"vt:{ref}"
        case Publish(ref):
            data = f"lp:{ref}"
        case ConfirmPublish(ref, yes):
            data = f"{'lpy' if yes else 'lpn'}:{ref}"
        case Connect():
            data = "lk:go"
        case QuizPick(lesson_id, choice, review):
            data = f"{'qr' if review else 'qz'}:{choice}:{lesson_id}"
        case _:
            raise ValueError(f"not an action the bot can put on a button: {action!r}")
    if len(data.encode()) > MAX_DATA or decode(data) != action:
        raise ValueError(f"this action does not fit in a button: {action!r}")
    return data


def decode(data: str) -> Action:
    """The action behind callback data; `UNKNOWN` for anything the bot did not issue."""
    if not data or len(data.encode()) > MAX_DATA:
        return UNKNOWN
    verb, colon, arg = data.partition(":")
    if not colon:
        return UNKNOWN
    if verb in _ANSWER_STEPS:
        return Answer(_ANSWER_STEPS[verb], arg) if _ANSWER_VALUE.fullmatch(arg) else UNKNOWN
    if verb == "set":
        return Ask(Step(arg)) if arg in Step._value2member_map_ else UNKNOWN
    if verb in _LESSON_TYPES:
        return _LESSON_TYPES[verb](arg) if _LESSON_ID.fullmatch(arg) else UNKNOWN
    if verb in _VERDICTS:
        return Judge(_VERDICTS[verb], arg) if _REF.fullmatch(arg) else UNKNOWN
    if verb in _POST_VERBS:
        return _POST_VERBS[verb](arg) if _REF.fullmatch(arg) else UNKNOWN
    if verb in Choice._value2member_map_:
        return OnHeard(Choice(verb), arg) if _REF.fullmatch(arg) else UNKNOWN
    if verb == "vt":
        return HeardFor(arg) if _REF.fullmatch(arg) else UNKNOWN
    if verb == "del":
        answer, colon, asked = arg.partition(":")
        if answer not in ("yes", "no") or (colon and not _MINUTES.fullmatch(asked)):
            return UNKNOWN
        return ConfirmDelete(answer == "yes", int(asked) if colon else None)
    if verb == "note":
        return NoteIt(arg) if _LESSON_ID.fullmatch(arg) else UNKNOWN
    if verb in ("lp", "lpy", "lpn"):
        if not _REF.fullmatch(arg):
            return UNKNOWN
        return Publish(arg) if verb == "lp" else ConfirmPublish(arg, verb == "lpy")
    if verb in ("skp", "skn"):
        return ConfirmSkip(arg, verb == "skp") if _LESSON_ID.fullmatch(arg) else UNKNOWN
    if verb == "clr":
        return _clarify(arg)
    if verb in ("qz", "qr"):
        choice, colon, rest = arg.partition(":")
        if colon and choice in ("0", "1", "2") and _LESSON_ID.fullmatch(rest):
            return QuizPick(rest, int(choice), verb == "qr")
        return UNKNOWN
    if verb in ("lat", "snz"):
        kind, colon, rest = arg.partition(":")
        if verb == "lat" and colon and kind in LaterWhen._value2member_map_ and _LESSON_ID.fullmatch(rest):
            return LessonLaterAt(rest, LaterWhen(kind))
        if verb == "snz" and colon and kind in ("h", "t") and _REF.fullmatch(rest):
            return Snooze(rest, kind == "t")
        return UNKNOWN
    fixed: dict[str, Action] = {
        "rem:on": SwitchLessons(True), "rem:off": SwitchLessons(False),
        "go:today": OpenToday(), "go:suggest": OpenSuggestions(), "go:account": AccountReady(),
        "go:comment": StartComment(), "lk:go": Connect(),
    }
    return fixed.get(data, UNKNOWN)
