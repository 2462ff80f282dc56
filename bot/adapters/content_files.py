"""Lessons, messages and sectors read from files (YAML and Markdown) into the core's content types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.checks import RawLesson, check_course
from bot.core.content import Catalog, Content, Course, FeedInfo, Lesson, Sector, Template
from bot.core.content_checks import check_catalog, check_draft_words, check_drafts, check_prompts
from bot.core.markup import escape, markdown_to_html
from bot.core.model import LANGUAGES
from bot.core.posts import DraftTemplates, Prompts

MORE_MARK = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.MULTILINE)
# libyaml's safe loader when PyYAML has it (its wheels do): the content is read at every start, and the pure
# Python parser took most of it.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)


class ContentError(Exception):
    """The content on disk cannot be used; the message says which file and why."""


def _yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from None


def read_lesson(path: Path) -> RawLesson:
    """Split a lesson file into front matter, body and "tell me more" part."""
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        return RawLesson(path.name, {}, text, problems=("no YAML front matter between --- lines",))
    try:
        meta = yaml.load(match.group(1), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as error:
        return RawLesson(path.name, {}, match.group(2), problems=(f"front matter is not valid YAML: {error}",))
    if not isinstance(meta, dict):
        return RawLesson(path.name, {}, match.group(2), problems=("front matter is not a mapping",))
    parts = MORE_MARK.split(match.group(2))
    problems = ("more than one <!-- more --> line",) if len(parts) > 2 else ()
    more = parts[1].strip() if len(parts) > 1 else ""
    return RawLesson(path.name, meta, parts[0].strip(), more, problems)


def read_course(content_dir: Path) -> tuple[dict[str, list[RawLesson]], dict[str, dict[int, str]]]:
    """Every lesson file and module title, by language, in file order."""
    lessons: dict[str, list[RawLesson]] = {}
    modules: dict[str, dict[int, str]] = {}
    for lang in LANGUAGES:
        folder = content_dir / "lessons" / lang
        lessons[lang] = [read_lesson(p) for p in sorted(folder.glob("[0-9][0-9]-*.md"))]
        titles = _yaml(folder / "modules.yaml") if (folder / "modules.yaml").exists() else {}
        modules[lang] = {int(k): str(v) for k, v in (titles or {}).items()}
    return lessons, modules


def read_retired(content_dir: Path) -> dict[str, str]:
    """Lessons dropped or merged by a new edition: old id -> the id of the lesson that now carries it
    (content/lessons/retired.yaml; none when the file is absent)."""
    path = content_dir / "lessons" / "retired.yaml"
    data = _yaml(path) if path.exists() else {}
    if not isinstance(data, dict | None):
        raise ContentError(f"{path}: must map old lesson ids to the ids that carry them")
    return {str(k): str(v) for k, v in (data or {}).items()}


def read_catalog(content_dir: Path) -> Catalog:
    """The message catalog: content/messages/<lang>.yaml, then one file per feature in content/messages/<lang>/
    (e.g. `comments.yaml`), in name order; a key written in two files is refused."""
    messages: dict[str, dict[str, Template]] = {}
    for lang in LANGUAGES:
        folder = content_dir / "messages"
        paths = [folder / f"{lang}.yaml", *sorted((folder / lang).glob("*.yaml"))]
        messages[lang] = {}
        for path in paths:
            data = _yaml(path)
            where = path.relative_to(folder).as_posix()
            if not isinstance(data, dict):
                raise ContentError(f"messages/{where} is not a mapping")
            for k, v in data.items():
                if str(k) in messages[lang]:
                    raise ContentError(f"messages/{where}: '{k}' is written in another file too")
                messages[lang][str(k)] = (
                    {str(form): str(text) for form, text in v.items()} if isinstance(v, dict) else str(v)
                )
    return Catalog(messages)


def read_sectors(feeds_path: Path) -> tuple[Sector, ...]:
    """The sectors listed in the feeds file (labels and keywords by language)."""
    data = _yaml(feeds_path) or {}
    sectors = []
    for entry in data.get("sectors", []) if isinstance(data, dict) else []:
        if not isinstance(entry, Mapping) or "id" not in entry:
            raise ContentError(f"{feeds_path}: every sector needs an id")
        labels = entry.get("label") or {}
        keywords = entry.get("keywords") or {}
        feeds = []
        for feed in entry.get("feeds") or ():
            if not isinstance(feed, Mapping) or not feed.get("url"):
                raise ContentError(f"{feeds_path}: every feed of sector {entry['id']} needs a url")
            feeds.append(FeedInfo(str(feed["url"]), str(feed.get("name") or feed["url"]),
                                  str(feed["lang"]) if feed.get("lang") else None))
        sectors.append(
            Sector(
                id=str(entry["id"]),
                labels={str(k): str(v) for k, v in labels.items()},
                keywords={str(k): tuple(str(w) for w in v or ()) for k, v in keywords.items()},
                feeds=tuple(feeds),
            )
        )
    return tuple(sectors)


def read_drafts(content_dir: Path) -> dict[str, DraftTemplates]:
    """The post templates by language: content/drafts/<lang>.yaml."""
    drafts = {}
    for lang in LANGUAGES:
        data = _yaml(content_dir / "drafts" / f"{lang}.yaml")
        if not isinstance(data, dict):
            raise ContentError(f"drafts/{lang}.yaml is not a mapping")
        notes = data.get("language_notes") or {}
        if not isinstance(notes, dict):
            raise ContentError(f"drafts/{lang}.yaml: language_notes is not a mapping")
        drafts[lang] = DraftTemplates(
            **{angle: tuple(str(t) for t in data.get(angle) or ()) for angle in DraftTemplates.ANGLES},
            language_notes={str(k): str(v) for k, v in notes.items()},
            language=lang,
        )
    return drafts


def read_prompts(content_dir: Path) -> dict[str, Prompts]:
    """What a language model is told, by language: content/prompts/<lang>.yaml (`system` and `user`)."""
    prompts = {}
    for lang in LANGUAGES:
        data = _yaml(content_dir / "prompts" / f"{lang}.yaml")
        if not isinstance(data, dict):
            raise ContentError(f"prompts/{lang}.yaml is not a mapping")
        prompts[lang] = Prompts(system=str(data.get("system") or "").strip(), user=str(data.get("user") or "").strip())
    return prompts


def _lesson(raw: RawLesson, position: int) -> Lesson:
    meta = raw.meta
    return Lesson(
        id=str(meta["id"]),
        module=int(meta["module"]),
        position=position,
        title=str(meta["title"]).strip(),
        body=markdown_to_html(raw.body),
        more=markdown_to_html(raw.more),
        action=str(meta["action"]).strip(),
        sources=tuple(str(s) for s in meta.get("sources") or ()),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
    )


@dataclass(frozen=True)
class _Read:
    """Everything of the content directory, read once, and its problems."""

    problems: list[str]
    lessons: dict[str, list[RawLesson]]
    modules: dict[str, dict[int, str]]
    retired: dict[str, str]
    catalog: Catalog | None = None
    drafts: dict[str, DraftTemplates] | None = None
    prompts: dict[str, Prompts] | None = None


def _read_and_check(content_dir: Path) -> _Read:
    lessons, modules = read_course(content_dir)
    try:
        retired = read_retired(content_dir)
    except ContentError as error:
        retired = {}
        problems = [str(error)]
    else:
        problems = []
    problems.extend(check_course(lessons, modules, retired))
    if not any(lessons.values()):
        problems.append("no lessons found under lessons/<lang>/")
    try:
        catalog = read_catalog(content_dir)
        problems.extend(check_catalog(catalog))
        drafts = read_drafts(content_dir)
        problems.extend(check_drafts(drafts))
        problems.extend(check_draft_words(drafts))
        prompts = read_prompts(content_dir)
        problems.extend(check_prompts(prompts))
    except ContentError as error:
        problems.append(str(error))
        return _Read(problems, lessons, modules, retired)
    return _Read(problems, lessons, modules, retired, catalog, drafts, prompts)


def check_content(content_dir: Path) -> list[str]:
    """Every problem of the course and the catalog (empty when all is well)."""
    return _read_and_check(content_dir).problems


def load_content(content_dir: Path, feeds_path: Path) -> Content:
    """Read and check everything the coach speaks with (each file read once); raise ContentError on any
    problem."""
    read = _read_and_check(content_dir)
    if read.problems:
        raise ContentError("the content has problems:\n" + "\n".join(read.problems[:20]))
    assert read.catalog is not None and read.drafts is not None and read.prompts is not None
    courses = {
        lang: Course(tuple(_lesson(raw, i + 1) for i, raw in enumerate(read.lessons[lang])), read.modules[lang],
                     read.retired)
        for lang in LANGUAGES
    }
    return Content(courses=courses, catalog=read.catalog, sectors=read_sectors(feeds_path),
                   drafts=read.drafts, prompts=read.prompts)


__all__ = ["ContentError", "check_content", "escape", "load_content", "read_sectors"]
