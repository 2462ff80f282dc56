"""The course and the words of the bot, as plain data: lessons, modules, sectors and the message catalog."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.markup import Html, escape
from bot.core.posts import DraftTemplates, Prompts


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


@dataclass(frozen=True)
class Course:
    """The roadmap in one language: lessons in order and module titles."""

    lessons: tuple[Lesson, ...]
    modules: Mapping[int, str]

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, if the course has it."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def current(self, finished: frozenset[str]) -> Lesson | None:
        """The first lesson neither done nor skipped, or None when the roadmap is complete."""
        return next((lesson for lesson in self.lessons if lesson.id not in finished), None)


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


@dataclass(frozen=True)
class Catalog:
    """Every sentence the bot says, by language and key; values are escaped when they are inserted."""

    messages: Mapping[str, Mapping[str, str]]

    def text(self, language: str, key: str, /, **values: object) -> str:
        """The message `key` in `language`, with `{name}` fields filled (escaped unless they are `Html`)."""
        template = self.messages[language][key]
        filled = {k: v if isinstance(v, Html) else escape(str(v)) for k, v in values.items()}
        return string.Formatter().vformat(template, (), _Strict(filled, key))

    def has(self, language: str, key: str) -> bool:
        """Whether the catalog holds this key in this language."""
        return key in self.messages.get(language, {})

    @staticmethod
    def fields(template: str) -> set[str]:
        """The `{names}` a template expects."""
        return set(_FIELD.findall(template))


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

    def sector(self, sector_id: str | None) -> Sector | None:
        """The sector with this id, if it is configured."""
        return next((s for s in self.sectors if s.id == sector_id), None)
