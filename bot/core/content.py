"""The course and the words of the bot, as plain data: lessons, modules, sectors and the message catalog."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.comments import CommentPrompts, CommentTemplates
from bot.core.markup import Html, escape
from bot.core.posts import DraftTemplates, Prompts


@dataclass(frozen=True)
class Choice:
    """One answer offered to a lesson's question, with the line of feedback that says why."""

    text: str
    feedback: str
    best: bool = False


@dataclass(frozen=True)
class Question:
    """The short scenario a lesson ends with, checked once Done is pressed (plain text, 2 or 3 answers)."""

    prompt: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Lesson:
    """One micro-lesson of the roadmap, in one language, its texts already in Telegram HTML."""

    id: str
    module: int
    position: int
    title: str
    body: str
    more: str
    action: str
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    stage: str = "listen"  # the stage of the path it belongs to: listen, comment or post
    note: str | None = None  # its action produces something to note ("yes"; "topics": they become interests)
    recalls: tuple[str, ...] = ()  # earlier lessons (ids) whose notes it shows back (with those it refers to)
    question: Question | None = None


@dataclass(frozen=True)
class PathStep:
    """The account step, for a leader with no account yet: open and set up a profile in ten minutes."""

    title: str
    body: str  # Telegram HTML
    action: str


@dataclass(frozen=True)
class PathContent:
    """The path's own content in one language (content/path/<lang>.yaml): the account step, the comment
    templates and what a model is told to write a comment."""

    account: PathStep
    comment: CommentTemplates
    prompts: CommentPrompts


@dataclass(frozen=True)
class Course:
    """The roadmap in one language: lessons in order, module titles, and the ids of retired lessons.

    A leader's progress is a set of lesson ids. When an edition of the course drops or merges a lesson, `retired`
    maps its old id to the id of the lesson that now carries it, so a leader who had done it keeps the credit.
    A leader keeps their place: the next lesson comes after the furthest one they finished, and unfinished lessons
    before it (added or moved by a new edition) are offered, never forced."""

    lessons: tuple[Lesson, ...]
    modules: Mapping[int, str]
    retired: Mapping[str, str] = field(default_factory=dict)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, if the course has it."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def credited(self, finished: frozenset[str]) -> frozenset[str]:
        """The ids a leader has finished, with each retired id also crediting the lesson that now carries it."""
        credited = set(finished)
        for lesson_id in finished:
            seen = {lesson_id}
            while lesson_id in self.retired and self.retired[lesson_id] not in seen:
                lesson_id = self.retired[lesson_id]
                seen.add(lesson_id)
                credited.add(lesson_id)
        return frozenset(credited)

    def _furthest(self, credited: frozenset[str]) -> int:
        """The index of the furthest lesson finished, -1 when none."""
        return max((i for i, lesson in enumerate(self.lessons) if lesson.id in credited), default=-1)

    def current(self, finished: frozenset[str]) -> Lesson | None:
        """The next lesson: the first one neither done nor skipped after the furthest one finished; when all
        after it are finished, the first unfinished one before it; None when the roadmap is complete."""
        credited = self.credited(finished)
        furthest = self._furthest(credited)
        ahead = (lesson for lesson in self.lessons[furthest + 1:] if lesson.id not in credited)
        return next(ahead, None) or next((x for x in self.lessons if x.id not in credited), None)

    def earlier_open(self, finished: frozenset[str]) -> tuple[Lesson, ...]:
        """Lessons before the leader's place that they never finished (added or moved by a new edition):
        offered, not forced. The current lesson is never among them."""
        credited = self.credited(finished)
        furthest = self._furthest(credited)
        current = self.current(finished)
        return tuple(
            lesson for lesson in self.lessons[:max(furthest, 0)] if lesson.id not in credited and lesson != current
        )

    def is_finished(self, lesson_id: str, finished: frozenset[str]) -> bool:
        """Whether a lesson counts as finished, retired ids credited."""
        return lesson_id in self.credited(finished)


@dataclass(frozen=True)
class FeedInfo:
    """A news feed: its address, its display name and its language."""

    url: str
    name: str
    language: str | None = None


@dataclass(frozen=True)
class Sector:
    """A sector a leader can choose, with its labels and keywords by language, and its feeds."""

    id: str
    labels: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    feeds: tuple[FeedInfo, ...] = ()

    def all_keywords(self) -> tuple[str, ...]:
        """The keywords of every language (items come in both)."""
        return tuple(dict.fromkeys(k for words in self.keywords.values() for k in words))

    def label(self, language: str) -> str:
        """The sector's name in a language (falling back to its id)."""
        return self.labels.get(language) or next(iter(self.labels.values()), self.id)


_FIELD = re.compile(r"{(\w+)}")


# A message: one template, or (for a message that holds a count) one template per CLDR plural category.
Template = str | Mapping[str, str]
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


@dataclass(frozen=True)
class Catalog:
    """Every sentence the bot says, by language and key; values are escaped when they are inserted."""

    messages: Mapping[str, Mapping[str, Template]]

    def forms(self, language: str, key: str) -> Mapping[str, str]:
        """The templates of a message by plural category (a message without plural forms has only "other")."""
        template = self.messages[language][key]
        return {"other": template} if isinstance(template, str) else template

    def template(self, language: str, key: str, form: str = "other") -> str:
        """The template of a message for a plural category ("other" when the message has no such form)."""
        forms = self.forms(language, key)
        return forms.get(form) or forms["other"]

    def text(self, language: str, key: str, /, **values: object) -> str:
        """The message `key` in `language` (its "other" form), with `{name}` fields filled (escaped unless they
        are `Html`)."""
        return fill(self.template(language, key), key, values)

    def has(self, language: str, key: str) -> bool:
        """Whether the catalog holds this key in this language."""
        return key in self.messages.get(language, {})

    @staticmethod
    def fields(template: Template) -> set[str]:
        """The `{names}` a template expects (all its plural forms together)."""
        texts = [template] if isinstance(template, str) else list(template.values())
        return {name for text in texts for name in _FIELD.findall(text)}


def fill(template: str, key: str, values: Mapping[str, object]) -> str:
    """A template with its `{fields}` filled: values escaped unless they are `Html`."""
    filled: dict[str, object] = {k: v if isinstance(v, Html) else escape(str(v)) for k, v in values.items()}
    return string.Formatter().vformat(template, (), _Strict(filled, key))


class _Strict(dict[str, object]):
    def __init__(self, values: dict[str, object], key: str) -> None:
        super().__init__(values)
        self.key = key

    def __missing__(self, name: str) -> object:
        raise KeyError(f"message {self.key!r} needs a value for {{{name}}}")


@dataclass(frozen=True)
class Content:
    """All the content the coach speaks with."""

    courses: Mapping[str, Course]
    catalog: Catalog
    sectors: tuple[Sector, ...]
    drafts: Mapping[str, DraftTemplates] = field(default_factory=dict)
    prompts: Mapping[str, Prompts] = field(default_factory=dict)
    path: Mapping[str, PathContent] = field(default_factory=dict)

    def sector(self, sector_id: str | None) -> Sector | None:
        """The sector with this id, if it is configured."""
        return next((s for s in self.sectors if s.id == sector_id), None)
